// cpu kernels of K::recurrent and its gradients: the shared implementation in
// kernels/recurrent.h with oneDNN's sgemm for every matrix product (float32; float64 runs the
// reference loops).
#include <dnnl.h>

#include <stdexcept>
#include <string>

#include "kernels/cpu/cpu_kernels.h"
#include "kernels/recurrent.h"
#include "kernels/reference/reference_kernels.h"

namespace keras::kernels::cpu {

namespace {

// tanh as a rational function (the [13/6] minimax form Eigen uses), |error| < 3e-7 on floats,
// vectorisable, unlike the C library's tanhf.
inline float fast_tanh(float x) {
  constexpr float kClamp = 7.90531110763549805f;
  x = x < -kClamp ? -kClamp : (x > kClamp ? kClamp : x);
  constexpr float a1 = 4.89352455891786e-03f, a3 = 6.37261928875436e-04f,
                  a5 = 1.48572235717979e-05f, a7 = 5.12229709037114e-08f,
                  a9 = -8.60467152213735e-11f, a11 = 2.00018790482477e-13f,
                  a13 = -2.76076847742355e-16f;
  constexpr float b0 = 4.89352518554385e-03f, b2 = 2.26843463243900e-03f,
                  b4 = 1.18534705686654e-04f, b6 = 1.19825839466702e-06f;
  const float x2 = x * x;
  const float p = ((((((a13 * x2 + a11) * x2 + a9) * x2 + a7) * x2 + a5) * x2 + a3) * x2 + a1) * x;
  const float q = ((b6 * x2 + b4) * x2 + b2) * x2 + b0;
  return p / q;
}

struct CpuOps {
  static constexpr bool kChunked = true;  // a chunk of the batch per thread
  void apply(OpKind op, float* x, std::int64_t n) const {
    switch (op) {
      case OpKind::kTanh:
        for (std::int64_t k = 0; k < n; ++k) x[k] = fast_tanh(x[k]);
        return;
      case OpKind::kSigmoid:  // sigmoid(x) = (1 + tanh(x / 2)) / 2
        for (std::int64_t k = 0; k < n; ++k) x[k] = 0.5f + 0.5f * fast_tanh(0.5f * x[k]);
        return;
      case OpKind::kHardSigmoid:
        for (std::int64_t k = 0; k < n; ++k) {
          float v = 0.2f * x[k] + 0.5f;
          x[k] = v < 0.0f ? 0.0f : (v > 1.0f ? 1.0f : v);
        }
        return;
      case OpKind::kRelu:
        for (std::int64_t k = 0; k < n; ++k) x[k] = x[k] < 0.0f ? 0.0f : x[k];  // NaN propagates
        return;
      case OpKind::kCount:  // linear
        return;
      default:  // elu, softplus, softsign, exp: the shared definitions
        for (std::int64_t k = 0; k < n; ++k) x[k] = rnn::activate(op, x[k]);
        return;
    }
  }

  void gemm(bool ta, bool tb, std::int64_t m, std::int64_t n, std::int64_t k, const float* a,
            std::int64_t lda, const float* b, std::int64_t ldb, float beta, float* c,
            std::int64_t ldc) const {
    if (m == 0 || n == 0) return;
    dnnl_status_t status =
        dnnl_sgemm(ta ? 'T' : 'N', tb ? 'T' : 'N', m, n, k, 1.0f, a, lda, b, ldb, beta, c, ldc);
    if (status != dnnl_success)
      throw std::runtime_error("oneDNN sgemm failed with status " + std::to_string(status));
  }
};
}  // namespace

void recurrent(const KernelCall& call) {
  if (call.output.dtype != DType::float32) return reference::recurrent(call);
  rnn::forward<float>(call, CpuOps{});
}

void recurrent_grad(const KernelCall& call) {
  if (call.output.dtype != DType::float32) return reference::recurrent_grad(call);
  rnn::backward<float>(call, CpuOps{});
}

void recurrent_grad_weights(const KernelCall& call) {
  if (call.output.dtype != DType::float32) return reference::recurrent_grad_weights(call);
  rnn::weights_grad<float>(call, CpuOps{});
}

}  // namespace keras::kernels::cpu
