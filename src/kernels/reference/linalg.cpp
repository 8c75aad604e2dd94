// Reference matrix products: triple loops accumulating in double.
#include "ops/linalg.h"
#include "kernels/elementwise_math.h"
#include "kernels/reference/reference_kernels.h"

namespace keras::kernels::reference {

namespace {
// C (m x n) = op(A) op(B), with A, B row-major as stored and op a possible transpose.
template <typename T>
void gemm(const T* a, const T* b, T* c, std::int64_t m, std::int64_t n, std::int64_t k, bool ta,
          bool tb) {
  for (std::int64_t i = 0; i < m; ++i)
    for (std::int64_t j = 0; j < n; ++j) {
      double acc = 0;
      for (std::int64_t p = 0; p < k; ++p) {
        double av = ta ? a[p * m + i] : a[i * k + p];
        double bv = tb ? b[j * k + p] : b[p * n + j];
        acc += av * bv;
      }
      c[i * n + j] = static_cast<T>(acc);
    }
}

struct GemmDims {
  std::int64_t m, n, k;
};

GemmDims matmul_dims(const KernelCall& call) {
  const Shape& x = call.inputs[0].shape;
  const Shape& w = call.inputs[1].shape;
  const ops::MatMulAttrs t = ops::matmul_transposes(call.op, *call.attrs);
  const bool ta = t.transpose_a, tb = t.transpose_b;
  std::int64_t k = ta ? x[0] : x.back();
  std::int64_t m = ta ? x[1] : call.inputs[0].numel / (k ? k : 1);
  std::int64_t n = tb ? w[0] : w[1];
  return {m, n, k};
}
}  // namespace

void matmul(const KernelCall& call) {
  // Not a structured binding: clang before 16 cannot capture those (the sanitized copy).
  const GemmDims d = matmul_dims(call);
  const ops::MatMulAttrs t = ops::matmul_transposes(call.op, *call.attrs);
  dispatch_float(call.op, call.output.dtype, [&]<typename T>() {
    gemm(call.inputs[0].as<T>(), call.inputs[1].as<T>(), call.output.as<T>(), d.m, d.n, d.k,
         t.transpose_a, t.transpose_b);
  });
}

void batch_matmul(const KernelCall& call) {
  const Shape& x = call.inputs[0].shape;
  const Shape& w = call.inputs[1].shape;
  const auto& t = call.attrs_as<ops::MatMulAttrs>();
  const bool ta = t.transpose_a, tb = t.transpose_b;
  std::int64_t batch = x[0];
  std::int64_t m = ta ? x[2] : x[1], k = ta ? x[1] : x[2], n = tb ? w[1] : w[2];
  dispatch_float(call.op, call.output.dtype, [&]<typename T>() {
    for (std::int64_t b = 0; b < batch; ++b)
      gemm(call.inputs[0].as<T>() + b * m * k, call.inputs[1].as<T>() + b * k * n,
           call.output.as<T>() + b * m * n, m, n, k, ta, tb);
  });
}

template <typename T>
void apply_activation(const ops::FusedActivation& activation, T* data, std::int64_t n) {
  if (activation.op == OpKind::kCount) return;
  with_static_op(activation.op, [&](auto op) {
    if constexpr (op.value < OpKind::kAdd)
      for (std::int64_t i = 0; i < n; ++i)
        data[i] = unary_op<op.value, T>(data[i], activation.alpha, activation.beta);
  });
}
template void apply_activation<float>(const ops::FusedActivation&, float*, std::int64_t);
template void apply_activation<double>(const ops::FusedActivation&, double*, std::int64_t);

void fused_dense(const KernelCall& call) {
  matmul(call);
  const GemmDims d = matmul_dims(call);
  const std::int64_t m = d.m, n = d.n;
  dispatch_float(call.op, call.output.dtype, [&]<typename T>() {
    T* y = call.output.as<T>();
    if (call.inputs.size() > 2) {
      const T* bias = call.inputs[2].as<T>();
      for (std::int64_t i = 0; i < m; ++i)
        for (std::int64_t j = 0; j < n; ++j) y[i * n + j] += bias[j];
    }
    apply_activation(call.attrs_as<ops::FusedDenseAttrs>().activation, y, m * n);
  });
}

}  // namespace keras::kernels::reference
