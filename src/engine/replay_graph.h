// Calling a model on new tensors: its graph made again over them.
#pragma once

#include <vector>

#include "keras/engine/layer.h"

namespace keras::detail {

// A copy of the graph from `inputs` to `outputs` on other input tensors: every node that
// depends on an input is made again over `new_inputs` (the outputs' masks too); weights and
// other leaves are shared. This is how a model is called on new tensors.
std::vector<KerasTensor> replay_graph(const std::vector<KerasTensor>& inputs,
                                      const std::vector<KerasTensor>& outputs,
                                      const std::vector<KerasTensor>& new_inputs);

}  // namespace keras::detail
