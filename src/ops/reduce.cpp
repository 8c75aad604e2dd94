// Reductions (Sum, Mean, Max, Min, Prod over ReduceAttrs' axes; ArgMax, ArgMin along AxisAttrs'
// axis), the running scans Cumsum and Cumprod along AxisAttrs' axis, and the broadcasts their
// gradients are made of (BroadcastLike, SumLike, MeanGrad). Kernels: kernels/reference/reduce.cpp,
// kernels/cpu/reduce.cpp.
#include "ops/reduce.h"
#include "keras/backend/backend.h"
#include "kernels/cpu/cpu_kernels.h"
#include "kernels/cuda/cuda_kernels.h"
#include "kernels/reference/reference_kernels.h"
#include "ops/op_def.h"

namespace keras::ops {

namespace {

namespace K = keras::backend;

Shape reduce_shape(OpKind op, const std::vector<const Shape*>& in, const OpAttrs& op_attrs) {
  expect_inputs(op, in, 1);
  const auto& attrs = op_attrs.get<ReduceAttrs>(op);
  const Shape& x = *in[0];
  std::vector<bool> reduced(x.size(), attrs.axes.empty());
  for (int axis : attrs.axes)
    reduced[static_cast<std::size_t>(normalize_axis(op, axis, static_cast<int>(x.size())))] = true;
  Shape out;
  for (std::size_t i = 0; i < x.size(); ++i) {
    if (!reduced[i])
      out.push_back(x[i]);
    else if (attrs.keepdims)
      out.push_back(1);
  }
  return out;
}

Shape arg_reduce_shape(OpKind op, const std::vector<const Shape*>& in, const OpAttrs& attrs) {
  expect_inputs(op, in, 1);
  Shape out = *in[0];
  int axis = normalize_axis(op, attrs.get<AxisAttrs>(op).axis, static_cast<int>(out.size()));
  out.erase(out.begin() + axis);
  return out;
}

DType index_dtype(OpKind, const std::vector<DType>&, const OpAttrs&) {
  return DType::int64;
}

// BroadcastLike(g, x), SumLike(g, x), MeanGrad(g, x): shaped like x.
Shape like_second(OpKind op, const std::vector<const Shape*>& in, const OpAttrs&) {
  expect_inputs(op, in, 2);
  return *in[1];
}

// g (or y) broadcast back over the axes node n reduced.
SymbolicTensor unreduce(const SymbolicTensor& g, const Node& n) {
  const auto& a = n.attrs_as<ReduceAttrs>();
  return broadcast_like(g, input(n, 0), a.axes, a.keepdims);
}
Grads sum_grad(const Node& n, const SymbolicTensor&, const SymbolicTensor& g) {
  return {unreduce(g, n)};
}
Grads mean_grad(const Node& n, const SymbolicTensor&, const SymbolicTensor& g) {
  const auto& a = n.attrs_as<ReduceAttrs>();
  return {K::make_node(OpKind::kMeanGrad, {g, input(n, 0)},
                       BroadcastLikeAttrs{.axes = a.axes, .keepdims = a.keepdims})};
}
Grads extremum_grad(const Node& n, const SymbolicTensor& y, const SymbolicTensor& g) {
  SymbolicTensor x = input(n, 0);
  return {unreduce(g, n) * K::equal(x, unreduce(y, n))};
}
Grads prod_grad(const Node& n, const SymbolicTensor& y, const SymbolicTensor& g) {
  return {unreduce(g * y, n) / input(n, 0)};
}
Grads broadcast_like_grad(const Node& n, const SymbolicTensor&, const SymbolicTensor& g) {
  const auto& a = n.attrs_as<BroadcastLikeAttrs>();
  if (a.numpy_broadcast) return {unbroadcast(g, input(n, 0)), SymbolicTensor()};
  return {K::sum(g, a.axes, a.keepdims), SymbolicTensor()};
}
Grads sum_like_grad(const Node& n, const SymbolicTensor&, const SymbolicTensor& g) {
  return {K::make_node(OpKind::kBroadcastLike, {g, input(n, 0)},
                       BroadcastLikeAttrs{.numpy_broadcast = true}),
          SymbolicTensor()};
}
Grads mean_grad_grad(const Node& n, const SymbolicTensor&, const SymbolicTensor& g) {
  const auto& a = n.attrs_as<BroadcastLikeAttrs>();
  return {K::mean(g, a.axes, a.keepdims), SymbolicTensor()};
}

// The reversed running sum of g along the scan's axis, sum(g) - cumsum(g) + g: what every earlier
// element of a cumsum receives.
SymbolicTensor reverse_cumsum(const SymbolicTensor& g, int axis) {
  return K::sum(g, {axis}, true) - K::cumsum(g, axis) + g;
}
Grads cumsum_grad(const Node& n, const SymbolicTensor&, const SymbolicTensor& g) {
  return {reverse_cumsum(g, n.attrs_as<AxisAttrs>().axis)};
}
// TensorFlow's rule: reverse_cumsum(y * g) / x (x must be nonzero).
Grads cumprod_grad(const Node& n, const SymbolicTensor& y, const SymbolicTensor& g) {
  return {reverse_cumsum(y * g, n.attrs_as<AxisAttrs>().axis) / input(n, 0)};
}

Shape scan_shape(OpKind op, const std::vector<const Shape*>& in, const OpAttrs& attrs) {
  expect_inputs(op, in, 1);
  normalize_axis(op, attrs.get<AxisAttrs>(op).axis, static_cast<int>(in[0]->size()));
  return *in[0];
}

OpDef reduction(OpKind op, const char* name, GradientRule gradient) {
  return {.op = op,
          .name = name,
          .attrs = attrs_of<ReduceAttrs>(),
          .shape = &reduce_shape,
          .gradient = gradient,
          .reference = KERAS_KERNEL(kernels::reference::reduce),
          .cpu = KERAS_KERNEL(kernels::cpu::reduce),
          .cuda = KERAS_CUDA_KERNEL(kernels::cuda::reduce)};
}

OpDef arg_reduction(OpKind op, const char* name) {
  return {.op = op,
          .name = name,
          .attrs = attrs_of<AxisAttrs>(),
          .shape = &arg_reduce_shape,
          .dtype = &index_dtype,
          .gradient = &no_gradient,  // piecewise constant
          .reference = KERAS_KERNEL(kernels::reference::arg_reduce),
          .cuda = KERAS_CUDA_KERNEL(kernels::cuda::arg_reduce)};
}

}  // namespace

void register_reduce_ops(OpTable& table) {
  table.add(reduction(OpKind::kSum, "Sum", &sum_grad));
  table.add(reduction(OpKind::kMean, "Mean", &mean_grad));
  table.add(reduction(OpKind::kMax, "Max", &extremum_grad));
  table.add(reduction(OpKind::kMin, "Min", &extremum_grad));
  table.add(reduction(OpKind::kProd, "Prod", &prod_grad));
  table.add(arg_reduction(OpKind::kArgMax, "ArgMax"));
  table.add(arg_reduction(OpKind::kArgMin, "ArgMin"));
  table.add({.op = OpKind::kCumsum,
             .name = "Cumsum",
             .attrs = attrs_of<AxisAttrs>(),
             .shape = &scan_shape,
             .gradient = &cumsum_grad,
             .reference = KERAS_KERNEL(kernels::reference::scan),
             .cuda = KERAS_CUDA_KERNEL(kernels::cuda::scan)});
  table.add({.op = OpKind::kCumprod,
             .name = "Cumprod",
             .attrs = attrs_of<AxisAttrs>(),
             .shape = &scan_shape,
             .gradient = &cumprod_grad,
             .reference = KERAS_KERNEL(kernels::reference::scan),
             .cuda = KERAS_CUDA_KERNEL(kernels::cuda::scan)});
  table.add({.op = OpKind::kBroadcastLike,
             .name = "BroadcastLike",
             .attrs = attrs_of<BroadcastLikeAttrs>(),
             .shape = &like_second,
             .gradient = &broadcast_like_grad,
             .reference = KERAS_KERNEL(kernels::reference::broadcast_like),
             .cpu = KERAS_KERNEL(kernels::cpu::broadcast_like),
             .cuda = KERAS_CUDA_KERNEL(kernels::cuda::broadcast_like)});
  table.add({.op = OpKind::kSumLike,
             .name = "SumLike",
             .shape = &like_second,
             .gradient = &sum_like_grad,
             .reference = KERAS_KERNEL(kernels::reference::sum_like),
             .cpu = KERAS_KERNEL(kernels::cpu::sum_like),
             .cuda = KERAS_CUDA_KERNEL(kernels::cuda::sum_like)});
  table.add({.op = OpKind::kMeanGrad,
             .name = "MeanGrad",
             .attrs = attrs_of<BroadcastLikeAttrs>(),
             .shape = &like_second,
             .gradient = &mean_grad_grad,
             .reference = KERAS_KERNEL(kernels::reference::broadcast_like),
             .cpu = KERAS_KERNEL(kernels::cpu::broadcast_like),
             .cuda = KERAS_CUDA_KERNEL(kernels::cuda::broadcast_like)});
}

}  // namespace keras::ops
