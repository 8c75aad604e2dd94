// The cpu backend's softmax (float32, row-parallel) and dropout mask (float32, parallel over the
// elements of one counter-based random stream, so the mask does not depend on the thread count).
#include <cmath>

#include "backend/random_state.h"
#include "kernels/cpu/cpu_kernels.h"
#include "kernels/reference/reference_kernels.h"
#include "ops/random.h"

namespace keras::kernels::cpu {

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

void dropout_mask(const KernelCall& call) {
  if (call.output.dtype != DType::float32) return reference::dropout_mask(call);
  const auto& attrs = call.attrs_as<ops::DropoutAttrs>();
  const double rate = attrs.rate;
  const std::uint64_t seed = attrs.seed, counter = call.counter();
  const float keep = static_cast<float>(1.0 / (1.0 - rate));
  const std::uint64_t threshold = keras::detail::keep_threshold(rate);
  const std::uint64_t stream = keras::detail::random_stream(seed, counter);
  float* mask = call.output.as<float>();
  const std::int64_t n = call.output.numel;
  // About 1 ns an element on one thread: a (128, 512) mask is worth the second thread.
#pragma omp parallel for schedule(static) if (n >= 16384)
  for (std::int64_t i = 0; i < n; ++i)
    mask[i] = keras::detail::random_bits53(stream, static_cast<std::uint64_t>(i)) >= threshold
                  ? keep
                  : 0.0f;
}

}  // namespace keras::kernels::cpu
