// K::gradients: reverse-mode differentiation as a graph-to-graph transform. Each op's derivative
// rule lives with its definition (src/ops/<family>.cpp).
#include <functional>
#include <stdexcept>
#include <unordered_map>
#include <unordered_set>

#include "keras/backend/backend.h"
#include "ops/op_def.h"
#include "ops/reduce.h"

namespace keras::backend {

namespace {

// The op's derivative rule, from its definition in src/ops/.
ops::Grads rule(const Node& node, const SymbolicTensor& y, const SymbolicTensor& g) {
  const ops::GradientRule gradient = ops::op_def(node.op).gradient;
  if (!gradient)
    throw std::invalid_argument(std::string("K::gradients: op ") + op_name(node.op) +
                                " is not differentiable");
  return gradient(node, y, g);
}

}  // namespace

std::vector<SymbolicTensor> gradients(const SymbolicTensor& loss,
                                      const std::vector<SymbolicTensor>& params) {
  if (shape_numel(loss.shape()) != 1)
    throw std::invalid_argument("K::gradients: the loss must be a scalar, got shape " +
                                shape_to_string(loss.shape()));
  // Topological order of everything the loss depends on.
  std::vector<NodePtr> order;
  std::unordered_set<const Node*> visited;
  std::function<void(const NodePtr&)> visit = [&](const NodePtr& n) {
    if (!visited.insert(n.get()).second) return;
    for (auto& input : n->inputs) visit(input);
    order.push_back(n);
  };
  visit(loss.node());

  // Only nodes on a path from a parameter to the loss get gradients.
  std::unordered_set<const Node*> relevant;
  for (const auto& p : params) relevant.insert(p.node().get());
  for (const auto& n : order)
    for (auto& input : n->inputs)
      if (relevant.count(input.get())) relevant.insert(n.get());

  std::unordered_map<const Node*, SymbolicTensor> grad;
  grad[loss.node().get()] = reshape(constant(1.0, loss.dtype()), loss.shape());
  for (auto it = order.rbegin(); it != order.rend(); ++it) {
    const NodePtr& n = *it;
    auto found = grad.find(n.get());
    if (found == grad.end() || n->inputs.empty()) continue;
    bool needs_inputs = false;
    for (auto& input : n->inputs) needs_inputs = needs_inputs || relevant.count(input.get()) > 0;
    if (!needs_inputs) continue;
    ops::Grads input_grads = rule(*n, SymbolicTensor(n), found->second);
    for (std::size_t i = 0; i < n->inputs.size() && i < input_grads.size(); ++i) {
      const Node* input = n->inputs[i].get();
      if (!relevant.count(input) || !input_grads[i].defined()) continue;
      auto [slot, inserted] = grad.try_emplace(input, input_grads[i]);
      if (!inserted) slot->second = slot->second + input_grads[i];
    }
  }

  std::vector<SymbolicTensor> result;
  for (const auto& p : params) {
    auto found = grad.find(p.node().get());
    if (found != grad.end()) {
      result.push_back(found->second);
    } else if (shape_is_known(p.shape())) {
      result.push_back(constant(0.0, p.dtype(), p.shape()));
    } else {
      ops::BroadcastLikeAttrs attrs;
      attrs.numpy_broadcast = true;  // zeros shaped like p, known at run time
      result.push_back(make_node(OpKind::kBroadcastLike, {constant(0.0, p.dtype()), p}, attrs));
    }
  }
  return result;
}

}  // namespace keras::backend
