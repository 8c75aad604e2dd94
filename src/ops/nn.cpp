// Softmax and the categorical cross-entropy: Softmax over the last axis, SoftmaxGrad(y, dy),
// CategoricalCrossentropy(target, output) over the last axis (Keras's: output normalized and
// clipped), its gradient with respect to the output, and SoftmaxCrossEntropyGrad (the cpu
// compiler's fusion of the two gradients). Kernels: kernels/reference/nn.cpp, kernels/cpu/nn.cpp.
#include "keras/backend/backend.h"
#include "kernels/cpu/cpu_kernels.h"
#include "kernels/cuda/cuda_kernels.h"
#include "kernels/reference/reference_kernels.h"
#include "ops/op_def.h"

namespace keras::ops {

namespace {

namespace K = keras::backend;

Shape softmax_shape(OpKind op, const std::vector<const Shape*>& in, const OpAttrs&) {
  expect_inputs(op, in, 1);
  if (in[0]->empty()) fail(op, "needs a tensor of rank >= 1");
  return *in[0];
}

Shape like_first_of_2(OpKind op, const std::vector<const Shape*>& in, const OpAttrs&) {
  expect_inputs(op, in, 2);
  return *in[0];
}

Shape cce_shape(OpKind op, const std::vector<const Shape*>& in, const OpAttrs&) {
  expect_inputs(op, in, 2);
  const Shape& target = *in[0];
  const Shape& output = *in[1];
  bool same = target.size() == output.size() && !output.empty();
  for (std::size_t d = 0; same && d < target.size(); ++d)
    same = !dims_conflict(target[d], output[d]);
  if (!same)
    fail(op, "target " + shape_to_string(target) + " and output " + shape_to_string(output) +
                 " must have the same shape");
  return Shape(output.begin(), output.end() - 1);
}

// CategoricalCrossentropyGrad(target, output, g): shaped like the output.
Shape cce_grad_shape(OpKind op, const std::vector<const Shape*>& in, const OpAttrs&) {
  expect_inputs(op, in, 3);
  return *in[1];
}

// SoftmaxCrossEntropyGrad(y = Softmax(z), target, g): dz, shaped like y.
Shape like_first_of_3(OpKind op, const std::vector<const Shape*>& in, const OpAttrs&) {
  expect_inputs(op, in, 3);
  return *in[0];
}

DType output_dtype(OpKind, const std::vector<DType>& in, const OpAttrs&) {
  return in[1];
}

Grads softmax_grad(const Node&, const SymbolicTensor& y, const SymbolicTensor& g) {
  return {K::make_node(OpKind::kSoftmaxGrad, {y, g})};
}

Grads softmax_grad_grad(const Node& n, const SymbolicTensor&, const SymbolicTensor& g) {
  SymbolicTensor s = input(n, 0), dy = input(n, 1);
  SymbolicTensor dot_sdy = K::sum(s * dy, {-1}, true);
  SymbolicTensor dot_gs = K::sum(g * s, {-1}, true);
  return {g * (dy - dot_sdy) - dot_gs * dy, K::make_node(OpKind::kSoftmaxGrad, {s, g})};
}

Grads cce_grad(const Node& n, const SymbolicTensor&, const SymbolicTensor& g) {
  SymbolicTensor target = input(n, 0), output = input(n, 1);
  SymbolicTensor g_rows = broadcast_like(g, output, {-1}, false);
  SymbolicTensor p = K::clip(output / K::sum(output, {-1}, true), K::epsilon(), 1.0 - K::epsilon());
  return {K::neg(g_rows * K::log(p)),
          K::make_node(OpKind::kCategoricalCrossentropyGrad, {target, output, g})};
}

}  // namespace

void register_nn_ops(OpTable& table) {
  table.add({.op = OpKind::kSoftmax,
             .name = "Softmax",
             .shape = &softmax_shape,
             .gradient = &softmax_grad,
             .reference = KERAS_KERNEL(kernels::reference::softmax),
             .cpu = KERAS_KERNEL(kernels::cpu::softmax),
             .cuda = KERAS_CUDA_KERNEL(kernels::cuda::softmax)});
  table.add({.op = OpKind::kSoftmaxGrad,
             .name = "SoftmaxGrad",
             .shape = &like_first_of_2,
             .gradient = &softmax_grad_grad,
             .reference = KERAS_KERNEL(kernels::reference::softmax_grad),
             .cuda = KERAS_CUDA_KERNEL(kernels::cuda::softmax_grad)});
  table.add({.op = OpKind::kCategoricalCrossentropy,
             .name = "CategoricalCrossentropy",
             .shape = &cce_shape,
             .dtype = &output_dtype,
             .gradient = &cce_grad,
             .reference = KERAS_KERNEL(kernels::reference::categorical_crossentropy),
             .cuda = KERAS_CUDA_KERNEL(kernels::cuda::categorical_crossentropy)});
  // Gradient-only and compiler-made ops: no gradient rule of their own.
  table.add({.op = OpKind::kCategoricalCrossentropyGrad,
             .name = "CategoricalCrossentropyGrad",
             .shape = &cce_grad_shape,
             .dtype = &output_dtype,
             .reference = KERAS_KERNEL(kernels::reference::categorical_crossentropy_grad),
             .cuda = KERAS_CUDA_KERNEL(kernels::cuda::categorical_crossentropy_grad)});
  table.add({.op = OpKind::kSoftmaxCrossEntropyGrad,
             .name = "SoftmaxCrossEntropyGrad",
             .shape = &like_first_of_3,
             .reference = KERAS_KERNEL(kernels::reference::softmax_cross_entropy_grad),
             .cuda = KERAS_CUDA_KERNEL(kernels::cuda::softmax_cross_entropy_grad)});
}

}  // namespace keras::ops
