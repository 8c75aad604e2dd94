// Batch normalization over every axis but BatchNormAttrs::axis (the channels, C of them);
// `stats` is (2, C): the mean, then the biased variance (see K::batch_normalization).
// BatchNormStats(x) -> stats; BatchNorm(x, stats, gamma, beta) -> gamma (x - mean) / sqrt(var +
// eps) + beta; BatchNormGrad(x, stats, gamma, dy) -> dx (BatchNormAttrs::batch_stats: through the
// statistics too); BatchNormGradParams(x, stats, dy) -> (2, C): sum(dy * xhat), sum(dy).
// Kernels: kernels/reference/normalization.cpp, kernels/cpu/normalization.cpp (oneDNN),
// kernels/cuda/normalization.cu.
// L2Normalize(x): K::l2_normalize along L2NormalizeAttrs::axes (one axis, or all when empty).
#include "ops/normalization.h"
#include "keras/backend/backend.h"
#include "kernels/cpu/cpu_kernels.h"
#include "kernels/cuda/cuda_kernels.h"
#include "kernels/reference/reference_kernels.h"
#include "ops/op_def.h"

namespace keras::ops {

namespace {

namespace K = keras::backend;

Shape batch_norm_shape(OpKind op, const std::vector<const Shape*>& in, const OpAttrs& attrs) {
  const auto& a = attrs.get<BatchNormAttrs>(op);
  expect_inputs(op, in,
                op == OpKind::kBatchNormStats ? 1 : (op == OpKind::kBatchNormGradParams ? 3 : 4));
  const Shape& x = *in[0];
  if (x.empty()) fail(op, "needs a tensor of rank >= 1");
  const std::int64_t channels =
      x[static_cast<std::size_t>(normalize_axis(op, a.axis, static_cast<int>(x.size())))];
  const Shape stats{2, channels};
  if (!(a.epsilon >= 0) && op != OpKind::kBatchNormStats)
    fail(op, "epsilon must be >= 0, got " + std::to_string(a.epsilon));
  auto expect = [&](std::size_t i, const Shape& expected, const char* what) {
    const Shape& s = *in[i];
    bool ok = s.size() == expected.size();
    for (std::size_t d = 0; ok && d < s.size(); ++d) ok = !dims_conflict(s[d], expected[d]);
    if (!ok)
      fail(op, std::string("the ") + what + " must have shape " + shape_to_string(expected) +
                   " for an input of shape " + shape_to_string(x) +
                   " normalized over all axes but " + std::to_string(a.axis) + ", got " +
                   shape_to_string(s));
  };
  if (op == OpKind::kBatchNormStats) return stats;
  expect(1, stats, "statistics (mean; variance)");
  if (op == OpKind::kBatchNormGradParams) {
    expect(2, x, "output gradient");
    return stats;
  }
  expect(2, {channels}, "gamma");
  expect(3, op == OpKind::kBatchNorm ? Shape{channels} : x,
         op == OpKind::kBatchNorm ? "beta" : "output gradient");
  return x;
}

// x reshaped for broadcasting against per-channel (C,) vectors along `axis`.
SymbolicTensor along_axis(const SymbolicTensor& v, int rank, int axis) {
  if (axis == rank - 1) return v;
  Shape shape(static_cast<std::size_t>(rank), 1);
  shape[static_cast<std::size_t>(axis)] = v.shape()[0];
  return K::reshape(v, shape);
}

SymbolicTensor stats_row(const SymbolicTensor& stats, std::int64_t row) {
  return K::reshape(K::slice(stats, 0, row, row + 1), {stats.shape()[1]});
}

// BatchNorm(x, stats, gamma, beta). When stats are BatchNormStats(x) (training), one
// BatchNormGrad node gives x's whole gradient, the statistics' derivative included, and the stats
// input gets none; with given statistics (inference) they get theirs.
Grads batch_norm_grad(const Node& node, const SymbolicTensor&, const SymbolicTensor& g) {
  const SymbolicTensor x(node.inputs[0]), stats(node.inputs[1]), gamma(node.inputs[2]);
  const Node& s = *node.inputs[1];
  BatchNormAttrs attrs = node.attrs_as<BatchNormAttrs>();
  attrs.batch_stats = s.op == OpKind::kBatchNormStats && s.inputs[0] == node.inputs[0] &&
                      s.attrs_as<BatchNormAttrs>().axis == attrs.axis;
  SymbolicTensor params = K::make_node(OpKind::kBatchNormGradParams, {x, stats, g}, attrs);
  SymbolicTensor dgamma = stats_row(params, 0), dbeta = stats_row(params, 1);
  Grads grads{K::make_node(OpKind::kBatchNormGrad, {x, stats, gamma, g}, attrs), SymbolicTensor(),
              dgamma, dbeta};
  if (!attrs.batch_stats) {
    // d/dmean = -gamma / std * sum(g); d/dvar = -gamma / 2 * sum(g * xhat) / (var + eps).
    SymbolicTensor var_eps = stats_row(stats, 1) + attrs.epsilon;
    SymbolicTensor dmean = K::neg(gamma * dbeta / K::sqrt(var_eps));
    SymbolicTensor dvar = gamma * dgamma / var_eps * -0.5;
    const std::int64_t c = gamma.shape()[0];
    grads[1] = K::concatenate({K::reshape(dmean, {1, c}), K::reshape(dvar, {1, c})}, 0);
  }
  return grads;
}

// BatchNormStats(x) = (mean; biased var): dx = (dmean + 2 dvar (x - mean)) / n.
Grads batch_norm_stats_grad(const Node& node, const SymbolicTensor& y, const SymbolicTensor& g) {
  const SymbolicTensor x(node.inputs[0]);
  const int rank = x.ndim();
  const int axis = node.attrs_as<BatchNormAttrs>().axis;
  SymbolicTensor mean = along_axis(stats_row(y, 0), rank, axis);
  SymbolicTensor dmean = along_axis(stats_row(g, 0), rank, axis);
  SymbolicTensor dvar = along_axis(stats_row(g, 1), rank, axis);
  SymbolicTensor dx = dmean + dvar * (x - mean) * 2.0;
  const std::int64_t numel = shape_numel(x.shape());
  if (shape_is_known(x.shape()))
    return {dx / static_cast<double>(numel / x.shape()[static_cast<std::size_t>(axis)])};
  SymbolicTensor n = K::sum(K::slice(x, axis, 0, 1) * 0.0 + 1.0);  // the count, known at run time
  return {dx / n};
}

Shape l2_normalize_shape(OpKind op, const std::vector<const Shape*>& in, const OpAttrs& op_attrs) {
  const auto& attrs = op_attrs.get<L2NormalizeAttrs>(op);
  expect_inputs(op, in, 1);
  if (attrs.axes.size() > 1) fail(op, "normalizes along one axis or all of them");
  if (!attrs.axes.empty()) normalize_axis(op, attrs.axes[0], static_cast<int>(in[0]->size()));
  return *in[0];
}

// y = x / n, n = sqrt(max(s, floor)), s = sum(x^2): dx = (g - y sum(g y) [s > floor]) / n.
Grads l2_normalize_grad(const Node& node, const SymbolicTensor& y, const SymbolicTensor& g) {
  const SymbolicTensor x = input(node, 0);
  const K::Axes& axes = node.attrs_as<L2NormalizeAttrs>().axes;
  SymbolicTensor squares = K::sum(K::square(x), axes, true);
  SymbolicTensor floor = K::constant(kernels::reference::kL2NormalizeFloor, x.dtype());
  SymbolicTensor norm = K::sqrt(K::maximum(squares, floor));
  SymbolicTensor through_norm = y * K::sum(g * y, axes, true) * K::greater(squares, floor);
  return {(g - through_norm) / norm};
}

}  // namespace

void register_normalization_ops(OpTable& table) {
  table.add({.op = OpKind::kBatchNormStats,
             .name = "BatchNormStats",
             .attrs = attrs_of<BatchNormAttrs>(),
             .shape = &batch_norm_shape,
             .dtype = &same_float_dtype,
             .gradient = &batch_norm_stats_grad,
             .reference = KERAS_KERNEL(kernels::reference::batch_norm_stats),
             .cpu = KERAS_DNNL_KERNEL(kernels::cpu::batch_norm_stats),
             .cuda = KERAS_CUDA_KERNEL(kernels::cuda::batch_norm_stats)});
  table.add({.op = OpKind::kBatchNorm,
             .name = "BatchNorm",
             .attrs = attrs_of<BatchNormAttrs>(),
             .shape = &batch_norm_shape,
             .dtype = &same_float_dtype,
             .gradient = &batch_norm_grad,
             .reference = KERAS_KERNEL(kernels::reference::batch_norm),
             .cpu = KERAS_DNNL_KERNEL(kernels::cpu::batch_norm),
             .cuda = KERAS_CUDA_KERNEL(kernels::cuda::batch_norm)});
  // BatchNorm's gradients: no rules of their own.
  table.add({.op = OpKind::kBatchNormGrad,
             .name = "BatchNormGrad",
             .attrs = attrs_of<BatchNormAttrs>(),
             .shape = &batch_norm_shape,
             .dtype = &same_float_dtype,
             .reference = KERAS_KERNEL(kernels::reference::batch_norm_grad),
             .cpu = KERAS_DNNL_KERNEL(kernels::cpu::batch_norm_grad),
             .cuda = KERAS_CUDA_KERNEL(kernels::cuda::batch_norm_grad)});
  table.add({.op = OpKind::kBatchNormGradParams,
             .name = "BatchNormGradParams",
             .attrs = attrs_of<BatchNormAttrs>(),
             .shape = &batch_norm_shape,
             .dtype = &same_float_dtype,
             .reference = KERAS_KERNEL(kernels::reference::batch_norm_grad_params),
             .cpu = KERAS_DNNL_KERNEL(kernels::cpu::batch_norm_grad_params),
             .cuda = KERAS_CUDA_KERNEL(kernels::cuda::batch_norm_grad_params)});
  table.add({.op = OpKind::kL2Normalize,
             .name = "L2Normalize",
             .attrs = attrs_of<L2NormalizeAttrs>(),
             .shape = &l2_normalize_shape,
             .dtype = &same_float_dtype,
             .gradient = &l2_normalize_grad,
             .reference = KERAS_KERNEL(kernels::reference::l2_normalize),
             .cuda = KERAS_CUDA_KERNEL(kernels::cuda::l2_normalize)});
}

}  // namespace keras::ops
