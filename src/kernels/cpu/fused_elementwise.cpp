// The cpu backend's elementwise engine: a fused group runs chunk by chunk, each op as one tight
// loop over the chunk (vectorised by the compiler), intermediates in per-thread scratch.
#include <omp.h>

#include <cstring>

#include "kernels/elementwise_math.h"
#include "kernels/fused_elementwise.h"

namespace keras::kernels {

namespace {

template <typename T>
void run_chunk(const FusedProgram& p, std::int64_t c0, std::int64_t len, T* regs) {
  const int n_inputs = static_cast<int>(p.inputs.size());
  auto operand = [&](int r, bool& scalar) -> const T* {
    if (r < n_inputs) {
      scalar = p.inputs[static_cast<std::size_t>(r)].scalar;
      const T* base = static_cast<const T*>(p.inputs[static_cast<std::size_t>(r)].data);
      return scalar ? base : base + c0;
    }
    scalar = false;
    const auto& producer = p.code[static_cast<std::size_t>(r - n_inputs)];
    if (producer.direct) return static_cast<const T*>(producer.direct) + c0;
    return regs + static_cast<std::int64_t>(r - n_inputs) * kFusedChunk;
  };
  for (std::size_t k = 0; k < p.code.size(); ++k) {
    const auto& instr = p.code[k];
    T* __restrict out = instr.direct ? static_cast<T*>(instr.direct) + c0
                                     : regs + static_cast<std::int64_t>(k) * kFusedChunk;
    bool a_scalar = false, b_scalar = false;
    const T* __restrict a = operand(instr.a, a_scalar);
    const T* __restrict b = instr.b >= 0 ? operand(instr.b, b_scalar) : nullptr;
    const double alpha = instr.alpha, beta = instr.beta;
    with_static_op(instr.op, [&](auto op) {
      if constexpr (op.value < OpKind::kAdd) {
        for (std::int64_t i = 0; i < len; ++i) out[i] = unary_op<op.value, T>(a[i], alpha, beta);
      } else if (a_scalar) {
        const T av = a[0];
        for (std::int64_t i = 0; i < len; ++i) out[i] = binary_op<op.value, T>(av, b[i]);
      } else if (b_scalar) {
        const T bv = b[0];
        for (std::int64_t i = 0; i < len; ++i) out[i] = binary_op<op.value, T>(a[i], bv);
      } else {
        for (std::int64_t i = 0; i < len; ++i) out[i] = binary_op<op.value, T>(a[i], b[i]);
      }
    });
  }
  for (const auto& o : p.outputs)
    if (!p.code[static_cast<std::size_t>(o.reg - n_inputs)].direct)
      std::memcpy(static_cast<T*>(o.data) + c0,
                  regs + static_cast<std::int64_t>(o.reg - n_inputs) * kFusedChunk,
                  static_cast<std::size_t>(len) * sizeof(T));
}

template <typename T>
void run_typed(FusedProgram& p) {
  const std::int64_t chunks = (p.n + kFusedChunk - 1) / kFusedChunk;
  const std::size_t per_thread = p.code.size() * kFusedChunk;
  T* scratch = reinterpret_cast<T*>(p.scratch.data());
  // Small groups (scalars, biases) are not worth waking the thread pool for.
  const int threads = p.n >= 16 * kFusedChunk ? p.threads : 1;
#pragma omp parallel for num_threads(threads) schedule(static) if (threads > 1)
  for (std::int64_t c = 0; c < chunks; ++c) {
    std::int64_t c0 = c * kFusedChunk;
    std::int64_t len = std::min(kFusedChunk, p.n - c0);
    run_chunk<T>(p, c0, len, scratch + static_cast<std::size_t>(omp_get_thread_num()) * per_thread);
  }
}

}  // namespace

void prepare_fused(FusedProgram& p) {
  p.threads = omp_get_max_threads();
  p.scratch.assign(
      static_cast<std::size_t>(p.threads) * p.code.size() * kFusedChunk * dtype_size(p.dtype) + 64,
      0);
}

void run_fused(FusedProgram& p) {
  if (p.dtype == DType::float64)
    run_typed<double>(p);
  else
    run_typed<float>(p);
}

}  // namespace keras::kernels
