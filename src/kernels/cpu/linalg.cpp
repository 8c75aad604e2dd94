// The cpu backend's matrix products for float32 (other dtypes run the reference loops): oneDNN's
// sgemm (split by columns over the threads where the second factor is transposed); a fused Dense
// layer's bias and activation in one row-parallel pass, or, for tall products, block by block.
#include <dnnl.h>
#include <omp.h>

#include <algorithm>
#include <stdexcept>
#include <string>

#include "kernels/cpu/cpu_kernels.h"
#include "kernels/reference/reference_kernels.h"
#include "ops/linalg.h"

namespace keras::kernels::cpu {

namespace {

void check(dnnl_status_t status, const char* what) {
  if (status != dnnl_success)
    throw std::runtime_error(std::string("oneDNN ") + what + " failed with status " +
                             std::to_string(status));
}

// A product with B transposed (x . w^T: the gradient of a Dense layer's input), split by columns
// over the threads, each running a one-thread sgemm on its slice of w's rows: oneDNN's sgemm
// splits this product poorly itself (at 2 threads, 128x512x512 ran at 130 GFLOP/s, split 190;
// its matmul primitive reaches 210 but allocates on every execution). With B as given, and for
// narrow products, sgemm's own split is as good.
bool split_transposed(std::int64_t m, std::int64_t n, std::int64_t k, const float* a,
                      const float* b, float* c) {
  const int threads = omp_get_max_threads();
  if (threads < 2 || n < 64 * threads || omp_in_parallel()) return false;
  const std::int64_t per = ((n + threads - 1) / threads + 15) / 16 * 16;  // whole 64-byte lines
  dnnl_status_t status = dnnl_success;
#pragma omp parallel num_threads(threads)
  {
    const std::int64_t n0 = std::min(n, omp_get_thread_num() * per);
    const std::int64_t n1 = std::min(n, n0 + per);
    if (n1 > n0) {
      const dnnl_status_t s =
          dnnl_sgemm('N', 'T', m, n1 - n0, k, 1.0f, a, k, b + n0 * k, k, 0.0f, c + n0, n);
      if (s != dnnl_success) {
#pragma omp critical(keras_split_transposed)
        status = s;
      }
    }
  }
  check(status, "sgemm");
  return true;
}

// C = op(A) op(B) for float32 via oneDNN (row-major); other dtypes use the reference loops.
bool sgemm(const KernelCall& call, float beta) {
  if (call.output.dtype != DType::float32) return false;
  const Shape& x = call.inputs[0].shape;
  const Shape& w = call.inputs[1].shape;
  const ops::MatMulAttrs t = ops::matmul_transposes(call.op, *call.attrs);
  const bool ta = t.transpose_a, tb = t.transpose_b;
  std::int64_t k = ta ? x[0] : x.back();
  std::int64_t m = ta ? x[1] : call.inputs[0].numel / (k ? k : 1);
  std::int64_t n = tb ? w[0] : w[1];
  if (m == 0 || n == 0) return true;
  if (tb && !ta && beta == 0.0f && k > 0 &&
      split_transposed(m, n, k, call.inputs[0].as<float>(), call.inputs[1].as<float>(),
                       call.output.as<float>()))
    return true;
  check(dnnl_sgemm(ta ? 'T' : 'N', tb ? 'T' : 'N', m, n, k, 1.0f, call.inputs[0].as<float>(),
                   ta ? m : k, call.inputs[1].as<float>(), tb ? k : n, beta,
                   call.output.as<float>(), n),
        "sgemm");
  return true;
}

}  // namespace

void matmul(const KernelCall& call) {
  if (!sgemm(call, 0.0f)) reference::matmul(call);
}

namespace {

// A fused Dense layer's bias and activation on rows [r0, r1) of its product y (n columns).
void dense_epilogue(float* y, std::int64_t r0, std::int64_t r1, std::int64_t n, const float* bias,
                    const ops::FusedActivation& activation) {
  const bool relu = activation.op == OpKind::kRelu && activation.alpha == 0 && activation.beta < 0;
  for (std::int64_t r = r0; r < r1; ++r) {
    float* row = y + r * n;
    if (bias)
      for (std::int64_t j = 0; j < n; ++j) row[j] += bias[j];
    if (relu) {
      for (std::int64_t j = 0; j < n; ++j) row[j] = row[j] < 0.0f ? 0.0f : row[j];  // NaN stays
    } else if (activation.op != OpKind::kCount) {
      reference::apply_activation(activation, row, n);
    }
  }
}

// Products taller than this many bytes of output (beyond a core's L2) are run in blocks of rows.
constexpr std::int64_t kBlockedOutputBytes = std::int64_t{1} << 20;
constexpr std::int64_t kBlockOutputBytes = std::int64_t{256} << 10;

// A tall product (many rows: a recurrent layer's input projection over every timestep, inference
// at a large batch): each thread multiplies blocks of rows with a one-thread sgemm and finishes
// each block while it is still in its cache, so the output crosses memory once instead of three
// times (written, read and written again by a separate pass). False where it does not apply.
bool blocked_fused_dense(const KernelCall& call, const float* bias,
                         const ops::FusedActivation& activation) {
  const std::int64_t n = call.output.shape.back(), k = call.inputs[0].shape.back();
  const std::int64_t rows = n ? call.output.numel / n : 0;
  const std::int64_t block =
      std::max<std::int64_t>(16, kBlockOutputBytes / 4 / std::max<std::int64_t>(n, 1));
  if (rows * n * 4 <= kBlockedOutputBytes || rows < 4 * block || omp_in_parallel()) return false;
  const float *x = call.inputs[0].as<float>(), *w = call.inputs[1].as<float>();
  float* y = call.output.as<float>();
  const std::int64_t blocks = (rows + block - 1) / block;
  dnnl_status_t status = dnnl_success;
#pragma omp parallel for schedule(static)
  for (std::int64_t b = 0; b < blocks; ++b) {
    const std::int64_t r0 = b * block, r1 = std::min(rows, r0 + block);
    const dnnl_status_t s =
        dnnl_sgemm('N', 'N', r1 - r0, n, k, 1.0f, x + r0 * k, k, w, n, 0.0f, y + r0 * n, n);
    if (s != dnnl_success) {
#pragma omp critical(keras_blocked_fused_dense)
      status = s;
    }
    dense_epilogue(y, r0, r1, n, bias, activation);
  }
  check(status, "sgemm");
  return true;
}

}  // namespace

void fused_dense(const KernelCall& call) {
  if (call.output.dtype != DType::float32) return reference::fused_dense(call);
  const float* bias = call.inputs.size() > 2 ? call.inputs[2].as<float>() : nullptr;
  const ops::FusedActivation& activation = call.attrs_as<ops::FusedDenseAttrs>().activation;
  if (blocked_fused_dense(call, bias, activation)) return;
  sgemm(call, 0.0f);
  const std::int64_t n = call.output.shape.back();
  const std::int64_t rows = n ? call.output.numel / n : 0;
  float* y = call.output.as<float>();
  // Bias and activation in one pass over the product, row-parallel.
#pragma omp parallel for schedule(static) if (rows * n > 32768)
  for (std::int64_t r = 0; r < rows; ++r) dense_epilogue(y, r, r + 1, n, bias, activation);
}

}  // namespace keras::kernels::cpu
