#include "engine/replay_graph.h"

#include <functional>
#include <map>
#include <stdexcept>
#include <string>

namespace keras::detail {

// A copy of the graph from `inputs` to `outputs` on other input tensors: every node that
// depends on an input is made again over `new_inputs` (the outputs' masks too); weights and
// other leaves are shared. This is how a model is called on new tensors.
std::vector<KerasTensor> replay_graph(const std::vector<KerasTensor>& inputs,
                                      const std::vector<KerasTensor>& outputs,
                                      const std::vector<KerasTensor>& new_inputs) {
  if (inputs.size() != new_inputs.size())
    throw std::invalid_argument("replay_graph: " + std::to_string(inputs.size()) + " inputs but " +
                                std::to_string(new_inputs.size()) + " new inputs");
  std::map<const backend::Node*, backend::NodePtr> memo;
  for (std::size_t i = 0; i < inputs.size(); ++i) {
    memo[inputs[i].node().get()] = new_inputs[i].node();
    const SymbolicTensor& old_mask = inputs[i].keras_mask();
    const SymbolicTensor& new_mask = new_inputs[i].keras_mask();
    if (old_mask.defined() && new_mask.defined()) memo[old_mask.node().get()] = new_mask.node();
  }
  std::function<backend::NodePtr(const backend::NodePtr&)> copy =
      [&](const backend::NodePtr& node) -> backend::NodePtr {
    auto found = memo.find(node.get());
    if (found != memo.end()) return found->second;
    backend::NodePtr result = node;
    if (!node->inputs.empty()) {
      std::vector<SymbolicTensor> args;
      bool changed = false;
      for (const auto& in : node->inputs) {
        auto copied = copy(in);
        changed = changed || copied != in;
        args.emplace_back(copied);
      }
      if (changed) result = backend::make_node(node->op, args, node->attrs).node();
    }
    memo[node.get()] = result;
    return result;
  };
  std::vector<KerasTensor> out;
  for (const auto& o : outputs) {
    const SymbolicTensor& mask = o.keras_mask();
    out.push_back(KerasTensor(SymbolicTensor(copy(o.node())))
                      .with_mask(mask.defined() ? SymbolicTensor(copy(mask.node())) : mask));
  }
  return out;
}

}  // namespace keras::detail
