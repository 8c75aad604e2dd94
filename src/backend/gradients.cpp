// K::gradients: reverse-mode differentiation as a graph-to-graph transform. Each op's derivative
// rule lives with its definition (src/ops/<family>.cpp).
#include <algorithm>
#include <functional>
#include <stdexcept>
#include <tuple>
#include <unordered_map>
#include <unordered_set>

#include "keras/backend/backend.h"
#include "ops/op_def.h"
#include "ops/reduce.h"
#include "ops/shape.h"

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

// A SliceGrad contribution to a node's gradient: the piece g placed at [begin, end) of `axis`.
struct SlicePiece {
  std::size_t position;  // among the contributions
  int axis;
  std::int64_t begin, end;
  SymbolicTensor g;
};

// The sum of a node's gradient contributions. Those that are gradients of slices of it along one
// axis and side by side (the time steps of an unrolled sequence, an LSTM's four gates) become one
// concatenation of their pieces (pieces of the same slice summed first), zero-padded once: summed
// as they come, each piece would take a buffer as large as the whole node, all alive at once.
SymbolicTensor sum_of(const std::vector<SymbolicTensor>& terms) {
  if (terms.size() == 1) return terms.front();
  std::vector<SlicePiece> pieces;
  for (std::size_t k = 0; k < terms.size(); ++k) {
    const Node& n = *terms[k].node();
    if (n.op != OpKind::kSliceGrad) continue;
    const Shape& x = n.inputs[1]->shape;
    const auto& a = n.attrs_as<ops::SliceAttrs>();
    const int axis = a.axis < 0 ? a.axis + static_cast<int>(x.size()) : a.axis;
    if (axis < 0 || axis >= static_cast<int>(x.size()) || x[static_cast<std::size_t>(axis)] < 0)
      continue;
    const auto [begin, end] = ops::slice_bounds(a, x[static_cast<std::size_t>(axis)]);
    pieces.push_back({k, axis, begin, end, SymbolicTensor(n.inputs[0])});
  }
  std::stable_sort(pieces.begin(), pieces.end(), [](const SlicePiece& a, const SlicePiece& b) {
    return std::tie(a.axis, a.begin, a.end) < std::tie(b.axis, b.begin, b.end);
  });
  std::vector<SymbolicTensor> summed = terms;  // a run's result in its first piece's place
  std::vector<bool> merged(terms.size(), false);
  for (const SlicePiece& p : pieces) merged[p.position] = true;
  // The same slice's pieces, summed piece-sized.
  std::vector<SlicePiece> unique;
  for (SlicePiece& p : pieces) {
    SlicePiece* last = unique.empty() ? nullptr : &unique.back();
    if (last && last->axis == p.axis && last->begin == p.begin && last->end == p.end) {
      last->g = last->g + p.g;
      last->position = std::min(last->position, p.position);
    } else {
      unique.push_back(std::move(p));
    }
  }
  for (std::size_t i = 0; i < unique.size();) {
    std::size_t j = i + 1;
    while (j < unique.size() && unique[j].axis == unique[i].axis &&
           unique[j].begin == unique[j - 1].end)
      ++j;
    std::vector<SymbolicTensor> parts;
    std::size_t first = unique[i].position;
    for (std::size_t k = i; k < j; ++k) {
      parts.push_back(unique[k].g);
      first = std::min(first, unique[k].position);
    }
    const NodePtr& x = terms[unique[i].position].node()->inputs[1];
    const int axis = unique[i].axis;
    SymbolicTensor whole = parts.size() == 1 ? parts.front() : concatenate(parts, axis);
    if (unique[i].begin != 0 || unique[j - 1].end != x->shape[static_cast<std::size_t>(axis)] ||
        whole.shape() != x->shape)
      whole = make_node(OpKind::kSliceGrad, {whole, SymbolicTensor(x)},
                        ops::SliceAttrs{axis, unique[i].begin, unique[j - 1].end});
    summed[first] = whole;
    merged[first] = false;
    i = j;
  }
  SymbolicTensor sum;
  for (std::size_t k = 0; k < summed.size(); ++k)
    if (!merged[k]) sum = sum.defined() ? sum + summed[k] : summed[k];
  return sum;
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

  // Each node's gradient contributions, summed (sum_of) once all its consumers gave theirs.
  std::unordered_map<const Node*, std::vector<SymbolicTensor>> grad;
  grad[loss.node().get()] = {reshape(constant(1.0, loss.dtype()), loss.shape())};
  for (auto it = order.rbegin(); it != order.rend(); ++it) {
    const NodePtr& n = *it;
    auto found = grad.find(n.get());
    if (found == grad.end() || n->inputs.empty()) continue;
    bool needs_inputs = false;
    for (auto& input : n->inputs) needs_inputs = needs_inputs || relevant.count(input.get()) > 0;
    if (!needs_inputs) continue;
    ops::Grads input_grads = rule(*n, SymbolicTensor(n), sum_of(found->second));
    for (std::size_t i = 0; i < n->inputs.size() && i < input_grads.size(); ++i) {
      const Node* input = n->inputs[i].get();
      if (!relevant.count(input) || !input_grads[i].defined()) continue;
      grad[input].push_back(input_grads[i]);
    }
  }

  std::vector<SymbolicTensor> result;
  for (const auto& p : params) {
    auto found = grad.find(p.node().get());
    if (found != grad.end()) {
      result.push_back(sum_of(found->second));
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
