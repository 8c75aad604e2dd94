#include "layers/recurrent/traced_steps.h"

#include <map>
#include <memory>
#include <stdexcept>

#include "backend/traced.h"

namespace keras::layers::detail {

namespace K = backend;

namespace {

using NodeMap = std::map<const K::Node*, K::NodePtr>;

// One step of the cell on placeholders, and the tensors of the outer graph it reads (weights,
// dropout masks drawn per sequence, constants): everything the step's outputs are computed from
// that does not depend on the placeholders. Those become the traced node's inputs, so the step
// graph copied per time step holds no variable and no learning phase.
struct StepGraph {
  SymbolicTensor x;
  std::vector<SymbolicTensor> states;
  CellStep next;
  std::vector<SymbolicTensor> outside;
  bool go_backwards = false, masked = false;

  // Whether `node` depends on the placeholders (memoised in `memo`).
  static bool depends(const K::NodePtr& node, std::map<const K::Node*, bool>& memo) {
    auto found = memo.find(node.get());
    if (found != memo.end()) return found->second;
    bool result = false;
    for (const K::NodePtr& input : node->inputs) result = depends(input, memo) || result;
    memo[node.get()] = result;
    return result;
  }

  void find_outside() {
    std::map<const K::Node*, bool> memo{{x.node().get(), true}};
    for (const SymbolicTensor& s : states) memo[s.node().get()] = true;
    std::map<const K::Node*, bool> listed;
    auto add = [&](const K::NodePtr& node) {
      if (listed.emplace(node.get(), true).second) outside.emplace_back(node);
    };
    std::vector<K::NodePtr> pending{next.output.node()};
    for (const SymbolicTensor& s : next.states) pending.push_back(s.node());
    std::map<const K::Node*, bool> seen;
    while (!pending.empty()) {
      K::NodePtr node = pending.back();
      pending.pop_back();
      if (!seen.emplace(node.get(), true).second) continue;
      if (!depends(node, memo)) {
        add(node);
        continue;
      }
      for (const K::NodePtr& input : node->inputs) pending.push_back(input);
    }
  }

  // `node` again over the tensors `memo` substitutes (the placeholders and the outside tensors).
  static K::NodePtr replay(const K::NodePtr& node, NodeMap& memo) {
    auto found = memo.find(node.get());
    if (found != memo.end()) return found->second;
    std::vector<SymbolicTensor> inputs;
    for (const K::NodePtr& input : node->inputs) inputs.emplace_back(replay(input, memo));
    K::NodePtr copy = K::make_node(node->op, std::move(inputs), node->attrs).node();
    memo[node.get()] = copy;
    return copy;
  }

