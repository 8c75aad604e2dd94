// Matrix products: MatMul (x of rank >= 1 times a 2D y, MatMulAttrs),
// BatchMatMul (two 3D tensors) and FusedDense (MatMul + bias + activation, made by the cpu
// compiler's Dense fusion only). Kernels: kernels/reference/linalg.cpp, kernels/cpu/linalg.cpp.
#include "ops/linalg.h"
#include "keras/backend/backend.h"
#include "kernels/cpu/cpu_kernels.h"
#include "kernels/cuda/cuda_kernels.h"
#include "kernels/reference/reference_kernels.h"
#include "ops/op_def.h"

namespace keras::ops {

namespace {

namespace K = keras::backend;

// MatMul(x, y) and FusedDense(x, y[, bias]) (never transposed).
Shape matmul_shape(OpKind op, const std::vector<const Shape*>& in, const OpAttrs& op_attrs) {
  if (in.size() < 2) expect_inputs(op, in, 2);
  const MatMulAttrs attrs = matmul_transposes(op, op_attrs);
  const Shape& x = *in[0];
  const Shape& y = *in[1];
  if (y.size() != 2 || x.empty())
    fail(op, "expects x of rank >= 1 and a 2D y, got " + shape_to_string(x) + " and " +
                 shape_to_string(y));
  if ((attrs.transpose_a) && x.size() != 2)
    fail(op, "transpose_a needs a 2D x, got " + shape_to_string(x));
  std::int64_t k_x = attrs.transpose_a ? x[0] : x.back();
  std::int64_t k_y = attrs.transpose_b ? y[1] : y[0];
  if (dims_conflict(k_x, k_y))
    fail(op, "shapes " + shape_to_string(x) + " and " + shape_to_string(y) +
                 " are not aligned: " + std::to_string(k_x) + " != " + std::to_string(k_y));
  Shape out;
  if (attrs.transpose_a)
    out = {x[1]};
  else
    out.assign(x.begin(), x.end() - 1);
  out.push_back(attrs.transpose_b ? y[0] : y[1]);
  if (op == OpKind::kFusedDense && in.size() == 3 && in[2]->size() != 1)
    fail(op, "the bias must be 1D, got " + shape_to_string(*in[2]));
  return out;
}

Shape batch_matmul_shape(OpKind op, const std::vector<const Shape*>& in, const OpAttrs& op_attrs) {
  expect_inputs(op, in, 2);
  const auto& attrs = op_attrs.get<MatMulAttrs>(op);
  const Shape& x = *in[0];
  const Shape& y = *in[1];
  if (x.size() != 3 || y.size() != 3)
    fail(op, "expects two 3D tensors, got " + shape_to_string(x) + " and " + shape_to_string(y));
  std::int64_t k_x = attrs.transpose_a ? x[1] : x[2];
  std::int64_t k_y = attrs.transpose_b ? y[2] : y[1];
  if (dims_conflict(k_x, k_y) || dims_conflict(x[0], y[0]))
    fail(op, "shapes " + shape_to_string(x) + " and " + shape_to_string(y) + " are not aligned");
  return {x[0] >= 0 ? x[0] : y[0], attrs.transpose_a ? x[2] : x[1],
          attrs.transpose_b ? y[1] : y[2]};
}

Grads matmul_grad(const Node& n, const SymbolicTensor&, const SymbolicTensor& g) {
  SymbolicTensor x = input(n, 0), w = input(n, 1);
  const auto [ta, tb] = n.attrs_as<MatMulAttrs>();
  if (!ta && !tb) {
    if (x.ndim() == 2) return {K::matmul(g, w, false, true), K::matmul(x, g, true, false)};
    std::int64_t k = x.shape().back(), cols = w.shape()[1];
    return {K::matmul(g, w, false, true),
            K::matmul(K::reshape(x, {-1, k}), K::reshape(g, {-1, cols}), true, false)};
  }
  if (ta && !tb) return {K::matmul(w, g, false, true), K::matmul(x, g)};
  if (!ta && tb) {
    if (x.ndim() == 2) return {K::matmul(g, w), K::matmul(g, x, true, false)};
    std::int64_t rows = w.shape()[0], k = w.shape()[1];
    return {K::matmul(g, w),
            K::matmul(K::reshape(g, {-1, rows}), K::reshape(x, {-1, k}), true, false)};
  }
  return {K::matmul(w, g, true, true), K::matmul(g, x, true, true)};
}

SymbolicTensor bmm(const SymbolicTensor& p, const SymbolicTensor& q, bool tp, bool tq) {
  return K::make_node(OpKind::kBatchMatMul, {p, q},
                      MatMulAttrs{.transpose_a = tp, .transpose_b = tq});
}

Grads batch_matmul_grad(const Node& n, const SymbolicTensor&, const SymbolicTensor& g) {
  SymbolicTensor x = input(n, 0), w = input(n, 1);
  const auto [ta, tb] = n.attrs_as<MatMulAttrs>();
  if (!ta && !tb) return {bmm(g, w, false, true), bmm(x, g, true, false)};
  if (ta && !tb) return {bmm(w, g, false, true), bmm(x, g, false, false)};
  if (!ta && tb) return {bmm(g, w, false, false), bmm(g, x, true, false)};
  return {bmm(w, g, true, true), bmm(g, x, true, true)};
}

}  // namespace

void register_linalg_ops(OpTable& table) {
  table.add({.op = OpKind::kMatMul,
             .name = "MatMul",
             .attrs = attrs_of<MatMulAttrs>(),
             .shape = &matmul_shape,
             .gradient = &matmul_grad,
             .reference = KERAS_KERNEL(kernels::reference::matmul),
             .cpu = KERAS_DNNL_KERNEL(kernels::cpu::matmul),
             .cuda = KERAS_CUDA_KERNEL(kernels::cuda::matmul)});
  table.add({.op = OpKind::kBatchMatMul,
             .name = "BatchMatMul",
             .attrs = attrs_of<MatMulAttrs>(),
             .shape = &batch_matmul_shape,
             .gradient = &batch_matmul_grad,
             .reference = KERAS_KERNEL(kernels::reference::batch_matmul),
             .cuda = KERAS_CUDA_KERNEL(kernels::cuda::batch_matmul)});
  // Made by the compiler after differentiation: no gradient rule.
  table.add({.op = OpKind::kFusedDense,
             .name = "FusedDense",
             .attrs = attrs_of<FusedDenseAttrs>(),
             .shape = &matmul_shape,
             .reference = KERAS_KERNEL(kernels::reference::fused_dense),
             .cpu = KERAS_DNNL_KERNEL(kernels::cpu::fused_dense),
             .cuda = KERAS_CUDA_KERNEL(kernels::cuda::fused_dense)});
}

}  // namespace keras::ops
