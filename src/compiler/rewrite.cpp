// Graph rewrites done once per compiled function: givens, constant switches, fusion patterns,
// and the topological order of what the roots need (everything else is dead and dropped).
#include <algorithm>
#include <functional>
#include <stdexcept>
#include <unordered_map>
#include <unordered_set>

#include "compiler/compiler.h"
#include "ops/conv.h"
#include "ops/elementwise.h"
#include "ops/linalg.h"
#include "ops/recurrent.h"
#include "ops/shape.h"

namespace keras::backend::detail {

namespace {

using NodeMap = std::unordered_map<const Node*, NodePtr>;

NodePtr clone_with_inputs(const NodePtr& node, std::vector<NodePtr> inputs) {
  bool same = inputs == node->inputs;
  if (same) return node;
  auto copy =
      std::make_shared<Node>(node->op, std::move(inputs), node->attrs, node->shape, node->dtype);
  copy->name = node->name;
  copy->value = node->value;
  return copy;
}

void topological(const std::vector<NodePtr>& roots, std::vector<NodePtr>& order) {
  std::unordered_set<const Node*> visited;
  std::function<void(const NodePtr&)> visit = [&](const NodePtr& n) {
    if (!visited.insert(n.get()).second) return;
    for (auto& input : n->inputs) visit(input);
    order.push_back(n);
  };
  for (auto& root : roots) visit(root);
}

// Pass 1: givens and switches whose condition is a constant.
NodePtr substitute(const NodePtr& node, NodeMap& memo) {
  auto found = memo.find(node.get());
  if (found != memo.end()) return found->second;
  NodePtr result;
  if (node->op == OpKind::kSwitch) {
    NodePtr condition = substitute(node->inputs[0], memo);
    if (condition->op == OpKind::kConstant) {
      bool taken = condition->value.item() != 0;
      result = substitute(node->inputs[taken ? 1 : 2], memo);
      if (result->shape != node->shape)
        result = nullptr;  // would need a broadcast: keep the switch
    }
  }
  if (!result) {
    std::vector<NodePtr> inputs;
    for (auto& input : node->inputs) inputs.push_back(substitute(input, memo));
    result = clone_with_inputs(node, std::move(inputs));
  }
  memo[node.get()] = result;
  return result;
}

// The activation node n, as a FusedDense or Conv applies it (its relu slope, max_value, elu alpha).
ops::FusedActivation fused(const Node& n) {
  const ops::UnaryAttrs params = ops::unary_params(n.attrs);
  return {n.op, params.alpha, params.beta};
}

bool fusible_activation(const Node& n) {
  switch (n.op) {
    case OpKind::kRelu:
    case OpKind::kSigmoid:
    case OpKind::kTanh:
    case OpKind::kHardSigmoid:
    case OpKind::kSoftplus:
    case OpKind::kSoftsign:
    case OpKind::kElu:
      return true;
    default:
      return false;
  }
}

// Pass 2: fusion patterns. `uses` counts consumers in the substituted graph.
NodePtr fuse(const NodePtr& node, NodeMap& memo, const std::unordered_map<const Node*, int>& uses) {
  auto found = memo.find(node.get());
  if (found != memo.end()) return found->second;
  std::vector<NodePtr> inputs;
  for (auto& input : node->inputs) inputs.push_back(fuse(input, memo, uses));
  auto used_once = [&](const NodePtr& original) {
    auto u = uses.find(original.get());
    return u != uses.end() && u->second == 1;
  };
  NodePtr result;
  // Dense: Add(MatMul(x, W), b) -> FusedDense(x, W, b).
  if (node->op == OpKind::kAdd) {
    for (int side = 0; side < 2 && !result; ++side) {
      const NodePtr& mm = inputs[static_cast<std::size_t>(side)];
      const NodePtr& bias = inputs[static_cast<std::size_t>(1 - side)];
      if (mm->op == OpKind::kMatMul && !mm->attrs_as<ops::MatMulAttrs>().transpose_a &&
          !mm->attrs_as<ops::MatMulAttrs>().transpose_b && mm->inputs[0]->shape.size() == 2 &&
          bias->shape.size() == 1 && bias->shape[0] == mm->shape[1] &&
          used_once(node->inputs[static_cast<std::size_t>(side)]) && bias->dtype == mm->dtype) {
        result = std::make_shared<Node>(OpKind::kFusedDense,
                                        std::vector<NodePtr>{mm->inputs[0], mm->inputs[1], bias},
                                        ops::FusedDenseAttrs{}, node->shape, node->dtype);
      }
    }
  }
  // FusedDense followed by its activation.
  if (fusible_activation(*node) && inputs[0]->op == OpKind::kFusedDense &&
      inputs[0]->attrs_as<ops::FusedDenseAttrs>().activation.op == OpKind::kCount &&
      used_once(node->inputs[0])) {
    ops::FusedDenseAttrs attrs;
    attrs.activation = fused(*node);
    result = std::make_shared<Node>(OpKind::kFusedDense, inputs[0]->inputs, attrs, node->shape,
                                    node->dtype);
  }
  // SoftmaxGrad(y, CCEGrad(t, y, g)) with y = Softmax(z) -> SoftmaxCrossEntropyGrad(y, t, g).
  if (node->op == OpKind::kSoftmaxGrad && inputs[1]->op == OpKind::kCategoricalCrossentropyGrad &&
      inputs[0]->op == OpKind::kSoftmax && inputs[1]->inputs[1] == inputs[0] &&
      used_once(node->inputs[1])) {
    const NodePtr& cce_grad = inputs[1];
    result = std::make_shared<Node>(
        OpKind::kSoftmaxCrossEntropyGrad,
        std::vector<NodePtr>{inputs[0], cce_grad->inputs[0], cce_grad->inputs[2]}, OpAttrs{},
        node->shape, node->dtype);
  }
  // convolution and pooling: Add(Conv(x, W), b) -> Conv(x, W, b), then its activation, which
  // oneDNN applies as post-ops.
  if (!result && node->op == OpKind::kAdd) {
    for (int side = 0; side < 2 && !result; ++side) {
      const NodePtr& conv = inputs[static_cast<std::size_t>(side)];
      const NodePtr& bias = inputs[static_cast<std::size_t>(1 - side)];
      if (conv->op == OpKind::kConv && conv->inputs.size() == 2 &&
          conv->attrs_as<ops::ConvAttrs>().activation.op == OpKind::kCount &&
          bias->shape.size() == 1 && bias->shape[0] == conv->shape.back() &&
          bias->dtype == conv->dtype && node->shape == conv->shape &&
          used_once(node->inputs[static_cast<std::size_t>(side)])) {
        result = std::make_shared<Node>(
            OpKind::kConv, std::vector<NodePtr>{conv->inputs[0], conv->inputs[1], bias},
            conv->attrs, node->shape, node->dtype);
      }
    }
  }
  const bool conv_activation =
      (node->op == OpKind::kRelu && node->attrs_as<ops::UnaryAttrs>().beta < 0) ||
      node->op == OpKind::kTanh || node->op == OpKind::kSigmoid || node->op == OpKind::kElu;
  if (!result && conv_activation && inputs[0]->op == OpKind::kConv &&
      inputs[0]->attrs_as<ops::ConvAttrs>().activation.op == OpKind::kCount &&
      used_once(node->inputs[0])) {
    ops::ConvAttrs attrs = inputs[0]->attrs_as<ops::ConvAttrs>();
    attrs.activation = fused(*node);
    result =
        std::make_shared<Node>(OpKind::kConv, inputs[0]->inputs, attrs, node->shape, node->dtype);
  }
  if (!result) result = clone_with_inputs(node, std::move(inputs));
  memo[node.get()] = result;
  return result;
}

// Pass 3, inference of recurrent layers (where the backend's kernels can:
// Backend::trims_recurrent_inference):
// - a Recurrent sequence whose every reader slices its last processing step (a layer's final
//   states without return_sequences) writes that step alone, (1, B, W*u) instead of (T, B, W*u),
//   its other steps going round two slots of scratch; the slices read the same step of it;
// - a Recurrent whose input projection, Reshape(FusedDense(Reshape(x), W, b)) over the time-major
//   inputs x (T, B, D), nothing else reads takes x, W and b and projects each step itself.
// At batch 1024 an LSTM 128 over 28 steps then no longer writes 88 MB of states and 58.7 MB of
// projections per batch.
bool reads_last_step(const Node& n) {
  if (n.op != OpKind::kSlice) return false;
  const auto& s = n.attrs_as<ops::SliceAttrs>();
  return s.axis == 0 && s.begin == -1 && (s.to_end || s.end == 0);
}

// x (T, B, D), W and b where `xproj` is Reshape(FusedDense(Reshape(x), W, b)) to (T, B, G) and
// nothing but its Recurrent reads the projection; empty otherwise.
std::vector<NodePtr> projection_of(const NodePtr& xproj,
                                   std::unordered_map<const Node*, int>& readers) {
  if (xproj->op != OpKind::kReshape || readers[xproj.get()] != 1) return {};
  const NodePtr& dense = xproj->inputs[0];
  if (dense->op != OpKind::kFusedDense || dense->inputs.size() != 3 ||
      dense->attrs_as<ops::FusedDenseAttrs>().activation.op != OpKind::kCount ||
      readers[dense.get()] != 1 || dense->inputs[0]->op != OpKind::kReshape)
    return {};
  const NodePtr& x = dense->inputs[0]->inputs[0];
  const Shape &xs = x->shape, &ps = xproj->shape;
  if (xs.size() != 3 || ps.size() != 3 || xs[0] < 0 || xs[0] != ps[0] || xs[2] < 0 ||
      dense->inputs[0]->shape.size() != 2 || dense->inputs[0]->shape[1] != xs[2] ||
      x->dtype != xproj->dtype)
    return {};
  return {x, dense->inputs[1], dense->inputs[2]};
}

void rewrite_recurrences(std::vector<NodePtr>& roots) {
  std::vector<NodePtr> order;
  topological(roots, order);
  std::unordered_map<const Node*, int> readers, last_step_readers;
  for (auto& n : order)
    for (auto& input : n->inputs) {
      ++readers[input.get()];
      if (reads_last_step(*n)) ++last_step_readers[input.get()];
    }
  for (auto& root : roots) ++readers[root.get()];  // an output or update keeps every step
  NodeMap memo;
  std::function<NodePtr(const NodePtr&)> rewrite = [&](const NodePtr& node) -> NodePtr {
    auto found = memo.find(node.get());
    if (found != memo.end()) return found->second;
    std::vector<NodePtr> inputs;
    for (auto& input : node->inputs) inputs.push_back(rewrite(input));
    NodePtr result;
    ops::RecurrentAttrs attrs;
    if (node->op == OpKind::kRecurrent) attrs = node->attrs_as<ops::RecurrentAttrs>();
    Shape shape = node->shape;
    const bool last_step = node->op == OpKind::kRecurrent && !attrs.last_step_only &&
                           readers[node.get()] > 0 &&
                           readers[node.get()] == last_step_readers[node.get()];
    const std::vector<NodePtr> projection = node->op == OpKind::kRecurrent && !attrs.projects_input
                                                ? projection_of(node->inputs[0], readers)
                                                : std::vector<NodePtr>{};
    if (last_step) {
      attrs.last_step_only = true;
      shape[0] = shape[0] < 0 ? -1 : std::min<std::int64_t>(shape[0], 1);
    }
    if (!projection.empty()) {
      attrs.projects_input = true;
      inputs[0] = rewrite(projection[0]);
      inputs.push_back(rewrite(projection[1]));
      inputs.push_back(rewrite(projection[2]));
    }
    if (last_step || !projection.empty()) {
      result =
          std::make_shared<Node>(OpKind::kRecurrent, std::move(inputs), attrs, shape, node->dtype);
      result->name = node->name;
    } else {
      result = clone_with_inputs(node, std::move(inputs));
    }
    memo[node.get()] = result;
    return result;
  };
  for (auto& root : roots) root = rewrite(root);
}

}  // namespace

Rewritten rewrite_graph(const std::vector<SymbolicTensor>& inputs,
                        const std::vector<SymbolicTensor>& outputs,
                        const std::vector<Update>& updates, const Givens& givens,
                        bool fuse_patterns, bool recurrent_inference) {
  NodeMap memo;
  for (const auto& [from, to] : givens) {
    if (from.shape() != to.shape() && shape_numel(to.shape()) != shape_numel(from.shape()))
      throw std::invalid_argument("K::function: a given replaces a tensor of shape " +
                                  shape_to_string(from.shape()) + " by one of shape " +
                                  shape_to_string(to.shape()));
    memo[from.node().get()] = to.node();
  }
  std::vector<NodePtr> roots;
  Rewritten out;
  for (const auto& x : inputs) {
    if (x.node()->op != OpKind::kPlaceholder)
      throw std::invalid_argument("K::function: inputs must be placeholders, got a " +
                                  std::string(op_name(x.node()->op)) + " node");
    out.inputs.push_back(substitute(x.node(), memo));
  }
  for (const auto& y : outputs) roots.push_back(substitute(y.node(), memo));
  for (const auto& u : updates) {
    if (u.variable.node()->op != OpKind::kVariable)
      throw std::invalid_argument("K::function: updates must target variables");
    if (u.variable.shape() != u.new_value.shape())
      throw std::invalid_argument("K::function: the update of variable '" + u.variable.name() +
                                  "' of shape " + shape_to_string(u.variable.shape()) +
                                  " has shape " + shape_to_string(u.new_value.shape()));
    roots.push_back(substitute(u.new_value.node(), memo));
  }

  if (fuse_patterns) {
    std::vector<NodePtr> order;
    topological(roots, order);
    std::unordered_map<const Node*, int> uses;
    for (auto& n : order)
      for (auto& input : n->inputs) ++uses[input.get()];
    for (auto& root : roots) uses[root.get()] += 2;  // roots must stay materialised
    NodeMap fused;
    for (auto& root : roots) root = fuse(root, fused, uses);
  }
  if (recurrent_inference) rewrite_recurrences(roots);

  out.outputs.assign(roots.begin(), roots.begin() + static_cast<std::ptrdiff_t>(outputs.size()));
  for (std::size_t i = 0; i < updates.size(); ++i)
    out.updates.emplace_back(updates[i].variable.node(), roots[outputs.size() + i]);
  topological(roots, out.order);

  std::unordered_set<const Node*> fed;
  for (auto& x : out.inputs) fed.insert(x.get());
  for (auto& n : out.order)
    if (n->op == OpKind::kPlaceholder && !fed.count(n.get()))
      throw std::invalid_argument("K::function: the graph needs the placeholder '" + n->name +
                                  "' of shape " + shape_to_string(n->shape) +
                                  ", which is not among the function's inputs");
  return out;
}

}  // namespace keras::backend::detail