  // The sequence over the traced node's inputs [x, (mask), initial states..., outside...]:
  // [output sequence, last output, final states...].
  std::vector<SymbolicTensor> operator()(const std::vector<SymbolicTensor>& in) const {
    const std::int64_t steps = in.front().shape()[1];
    std::size_t k = masked ? 2 : 1;
    std::vector<SymbolicTensor> current(
        in.begin() + static_cast<std::ptrdiff_t>(k),
        in.begin() + static_cast<std::ptrdiff_t>(k + states.size()));
    NodeMap fixed;
    for (std::size_t i = 0; i < outside.size(); ++i)
      fixed[outside[i].node().get()] = in[k + states.size() + i].node();
    std::vector<SymbolicTensor> outputs;
    for (std::int64_t s = 0; s < steps; ++s) {
      const std::int64_t t = go_backwards ? steps - 1 - s : s;
      NodeMap memo = fixed;
      memo[x.node().get()] = K::squeeze(K::slice(in.front(), 1, t, t + 1), 1).node();
      for (std::size_t i = 0; i < states.size(); ++i)
        memo[states[i].node().get()] = current[i].node();
      CellStep step{SymbolicTensor(replay(next.output.node(), memo)), {}};
      for (const SymbolicTensor& state : next.states)
        step.states.emplace_back(replay(state.node(), memo));
      if (masked)
        keep_unmasked(K::reshape(K::slice(in[1], 1, t, t + 1), {-1, 1}), step,
                      outputs.empty() ? SymbolicTensor() : outputs.back(), current);
      outputs.push_back(step.output);
      current = step.states;
    }
    std::vector<SymbolicTensor> result{K::stack(outputs, 1), outputs.back()};
    result.insert(result.end(), current.begin(), current.end());
    return result;
  }
};

}  // namespace

void keep_unmasked(const SymbolicTensor& keep, CellStep& next, const SymbolicTensor& previous,
                   const std::vector<SymbolicTensor>& states) {
  SymbolicTensor before = previous.defined() ? previous : next.output * 0.0;
  next.output = keep * next.output + (1.0 - keep) * before;
  for (std::size_t k = 0; k < states.size(); ++k)
    next.states[k] = keep * next.states[k] + (1.0 - keep) * states[k];
}

TracedSequence traced_steps(
    const SymbolicTensor& inputs, const SymbolicTensor& mask,
    const std::vector<SymbolicTensor>& states, bool go_backwards,
    const std::function<CellStep(const SymbolicTensor&, const std::vector<SymbolicTensor>&)>& step,
    const std::string& layer) {
  auto graph = std::make_shared<StepGraph>();
  Shape x_shape = inputs.shape();
  x_shape.erase(x_shape.begin() + 1);
  graph->x = K::placeholder(x_shape, inputs.dtype());
  for (const SymbolicTensor& s : states)
    graph->states.push_back(K::placeholder(s.shape(), s.dtype()));
  graph->next = step(graph->x, graph->states);
  graph->go_backwards = go_backwards;
  graph->masked = mask.defined();
  graph->find_outside();

  std::vector<SymbolicTensor> in{inputs};
  if (graph->masked) in.push_back(K::cast(mask, inputs.dtype()));
  in.insert(in.end(), states.begin(), states.end());
  in.insert(in.end(), graph->outside.begin(), graph->outside.end());
  for (const SymbolicTensor& t : in)
    if (t.dtype() != inputs.dtype())
      throw std::invalid_argument(
          "Layer " + layer + ": a cell run over an unknown number of time steps reads only " +
          std::string(dtype_name(inputs.dtype())) + " tensors (its inputs' dtype), got " +
          std::string(dtype_name(t.dtype())) + " tensor " + t.name() +
          "; give the Input a known number of time steps to unroll the cell instead");

  // One node per result (each reruns the sequence; those no function needs are never computed).
  auto node = [&](std::size_t output, const std::string& what) {
    auto traced = std::make_shared<K::TracedGraph>();
    traced->name = layer + "/" + what;
    std::shared_ptr<const StepGraph> steps = graph;
    traced->build = [steps, output](const std::vector<SymbolicTensor>& ins) {
      if (ins.front().shape()[1] < 1)
        throw std::invalid_argument("an RNN needs at least one time step, got input shape " +
                                    shape_to_string(ins.front().shape()));
      return (*steps)(ins).at(output);
    };
    traced->output_shape = [steps, output](const std::vector<Shape>& shapes) {
      const Shape& x = shapes.front();
      Shape shape =
          output < 2 ? steps->next.output.shape() : steps->next.states[output - 2].shape();
      shape[0] = x[0];
      if (output == 0) shape.insert(shape.begin() + 1, x[1]);
      return shape;
    };
    traced->differentiable.assign(in.size(), true);
    if (graph->masked) traced->differentiable[1] = false;
    return K::traced(traced, in);
  };
  TracedSequence result{node(0, "sequence"), node(1, "last"), {}};
  for (std::size_t k = 0; k < states.size(); ++k)
    result.states.push_back(node(2 + k, "state_" + std::to_string(k)));
  return result;
}

}  // namespace keras::layers::detail
