// K::gradients: reverse-mode differentiation as a graph-to-graph transform. Every derivative
// rule lives in this file, one case per op.
#include <functional>
#include <stdexcept>
#include <unordered_map>
#include <unordered_set>

#include "keras/backend/backend.h"

namespace keras::backend {

namespace {

using Grads = std::vector<SymbolicTensor>;  // one entry per input; undefined = no gradient

SymbolicTensor scalar(double v, const SymbolicTensor& like) {
  return constant(v, like.dtype());
}

// Sums `g` back to the shape `x` had before numpy broadcasting.
SymbolicTensor unbroadcast(const SymbolicTensor& g, const SymbolicTensor& x) {
  if (g.shape() == x.shape()) return g;
  return make_node(OpKind::kSumLike, {g, x});
}

SymbolicTensor broadcast_like(const SymbolicTensor& g, const SymbolicTensor& x,
                              const Attrs& reduction) {
  Attrs attrs;
  attrs.axes = reduction.axes;
  attrs.keepdims = reduction.keepdims;
  return make_node(OpKind::kBroadcastLike, {g, x}, attrs);
}

// x reshaped for broadcasting against per-channel (C,) vectors along `axis`.
SymbolicTensor along_axis(const SymbolicTensor& v, int rank, int axis) {
  if (axis == rank - 1) return v;
  Shape shape(static_cast<std::size_t>(rank), 1);
  shape[static_cast<std::size_t>(axis)] = v.shape()[0];
  return reshape(v, shape);
}

SymbolicTensor stats_row(const SymbolicTensor& stats, std::int64_t row) {
  return reshape(slice(stats, 0, row, row + 1), {stats.shape()[1]});
}

// BatchNorm(x, stats, gamma, beta). When stats are BatchNormStats(x) (training), one
// BatchNormGrad node gives x's whole gradient, the statistics' derivative included, and the stats
// input gets none; with given statistics (inference) they get theirs.
Grads batch_norm_rule(const Node& node, const SymbolicTensor& g) {
  const SymbolicTensor x(node.inputs[0]), stats(node.inputs[1]), gamma(node.inputs[2]);
  const Node& s = *node.inputs[1];
  Attrs attrs = node.attrs;
  attrs.batch_stats = s.op == OpKind::kBatchNormStats && s.inputs[0] == node.inputs[0] &&
                      s.attrs.axis == node.attrs.axis;
  SymbolicTensor params = make_node(OpKind::kBatchNormGradParams, {x, stats, g}, attrs);
  SymbolicTensor dgamma = stats_row(params, 0), dbeta = stats_row(params, 1);
  Grads grads{make_node(OpKind::kBatchNormGrad, {x, stats, gamma, g}, attrs), SymbolicTensor(),
              dgamma, dbeta};
  if (!attrs.batch_stats) {
    // d/dmean = -gamma / std * sum(g); d/dvar = -gamma / 2 * sum(g * xhat) / (var + eps).
    SymbolicTensor var_eps = stats_row(stats, 1) + attrs.alpha;
    SymbolicTensor dmean = neg(gamma * dbeta / sqrt(var_eps));
    SymbolicTensor dvar = gamma * dgamma / var_eps * -0.5;
    const std::int64_t c = gamma.shape()[0];
    grads[1] = concatenate({reshape(dmean, {1, c}), reshape(dvar, {1, c})}, 0);
  }
  return grads;
}

// BatchNormStats(x) = (mean; biased var): dx = (dmean + 2 dvar (x - mean)) / n.
SymbolicTensor batch_norm_stats_rule(const Node& node, const SymbolicTensor& y,
                                     const SymbolicTensor& g) {
  const SymbolicTensor x(node.inputs[0]);
  const int rank = x.ndim();
  const int axis = node.attrs.axis;
  SymbolicTensor mean = along_axis(stats_row(y, 0), rank, axis);
  SymbolicTensor dmean = along_axis(stats_row(g, 0), rank, axis);
  SymbolicTensor dvar = along_axis(stats_row(g, 1), rank, axis);
  SymbolicTensor dx = dmean + dvar * (x - mean) * 2.0;
  const std::int64_t numel = shape_numel(x.shape());
  if (shape_is_known(x.shape()))
    return dx / static_cast<double>(numel / x.shape()[static_cast<std::size_t>(axis)]);
  SymbolicTensor n = sum(slice(x, axis, 0, 1) * 0.0 + 1.0);  // the count, known at run time
  return dx / n;
}

Grads rule(const Node& node, const SymbolicTensor& y, const SymbolicTensor& g) {
  const auto in = [&](std::size_t i) { return SymbolicTensor(node.inputs[i]); };
  const Attrs& a = node.attrs;
  switch (node.op) {
    // Piecewise-constant or random ops: no gradient flows through them (TF's None).
    case OpKind::kSign:
    case OpKind::kEqual:
    case OpKind::kNotEqual:
    case OpKind::kGreater:
    case OpKind::kGreaterEqual:
    case OpKind::kLess:
    case OpKind::kLessEqual:
    case OpKind::kArgMax:
    case OpKind::kArgMin:
    case OpKind::kOneHot:
    case OpKind::kDropoutMask:
    case OpKind::kRandomNormal:
      return {};
    case OpKind::kNeg:
      return {neg(g)};
    case OpKind::kExp:
      return {g * y};
    case OpKind::kLog:
      return {g / in(0)};
    case OpKind::kSqrt:
      return {g / (y * 2.0)};
    case OpKind::kSquare:
      return {g * in(0) * 2.0};
    case OpKind::kAbs:
      return {g * sign(in(0))};
    case OpKind::kRelu: {
      // Plain relu reads its output, so the pre-activation is not kept alive (Dense fusion).
      SymbolicTensor x = a.alpha == 0 && a.beta < 0 ? y : in(0);
      SymbolicTensor d = greater(x, scalar(0, x));
      if (a.beta >= 0) d = d * less(x, scalar(a.beta, x));
      if (a.alpha != 0) d = d + less(x, scalar(0, x)) * a.alpha;
      return {g * d};
    }
    case OpKind::kSigmoid:
      return {g * y * (1.0 - y)};
    case OpKind::kHardSigmoid:
      return {g * less(abs(in(0)), scalar(2.5, y)) * 0.2};
    case OpKind::kTanh:
      return {g * (1.0 - square(y))};
    case OpKind::kSoftplus:
      return {g * sigmoid(in(0))};
    case OpKind::kSoftsign:
      return {g / square(1.0 + abs(in(0)))};
    case OpKind::kElu: {
      SymbolicTensor x = in(0);
      SymbolicTensor positive = greater(x, scalar(0, x));
      return {g * (positive + (1.0 - positive) * (y + a.alpha))};
    }
    case OpKind::kClip: {
      SymbolicTensor x = in(0);
      return {g * greater_equal(x, scalar(a.alpha, x)) * less_equal(x, scalar(a.beta, x))};
    }
    case OpKind::kCast:
      if (!is_floating(node.inputs[0]->dtype)) return {SymbolicTensor()};
      return {cast(g, node.inputs[0]->dtype)};
    case OpKind::kAdd:
      return {unbroadcast(g, in(0)), unbroadcast(g, in(1))};
    case OpKind::kSub:
      return {unbroadcast(g, in(0)), unbroadcast(neg(g), in(1))};
    case OpKind::kMul:
      return {unbroadcast(g * in(1), in(0)), unbroadcast(g * in(0), in(1))};
    case OpKind::kDiv:
      return {unbroadcast(g / in(1), in(0)), unbroadcast(neg(g) * y / in(1), in(1))};
    case OpKind::kPow: {
      SymbolicTensor x = in(0), p = in(1);
      return {unbroadcast(g * p * pow(x, p - 1.0), x), unbroadcast(g * y * log(x), p)};
    }
    case OpKind::kMaximum:
      return {unbroadcast(g * greater_equal(in(0), in(1)), in(0)),
              unbroadcast(g * less(in(0), in(1)), in(1))};
    case OpKind::kMinimum:
      return {unbroadcast(g * less_equal(in(0), in(1)), in(0)),
              unbroadcast(g * greater(in(0), in(1)), in(1))};
    case OpKind::kSwitch: {
      SymbolicTensor zero = g * 0.0;
      return {SymbolicTensor(), unbroadcast(switch_(in(0), g, zero), in(1)),
              unbroadcast(switch_(in(0), zero, g), in(2))};
    }
    case OpKind::kSum:
      return {broadcast_like(g, in(0), a)};
    case OpKind::kMean: {
      Attrs attrs;
      attrs.axes = a.axes;
      attrs.keepdims = a.keepdims;
      return {make_node(OpKind::kMeanGrad, {g, in(0)}, attrs)};
    }
    case OpKind::kMax:
    case OpKind::kMin: {
      SymbolicTensor x = in(0);
      return {broadcast_like(g, x, a) * equal(x, broadcast_like(y, x, a))};
    }
    case OpKind::kProd:
      return {broadcast_like(g * y, in(0), a) / in(0)};
    case OpKind::kMatMul: {
      SymbolicTensor x = in(0), w = in(1);
      bool ta = a.transpose_a, tb = a.transpose_b;
      if (!ta && !tb) {
        if (x.ndim() == 2) return {matmul(g, w, false, true), matmul(x, g, true, false)};
        std::int64_t k = x.shape().back(), n = w.shape()[1];
        return {matmul(g, w, false, true),
                matmul(reshape(x, {-1, k}), reshape(g, {-1, n}), true, false)};
      }
      if (ta && !tb) return {matmul(w, g, false, true), matmul(x, g)};
      if (!ta && tb) {
        if (x.ndim() == 2) return {matmul(g, w), matmul(g, x, true, false)};
        std::int64_t n = w.shape()[0], k = w.shape()[1];
        return {matmul(g, w), matmul(reshape(g, {-1, n}), reshape(x, {-1, k}), true, false)};
      }
      return {matmul(w, g, true, true), matmul(g, x, true, true)};
    }
    case OpKind::kBatchMatMul: {
      SymbolicTensor x = in(0), w = in(1);
      auto bmm = [](const SymbolicTensor& p, const SymbolicTensor& q, bool tp, bool tq) {
        Attrs attrs;
        attrs.transpose_a = tp;
        attrs.transpose_b = tq;
        return make_node(OpKind::kBatchMatMul, {p, q}, attrs);
      };
      bool ta = a.transpose_a, tb = a.transpose_b;
      if (!ta && !tb) return {bmm(g, w, false, true), bmm(x, g, true, false)};
      if (ta && !tb) return {bmm(w, g, false, true), bmm(x, g, false, false)};
      if (!ta && tb) return {bmm(g, w, false, false), bmm(g, x, true, false)};
      return {bmm(w, g, true, true), bmm(g, x, true, true)};
    }
    case OpKind::kReshape:
      return {reshape(g, node.inputs[0]->shape)};
    case OpKind::kTranspose: {
      std::vector<int> inverse(a.axes.size());
      int rank = static_cast<int>(a.axes.size());
      for (int i = 0; i < rank; ++i) {
        int axis = a.axes[static_cast<std::size_t>(i)];
        inverse[static_cast<std::size_t>(axis < 0 ? axis + rank : axis)] = i;
      }
      return {permute_dimensions(g, inverse)};
    }
    case OpKind::kConcatenate: {
      Grads grads;
      int rank = y.ndim();
      int axis = a.axis < 0 ? a.axis + rank : a.axis;
      std::int64_t offset = 0;
      for (const auto& input : node.inputs) {
        std::int64_t dim = input->shape[static_cast<std::size_t>(axis)];
        if (dim < 0)
          throw std::invalid_argument(
              "K::gradients: cannot differentiate a concatenation along an unknown dimension");
        grads.push_back(slice(g, axis, offset, offset + dim));
        offset += dim;
      }
      return grads;
    }
    case OpKind::kSlice: {
      Attrs attrs = a;
      return {make_node(OpKind::kSliceGrad, {g, in(0)}, attrs)};
    }
    case OpKind::kSliceGrad: {
      std::int64_t width =
          node.inputs[0]->shape[static_cast<std::size_t>(a.axis < 0 ? a.axis + y.ndim() : a.axis)];
      return {slice(g, a.axis, a.begin, a.begin + width), SymbolicTensor()};
    }
    case OpKind::kBroadcastLike: {
      if (a.numpy_broadcast) return {unbroadcast(g, in(0)), SymbolicTensor()};
      return {sum(g, a.axes, a.keepdims), SymbolicTensor()};
    }
    case OpKind::kSumLike: {
      Attrs attrs;
      attrs.numpy_broadcast = true;
      return {make_node(OpKind::kBroadcastLike, {g, in(0)}, attrs), SymbolicTensor()};
    }
    case OpKind::kMeanGrad:
      return {mean(g, a.axes, a.keepdims), SymbolicTensor()};
    case OpKind::kGather:
      return {make_node(OpKind::kGatherGrad, {g, in(1), in(0)}), SymbolicTensor()};
    case OpKind::kGatherGrad:
      return {gather(g, in(1)), SymbolicTensor(), SymbolicTensor()};
    case OpKind::kSoftmax:
      return {make_node(OpKind::kSoftmaxGrad, {y, g})};
    case OpKind::kSoftmaxGrad: {
      SymbolicTensor s = in(0), dy = in(1);
      SymbolicTensor dot_sdy = sum(s * dy, {-1}, true);
      SymbolicTensor dot_gs = sum(g * s, {-1}, true);
      return {g * (dy - dot_sdy) - dot_gs * dy, make_node(OpKind::kSoftmaxGrad, {s, g})};
    }
    case OpKind::kCategoricalCrossentropy: {
      SymbolicTensor target = in(0), output = in(1);
      Attrs last;
      last.axes = {-1};
      SymbolicTensor g_rows = broadcast_like(g, output, last);
      SymbolicTensor p = clip(output / sum(output, {-1}, true), epsilon(), 1.0 - epsilon());
      return {neg(g_rows * log(p)),
              make_node(OpKind::kCategoricalCrossentropyGrad, {target, output, g})};
    }
    // convolution and pooling: ConvGradInput and ConvGradKernel are linear in both inputs, so
    // the three conv ops differentiate into one another.
    case OpKind::kConv: {
      Attrs dx = a, dw = a;
      dx.shape = node.inputs[0]->shape;
      dw.shape = node.inputs[1]->shape;
      Grads grads{make_node(OpKind::kConvGradInput, {g, in(1)}, dx),
                  make_node(OpKind::kConvGradKernel, {in(0), g}, dw)};
      if (node.inputs.size() > 2) {
        Axes axes;
        for (int i = 0; i + 1 < y.ndim(); ++i) axes.push_back(i);
        grads.push_back(sum(g, axes));
      }
      return grads;
    }
    case OpKind::kConvGradInput: {
      Attrs forward = a, dw = a;
      forward.shape = {};
      dw.shape = node.inputs[1]->shape;
      return {make_node(OpKind::kConv, {g, in(1)}, forward),
              make_node(OpKind::kConvGradKernel, {g, in(0)}, dw)};
    }
    case OpKind::kConvGradKernel: {
      Attrs dx = a, forward = a;
      dx.shape = node.inputs[0]->shape;
      forward.shape = {};
      return {make_node(OpKind::kConvGradInput, {in(1), g}, dx),
              make_node(OpKind::kConv, {in(0), g}, forward)};
    }
    case OpKind::kMaxPool:
      return {make_node(OpKind::kMaxPoolGrad, {in(0), g}, a)};
    case OpKind::kAvgPool: {
      Attrs dx = a;
      dx.shape = node.inputs[0]->shape;
      return {make_node(OpKind::kAvgPoolGrad, {g}, dx)};
    }
    case OpKind::kAvgPoolGrad: {
      Attrs forward = a;
      forward.shape = {};
      return {make_node(OpKind::kAvgPool, {g}, forward)};
    }
    case OpKind::kPad: {
      SymbolicTensor dx = g;
      const Shape& x_shape = node.inputs[0]->shape;
      for (std::size_t d = 0; d < x_shape.size(); ++d) {
        if (a.pad_begin[d] == 0 && a.pad_end[d] == 0) continue;
        if (x_shape[d] < 0)
          throw std::invalid_argument(
              "K::gradients: cannot differentiate a padding of an unknown dimension");
        dx = slice(dx, static_cast<int>(d), a.pad_begin[d], a.pad_begin[d] + x_shape[d]);
      }
      return {dx};
    }
    // embedding, normalization and recurrent
    case OpKind::kRecurrent: {
      std::vector<SymbolicTensor> inputs;
      for (const auto& input : node.inputs) inputs.emplace_back(input);
      const std::int64_t steps = node.inputs[0]->shape[0];
      const std::int64_t units = node.inputs[1]->shape[0];
      std::vector<SymbolicTensor> grad_inputs = inputs;
      grad_inputs.push_back(y);
      grad_inputs.push_back(g);
      SymbolicTensor r = make_node(OpKind::kRecurrentGrad, grad_inputs, a);
      std::vector<SymbolicTensor> weight_inputs = inputs;
      weight_inputs.push_back(y);
      weight_inputs.push_back(r);
      Grads grads(node.inputs.size());
      SymbolicTensor dxproj = slice(r, 0, 0, steps);
      if (a.rnn_reset_after) {
        // R's last u columns: d(h_{t-1} U_h + recurrent bias), summed over time and batch.
        grads.back() = sum(slice(dxproj, 2, 3 * units, 4 * units), {0, 1});
        dxproj = slice(dxproj, 2, 0, 3 * units);
      }
      grads[0] = dxproj;
      grads[1] = make_node(OpKind::kRecurrentGradWeights, weight_inputs, a);
      if (a.rnn_initial_state) {
        SymbolicTensor last = slice(r, 0, steps, steps + 1);
        grads[2] = reshape(slice(last, 2, 0, units), {-1, units});
        if (a.rnn_cell == 2) grads[3] = reshape(slice(last, 2, units, 2 * units), {-1, units});
      }
      return grads;  // no gradient for the mask and the dropout mask
    }
    case OpKind::kBatchNormStats:
      return {batch_norm_stats_rule(node, y, g)};
    case OpKind::kBatchNorm:
      return batch_norm_rule(node, g);
    default:
      break;
  }
  throw std::invalid_argument(std::string("K::gradients: op ") + op_name(node.op) +
                              " is not differentiable");
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
    Grads input_grads = rule(*n, SymbolicTensor(n), found->second);
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
      Attrs attrs;
      attrs.numpy_broadcast = true;  // zeros shaped like p, known at run time
      result.push_back(make_node(OpKind::kBroadcastLike, {constant(0.0, p.dtype()), p}, attrs));
    }
  }
  return result;
}

}  // namespace keras::backend
