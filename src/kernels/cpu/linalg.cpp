// The cpu backend's matrix products for float32 (other dtypes run the reference loops): oneDNN's
// sgemm, or its matmul primitive where the second factor is transposed; a fused Dense layer's bias
// and activation in one row-parallel pass.
#include <dnnl.h>

#include <memory>
#include <stdexcept>
#include <string>

#include "kernels/cpu/cpu_kernels.h"
#include "kernels/cpu/dnnl_util.h"
#include "kernels/reference/reference_kernels.h"

namespace keras::kernels::cpu {

namespace {

void check(dnnl_status_t status, const char* what) {
  if (status != dnnl_success)
    throw std::runtime_error(std::string("oneDNN ") + what + " failed with status " +
                             std::to_string(status));
}

// A product with B transposed (x . w^T: the gradient of a Dense layer's input) runs oneDNN's matmul
// primitive, made on the step's first run: oneDNN's sgemm splits it poorly over threads (at 2
// threads, 128x512x512 ran at 130 GFLOP/s against the primitive's 210, and never faster on the
// shapes measured; benchmarks/README.md). With B as given, sgemm is as fast or faster.
struct TransposedMatmul {
  dnnl_util::Bound step;
  dnnl::memory a, b, c, scratch;
};

void transposed_matmul(const KernelCall& call, std::int64_t m, std::int64_t n, std::int64_t k) {
  using dnnl::memory;
  if (!call.state) {
    auto s = std::make_shared<TransposedMatmul>();
    const memory::desc a_md({m, k}, memory::data_type::f32, memory::dims{k, 1});
    const memory::desc b_md({k, n}, memory::data_type::f32, memory::dims{1, k});  // w is (n, k)
    const memory::desc c_md({m, n}, memory::data_type::f32, memory::dims{n, 1});
    dnnl::matmul::primitive_desc pd(dnnl::matmul::desc(a_md, b_md, c_md),
                                    dnnl_util::user_scratchpad(), dnnl_util::engine());
    dnnl_util::report("matmul (second factor transposed)", pd);
    s->step.primitive = dnnl::matmul(pd);
    s->a = dnnl_util::user_memory(a_md);
    s->b = dnnl_util::user_memory(b_md);
    s->c = dnnl_util::user_memory(c_md);
    s->scratch = dnnl_util::owned_memory(pd.scratchpad_desc());
    s->step.bind(DNNL_ARG_SRC, s->a);
    s->step.bind(DNNL_ARG_WEIGHTS, s->b);
    s->step.bind(DNNL_ARG_DST, s->c);
    s->step.bind(DNNL_ARG_SCRATCHPAD, s->scratch);
    call.state = std::move(s);
  }
  auto& s = *static_cast<TransposedMatmul*>(call.state.get());
  dnnl_util::set(s.a, call.inputs[0].data);
  dnnl_util::set(s.b, call.inputs[1].data);
  dnnl_util::set(s.c, call.output.data);
  s.step.run();
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
  if (tb && !ta && beta == 0.0f && k > 0) {
    transposed_matmul(call, m, n, k);
    return true;
  }
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
      for (std::int64_t j = 0; j < n; ++j)
        row[j] = row[j] < 0.0f ? 0.0f : row[j];  // NaN propagates
    } else if (activation != OpKind::kCount) {
      reference::apply_activation(*call.attrs, row, n);
    }
  }
}

}  // namespace keras::kernels::cpu
