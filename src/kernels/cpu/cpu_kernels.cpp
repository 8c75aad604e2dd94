// The cpu backend: oneDNN's sgemm for float32 matrix products, OpenMP loops for the rest.
// Ops without an entry here run their reference kernel.
#include <dnnl.h>
#include <omp.h>
#include <xmmintrin.h>

#include <cmath>

#include "backend/random_state.h"
#include "kernels/cpu/conv_kernels.h"
#include "kernels/cpu/normalization.h"
#include "kernels/cpu/recurrent.h"
#include "kernels/elementwise_math.h"
#include "kernels/kernel.h"
#include "kernels/reference/reference_kernels.h"

namespace keras::kernels::cpu {

void flush_denormals() {
  // Denormal floats make FMAs a hundred times slower; TensorFlow flushes them to zero on CPU, and
  // so do we. MXCSR is per thread, so every OpenMP worker sets it once.
  thread_local int done_for_threads = 0;
  const int threads = omp_get_max_threads();
  if (done_for_threads >= threads) return;
#pragma omp parallel num_threads(threads)
  _mm_setcsr(_mm_getcsr() | 0x8040);  // FTZ | DAZ
  done_for_threads = threads;
}

namespace {

void check(dnnl_status_t status, const char* what) {
  if (status != dnnl_success)
    throw std::runtime_error(std::string("oneDNN ") + what + " failed with status " +
                             std::to_string(status));
}

// C = op(A) op(B) for float32 via oneDNN (row-major); other dtypes use the reference loops.
bool sgemm(const KernelCall& call, float beta) {
  if (call.output.dtype != DType::float32) return false;
  const Shape& x = call.inputs[0].shape;
  const Shape& w = call.inputs[1].shape;
  bool ta = call.attrs->transpose_a, tb = call.attrs->transpose_b;
  std::int64_t k = ta ? x[0] : x.back();
  std::int64_t m = ta ? x[1] : call.inputs[0].numel / (k ? k : 1);
  std::int64_t n = tb ? w[0] : w[1];
  if (m == 0 || n == 0) return true;
  check(dnnl_sgemm(ta ? 'T' : 'N', tb ? 'T' : 'N', m, n, k, 1.0f, call.inputs[0].as<float>(),
                   ta ? m : k, call.inputs[1].as<float>(), tb ? k : n, beta,
                   call.output.as<float>(), n),
        "sgemm");
  return true;
}

void matmul(const KernelCall& call) {
  if (!sgemm(call, 0.0f)) reference::matmul(call);
}

void fused_dense(const KernelCall& call) {
  if (!sgemm(call, 0.0f)) return reference::fused_dense(call);
  const std::int64_t n = call.output.shape.back();
  const std::int64_t rows = n ? call.output.numel / n : 0;
  float* y = call.output.as<float>();
  const float* bias = call.inputs.size() > 2 ? call.inputs[2].as<float>() : nullptr;
  const OpKind activation = call.attrs->activation;
  // Bias and activation in one pass over the product, row-parallel.
#pragma omp parallel for schedule(static) if (rows * n > 32768)
  for (std::int64_t r = 0; r < rows; ++r) {
    float* row = y + r * n;
    if (bias)
      for (std::int64_t j = 0; j < n; ++j) row[j] += bias[j];
    if (activation == OpKind::kRelu && call.attrs->alpha == 0 && call.attrs->beta < 0) {
      for (std::int64_t j = 0; j < n; ++j) row[j] = row[j] > 0.0f ? row[j] : 0.0f;
    } else if (activation != OpKind::kCount) {
      reference::apply_activation(*call.attrs, row, n);
    }
  }
}

void softmax(const KernelCall& call) {
  if (call.output.dtype != DType::float32) return reference::softmax(call);
  const std::int64_t n = call.output.shape.back();
  const std::int64_t rows = n ? call.output.numel / n : 0;
#pragma omp parallel for schedule(static) if (rows * n > 32768)
  for (std::int64_t r = 0; r < rows; ++r) {
    const float* x = call.inputs[0].as<float>() + r * n;
    float* y = call.output.as<float>() + r * n;
    float peak = x[0];
    for (std::int64_t j = 1; j < n; ++j) peak = x[j] > peak ? x[j] : peak;
    float total = 0;
    for (std::int64_t j = 0; j < n; ++j) {
      y[j] = std::exp(x[j] - peak);
      total += y[j];
    }
    const float inv = 1.0f / total;
    for (std::int64_t j = 0; j < n; ++j) y[j] *= inv;
  }
}

// Column sums when `like` is a suffix of g's shape (bias gradients); anything else is general.
void sum_like(const KernelCall& call) {
  const Buffer& g = call.inputs[0];
  const Buffer& out = call.output;
  bool suffix = out.shape.size() <= g.shape.size() && out.dtype == DType::float32;
  for (std::size_t i = 0; suffix && i < out.shape.size(); ++i)
    suffix = out.shape[out.shape.size() - 1 - i] == g.shape[g.shape.size() - 1 - i];
  if (!suffix || out.numel == 0) return reference::sum_like(call);
  const std::int64_t cols = out.numel, rows = g.numel / cols;
  const float* in = g.as<float>();
  float* y = out.as<float>();
  for (std::int64_t j = 0; j < cols; ++j) y[j] = 0.0f;
  for (std::int64_t r = 0; r < rows; ++r) {
    const float* row = in + r * cols;
    for (std::int64_t j = 0; j < cols; ++j) y[j] += row[j];
  }
}

void dropout_mask(const KernelCall& call) {
  if (call.output.dtype != DType::float32) return reference::dropout_mask(call);
  const double rate = call.attrs->alpha;
  const std::uint64_t seed = call.attrs->seed, counter = call.counter;
  const float keep = static_cast<float>(1.0 / (1.0 - rate));
  const std::uint64_t threshold = keras::detail::keep_threshold(rate);
  const std::uint64_t stream = keras::detail::random_stream(seed, counter);
  float* mask = call.output.as<float>();
  const std::int64_t n = call.output.numel;
#pragma omp parallel for schedule(static) if (n > 65536)
  for (std::int64_t i = 0; i < n; ++i)
    mask[i] = keras::detail::random_bits53(stream, static_cast<std::uint64_t>(i)) >= threshold
                  ? keep
                  : 0.0f;
}

}  // namespace

KernelFn kernel(OpKind op) {
  switch (op) {
    case OpKind::kMatMul:
      return &matmul;
    case OpKind::kFusedDense:
      return &fused_dense;
    case OpKind::kSoftmax:
      return &softmax;
    case OpKind::kSumLike:
      return &sum_like;
    case OpKind::kDropoutMask:
      return &dropout_mask;
    // convolution and pooling
    case OpKind::kConv:
      return &conv;
    case OpKind::kConvGradInput:
      return &conv_grad_input;
    case OpKind::kConvGradKernel:
      return &conv_grad_kernel;
    case OpKind::kMaxPool:
    case OpKind::kAvgPool:
      return &pool;
    case OpKind::kMaxPoolGrad:
    case OpKind::kAvgPoolGrad:
      return &pool_grad;
    // embedding, normalization and recurrent
    case OpKind::kRecurrent:
      return &recurrent;
    case OpKind::kRecurrentGrad:
      return &recurrent_grad;
    case OpKind::kRecurrentGradWeights:
      return &recurrent_grad_weights;
    case OpKind::kBatchNormStats:
      return &batch_norm_stats;
    case OpKind::kBatchNorm:
      return &batch_norm;
    case OpKind::kBatchNormGrad:
      return &batch_norm_grad;
    case OpKind::kBatchNormGradParams:
      return &batch_norm_grad_params;
    default:
      return nullptr;
  }
}

}  // namespace keras::kernels::cpu
