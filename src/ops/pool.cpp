// Pooling (channels_last, 1 to 3 spatial dimensions; PoolAttrs: window, strides, padding):
// MaxPool, MaxPoolGrad(x, g) (g routed to the first maximum of each window), AvgPool (the mean of
// the window's elements inside the input, padding not counted) and AvgPoolGrad(g) (shaped
// PoolAttrs::shape; linear, so AvgPool and AvgPoolGrad differentiate into each other). Kernels:
// kernels/reference/conv.cpp, kernels/cpu/conv.cpp (oneDNN), kernels/cuda/pool.cu.
#include "ops/pool.h"
#include "keras/backend/backend.h"
#include "kernels/cpu/cpu_kernels.h"
#include "kernels/cuda/cuda_kernels.h"
#include "kernels/reference/reference_kernels.h"
#include "ops/op_def.h"

namespace keras::ops {

namespace {

namespace K = keras::backend;

Shape pool_shape(OpKind op, const std::vector<const Shape*>& in, const OpAttrs& op_attrs) {
  const auto& attrs = op_attrs.get<PoolAttrs>(op);
  expect_inputs(op, in, 1);
  const WindowSpec spec{attrs.strides, attrs.window, attrs.pad_begin, attrs.pad_end, nullptr};
  check_window_attrs(op, spec, *in[0]);
  return window_output(op, *in[0], attrs.window, spec, in[0]->back());
}

Shape max_pool_grad_shape(OpKind op, const std::vector<const Shape*>& in, const OpAttrs&) {
  expect_inputs(op, in, 2);
  return *in[0];
}

Shape avg_pool_grad_shape(OpKind op, const std::vector<const Shape*>& in, const OpAttrs& op_attrs) {
  const auto& attrs = op_attrs.get<PoolAttrs>(op);
  if (in.size() != 2) expect_inputs(op, in, 1);
  // A second input is the forward input itself, lending its shape where the attrs leave sizes
  // unknown (an image of any size).
  Shape x = in.size() == 2 ? *in[1] : attrs.shape;
  if (!x.empty()) x[0] = (*in[0])[0];
  return x;
}

Grads max_pool_grad(const Node& n, const SymbolicTensor&, const SymbolicTensor& g) {
  return {K::make_node(OpKind::kMaxPoolGrad, {input(n, 0), g}, n.attrs)};
}

Grads avg_pool_grad(const Node& n, const SymbolicTensor&, const SymbolicTensor& g) {
  PoolAttrs dx = n.attrs_as<PoolAttrs>();
  dx.shape = n.inputs[0]->shape;
  if (has_unknown_spatial_size(dx.shape))
    return {K::make_node(OpKind::kAvgPoolGrad, {g, input(n, 0)}, dx)};  // its shape
  return {K::make_node(OpKind::kAvgPoolGrad, {g}, dx)};
}

Grads avg_pool_grad_grad(const Node& n, const SymbolicTensor&, const SymbolicTensor& g) {
  PoolAttrs forward = n.attrs_as<PoolAttrs>();
  forward.shape = {};
  Grads grads{K::make_node(OpKind::kAvgPool, {g}, forward)};
  if (n.inputs.size() > 1) grads.emplace_back();  // the input lending its shape: none
  return grads;
}

}  // namespace

void register_pool_ops(OpTable& table) {
  table.add({.op = OpKind::kMaxPool,
             .name = "MaxPool",
             .attrs = attrs_of<PoolAttrs>(),
             .shape = &pool_shape,
             .gradient = &max_pool_grad,
             .reference = KERAS_PREPARED_KERNEL(kernels::reference::max_pool,
                                                kernels::reference::prepare_window),
             .cpu = KERAS_PREPARED_DNNL_KERNEL(kernels::cpu::pool, kernels::cpu::prepare_pool),
             .cuda = KERAS_CUDA_KERNEL(kernels::cuda::max_pool)});
  table.add({.op = OpKind::kMaxPoolGrad,
             .name = "MaxPoolGrad",
             .attrs = attrs_of<PoolAttrs>(),
             .shape = &max_pool_grad_shape,
             .reference = KERAS_PREPARED_KERNEL(kernels::reference::max_pool_grad,
                                                kernels::reference::prepare_window),
             .cpu = KERAS_PREPARED_DNNL_KERNEL(kernels::cpu::pool_grad, kernels::cpu::prepare_pool),
             .cuda = KERAS_PREPARED_CUDA_KERNEL(kernels::cuda::max_pool_grad,
                                                kernels::cuda::prepare_max_pool_grad)});
  table.add({.op = OpKind::kAvgPool,
             .name = "AvgPool",
             .attrs = attrs_of<PoolAttrs>(),
             .shape = &pool_shape,
             .gradient = &avg_pool_grad,
             .reference = KERAS_PREPARED_KERNEL(kernels::reference::avg_pool,
                                                kernels::reference::prepare_window),
             .cpu = KERAS_PREPARED_DNNL_KERNEL(kernels::cpu::pool, kernels::cpu::prepare_pool),
             .cuda = KERAS_CUDA_KERNEL(kernels::cuda::avg_pool)});
  table.add({.op = OpKind::kAvgPoolGrad,
             .name = "AvgPoolGrad",
             .attrs = attrs_of<PoolAttrs>(),
             .shape = &avg_pool_grad_shape,
             .gradient = &avg_pool_grad_grad,
             .reference = KERAS_PREPARED_KERNEL(kernels::reference::avg_pool_grad,
                                                kernels::reference::prepare_window),
             .cpu = KERAS_PREPARED_DNNL_KERNEL(kernels::cpu::pool_grad, kernels::cpu::prepare_pool),
             .cuda = KERAS_CUDA_KERNEL(kernels::cuda::avg_pool_grad)});
}

}  // namespace keras::ops
