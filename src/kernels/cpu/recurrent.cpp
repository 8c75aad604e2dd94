// cpu kernels of K::recurrent and its gradients: the shared implementation in
// kernels/recurrent.h with oneDNN's sgemm for every matrix product (float32; float64 runs the
// reference loops).
#include <dnnl.h>

#include <stdexcept>
#include <string>

#include "kernels/cpu/recurrent.h"
#include "kernels/recurrent.h"
#include "kernels/reference/reference_kernels.h"

namespace keras::kernels::cpu {

namespace {
struct Sgemm {
  void operator()(bool ta, bool tb, std::int64_t m, std::int64_t n, std::int64_t k, const float* a,
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
  rnn::forward<float>(call, Sgemm{});
}

void recurrent_grad(const KernelCall& call) {
  if (call.output.dtype != DType::float32) return reference::recurrent_grad(call);
  rnn::backward<float>(call, Sgemm{});
}

void recurrent_grad_weights(const KernelCall& call) {
  if (call.output.dtype != DType::float32) return reference::recurrent_grad_weights(call);
  rnn::weights_grad<float>(call, Sgemm{});
}

}  // namespace keras::kernels::cpu
