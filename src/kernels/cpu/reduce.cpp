// The cpu backend's SumLike: column sums when the target shape is a suffix of the gradient's
// (bias gradients); anything else runs the general reference kernel.
#include "kernels/cpu/cpu_kernels.h"
#include "kernels/reference/reference_kernels.h"

namespace keras::kernels::cpu {

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

}  // namespace keras::kernels::cpu
