// Graphs built per concrete input shape, inside a graph whose shapes are partly unknown: what a
// layer unrolled over its time steps (ConvLSTM2D) needs when the number of steps is known only
// when the function runs. The outer function's plan for a shape signature compiles the inner
// graph for those shapes once (K::function, kept with the plan), so a length seen before costs
// no new trace.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "keras/backend/backend.h"

namespace keras::backend {

struct TracedGraph {
  std::string name;  // in step names and error messages
  // The output for placeholders shaped like the inputs (every dimension known). It must build
  // a pure graph: no learning phase (pass what depends on it, dropout masks, as inputs), no
  // variables (pass the weights as inputs, so that gradients reach them).
  std::function<SymbolicTensor(const std::vector<SymbolicTensor>&)> build;
  // The output's shape for input shapes with unknown (-1) dimensions, and for concrete ones.
  std::function<Shape(const std::vector<Shape>&)> output_shape;
  // Per input: whether gradients flow to it (empty: every floating input).
  std::vector<bool> differentiable;
};

// The Traced node over `inputs` (all of them one floating dtype, which the output has).
SymbolicTensor traced(std::shared_ptr<const TracedGraph> graph,
                      const std::vector<SymbolicTensor>& inputs);

}  // namespace keras::backend
