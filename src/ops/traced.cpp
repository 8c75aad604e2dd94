// Traced(inputs...): the output of a graph a callback builds for the inputs' concrete shapes
// (src/backend/traced.h). The step's prepare function traces and compiles the inner graph when
// the outer plan is made, so it lives as long as that plan (one per shape signature, in the plan
// cache); the kernel runs it on the step's buffers, its arena and scratch lent by the step's
// scratch (the outer function's one region, which every Traced step of its plans shares). The
// gradient is a second Traced node whose inner graph differentiates the first one's (and is
// differentiable again): one node gives every input's gradient, packed flat, when at most one of
// them has unknown dimensions (the others take a node each).
#include <cstring>
#include <stdexcept>

#include "backend/reshape_like.h"
#include "backend/traced.h"
#include "compiler/compiler.h"
#include "keras/backend/backend.h"
#include "keras/backend/function.h"
#include "ops/op_def.h"

namespace keras::ops {

namespace {

namespace K = keras::backend;
using K::TracedGraph;

struct TracedAttrs {
  static constexpr const char* kName = "TracedAttrs";
  std::shared_ptr<const TracedGraph> graph;
};

const TracedGraph& graph_of(OpKind op, const OpAttrs& attrs) {
  const auto& a = attrs.get<TracedAttrs>(op);
  if (!a.graph) fail(op, "no graph to trace");
  return *a.graph;
}

Shape traced_shape(OpKind op, const std::vector<const Shape*>& in, const OpAttrs& attrs) {
  std::vector<Shape> shapes;
  for (const Shape* s : in) shapes.push_back(*s);
  return graph_of(op, attrs).output_shape(shapes);
}

DType traced_dtype(OpKind op, const std::vector<DType>& in, const OpAttrs&) {
  if (in.empty()) fail(op, "needs at least one input");
  return in.front();
}

bool fully_known(const Shape& s) {
  for (std::int64_t d : s)
    if (d < 0) return false;
  return true;
}

// ---- the kernel ---------------------------------------------------------------------------------

Tensor wrap(const kernels::Buffer& b) {
  switch (b.dtype) {
    case DType::float32:
      return Tensor::from_blob(b.as<float>(), b.shape);
    case DType::float64:
      return Tensor::from_blob(b.as<double>(), b.shape);
    case DType::int32:
      return Tensor::from_blob(b.as<std::int32_t>(), b.shape);
    case DType::int64:
      return Tensor::from_blob(b.as<std::int64_t>(), b.shape);
  }
  throw std::logic_error("Traced: unknown dtype");
}

// The step's inner function, compiled for its shapes (which never change: one per outer plan).
struct TracedState {
  std::unique_ptr<K::detail::CompiledFunction> function;
  std::size_t memory = 0;  // what a run borrows from the step's scratch
};

// Traces and compiles the inner graph for the call's input shapes. `borrow`: its plan is made now
// and runs in the step's scratch (the prepare function asks for it), which the outer plan's other
// steps share, the other Traced steps included: one region as large as the largest of them, not
// an arena per traced graph.
std::size_t trace(const kernels::KernelCall& call, bool borrow) {
  const TracedGraph& graph = graph_of(call.op, *call.attrs);
  std::vector<SymbolicTensor> placeholders;
  std::vector<Shape> shapes;
  for (std::size_t i = 0; i < call.inputs.size(); ++i) {
    placeholders.push_back(K::placeholder(call.inputs[i].shape, call.inputs[i].dtype,
                                          graph.name + "/input_" + std::to_string(i)));
    shapes.push_back(call.inputs[i].shape);
  }
  SymbolicTensor y = graph.build(placeholders);
  if (y.shape() != call.output.shape || y.dtype() != call.output.dtype)
    throw std::logic_error("Traced " + graph.name + ": the graph built for the inputs gives " +
                           shape_to_string(y.shape()) + " " + dtype_name(y.dtype()) +
                           ", its output_shape said " + shape_to_string(call.output.shape) + " " +
                           dtype_name(call.output.dtype));
  auto state = std::make_shared<TracedState>();
  state->function = std::make_unique<K::detail::CompiledFunction>(
      placeholders, std::vector<SymbolicTensor>{y}, std::vector<K::Update>{}, K::Givens{}, borrow);
  state->memory = state->function->memory_needed(shapes);
  call.state = state;
  return state->memory;
}

std::size_t prepare_traced(const kernels::KernelCall& call) {
  return trace(call, true);
}

void traced_kernel(const kernels::KernelCall& call) {
  if (!call.state) trace(call, false);  // not prepared: no scratch lent, memory of its own
  auto& state = *static_cast<TracedState*>(call.state.get());
  auto& function = *state.function;
  std::vector<Tensor> inputs;
  for (const auto& b : call.inputs) inputs.push_back(wrap(b));
  auto lock = function.lock();
  if (function.borrows_memory() && (!call.scratch || call.scratch_bytes < state.memory))
    throw std::logic_error("Traced " + graph_of(call.op, *call.attrs).name + " needs " +
                           std::to_string(state.memory) + " bytes of scratch, its step has " +
                           std::to_string(call.scratch ? call.scratch_bytes : 0));
  const Tensor& out = function.borrows_memory() ? function.run_in(inputs, call.scratch).front()
                                                : function.run(inputs).front();
  std::memcpy(call.output.data, out.raw_data(), out.nbytes());
}

// ---- the gradient -------------------------------------------------------------------------------

// The gradients of sum(F(x) * g) with respect to the inputs `wrt` of F, flattened and
// concatenated in that order: the inner graph of a gradient node, whose inputs are F's and g.
std::shared_ptr<const TracedGraph> gradient_graph(std::shared_ptr<const TracedGraph> forward,
                                                  std::vector<std::size_t> wrt) {
  auto graph = std::make_shared<TracedGraph>();
  graph->name = forward->name + "_grad";
  graph->build = [forward, wrt](const std::vector<SymbolicTensor>& in) {
    std::vector<SymbolicTensor> x(in.begin(), in.end() - 1);
    SymbolicTensor loss = K::sum(forward->build(x) * in.back());
    std::vector<SymbolicTensor> params;
    for (std::size_t i : wrt) params.push_back(x[i]);
    std::vector<SymbolicTensor> flat;
    for (const SymbolicTensor& g : K::gradients(loss, params)) flat.push_back(K::flatten(g));
    return flat.size() == 1 ? flat.front() : K::concatenate(flat, 0);
  };
  graph->output_shape = [wrt](const std::vector<Shape>& in) {
    std::int64_t total = 0;
    for (std::size_t i : wrt) {
      if (!fully_known(in[i])) return Shape{-1};
      total += shape_numel(in[i]);
    }
    return Shape{total};
  };
  // Differentiable again (second order) in the same inputs, and in g.
  if (!forward->differentiable.empty()) {
    graph->differentiable = forward->differentiable;
    graph->differentiable.push_back(true);
  }
  return graph;
}

// The piece of a packed gradient r for an input shaped like x.
SymbolicTensor unpack(const SymbolicTensor& piece, const SymbolicTensor& x) {
  const Shape& shape = x.shape();
  if (fully_known(shape)) return K::reshape(piece, shape);
  std::vector<int> like_axes(shape.size(), -1);
  for (std::size_t d = 0; d < shape.size(); ++d)
    if (shape[d] < 0) like_axes[d] = static_cast<int>(d);
  return K::reshape_like(piece, shape, x, like_axes);
}

Grads traced_gradient(const Node& node, const SymbolicTensor&, const SymbolicTensor& g) {
  const auto& a = node.attrs_as<TracedAttrs>();
  const std::size_t n = node.inputs.size();
  std::vector<std::size_t> known, unknown;
  for (std::size_t i = 0; i < n; ++i) {
    const bool floating = is_floating(node.inputs[i]->dtype);
    const bool wanted = a.graph->differentiable.empty()
                            ? floating
                            : (i < a.graph->differentiable.size() && a.graph->differentiable[i]);
    if (!wanted || !floating) continue;
    (fully_known(node.inputs[i]->shape) ? known : unknown).push_back(i);
  }
  std::vector<SymbolicTensor> inputs;
  for (const auto& x : node.inputs) inputs.emplace_back(x);
  inputs.push_back(g);
  Grads grads(n);
  // Node 1: the first input of unknown size, then every known one (sliced from the end); the
  // other unknown ones: a node each.
  std::vector<std::size_t> first;
  if (!unknown.empty()) first.push_back(unknown.front());
  first.insert(first.end(), known.begin(), known.end());
  if (!first.empty()) {
    SymbolicTensor r = K::traced(gradient_graph(a.graph, first), inputs);
    std::int64_t rest = 0;  // the known sizes after the current piece
    for (std::size_t i : known) rest += shape_numel(node.inputs[i]->shape);
    std::size_t k = 0;
    if (!unknown.empty()) {
      grads[unknown.front()] =
          unpack(rest > 0 ? K::slice(r, 0, 0, -rest) : r, input(node, unknown.front()));
      k = 1;
    }
    std::int64_t offset = 0;
    for (; k < first.size(); ++k) {
      const std::size_t i = first[k];
      const std::int64_t size = shape_numel(node.inputs[i]->shape);
      SymbolicTensor piece = unknown.empty()
                                 ? K::slice(r, 0, offset, offset + size)
                                 : K::slice(r, 0, -rest, size == rest ? 0 : size - rest);
      offset += size;
      rest -= size;
      grads[i] = unpack(piece, input(node, i));
    }
  }
  for (std::size_t k = 1; k < unknown.size(); ++k) {
    const std::size_t i = unknown[k];
    grads[i] = unpack(K::traced(gradient_graph(a.graph, {i}), inputs), input(node, i));
  }
  return grads;
}

}  // namespace

void register_traced_ops(OpTable& table) {
  table.add({.op = OpKind::kTraced,
             .name = "Traced",
             .attrs = attrs_of<TracedAttrs>(),
             .shape = &traced_shape,
             .dtype = &traced_dtype,
             .gradient = &traced_gradient,
             .reference = KERAS_PREPARED_KERNEL(traced_kernel, prepare_traced),
             .cpu = KERAS_PREPARED_KERNEL(traced_kernel, prepare_traced)});
}

}  // namespace keras::ops

namespace keras::backend {

SymbolicTensor traced(std::shared_ptr<const TracedGraph> graph,
                      const std::vector<SymbolicTensor>& inputs) {
  if (!graph || !graph->build || !graph->output_shape)
    throw std::invalid_argument("K::traced: the graph needs a build and an output_shape function");
  if (!graph->differentiable.empty() && graph->differentiable.size() != inputs.size())
    throw std::invalid_argument(
        "K::traced " + graph->name + ": " + std::to_string(graph->differentiable.size()) +
        " differentiable flags for " + std::to_string(inputs.size()) + " inputs");
  return make_node(OpKind::kTraced, inputs, ops::TracedAttrs{std::move(graph)});
}

}  // namespace keras::backend
