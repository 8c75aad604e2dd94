// RandomUniform and TruncatedNormal from the reference kernels' counter-based hashes
// (backend/random_state.h): element i draws from (seed, the run counter, i) (read from device
// memory: a replayed CUDA graph draws fresh numbers), so every backend
// draws the same numbers for the same seed and run: uniforms up to the last bit (where one
// compiler fuses the multiply-add and the other does not), normals through the device's log, cos
// and sqrt, within an ulp of the host's. (DropoutMask and RandomNormal: nn.cu.)
#include "backend/random_state.h"
#include "kernels/cuda/cuda_kernels.h"
#include "kernels/cuda/cuda_util.cuh"
#include "ops/random.h"

namespace keras::kernels::cuda {

namespace {

template <typename T>
__global__ void random_uniform_kernel(T* out, std::int64_t n, double low, double high,
                                      std::uint64_t seed, const std::uint64_t* runs) {
  const std::uint64_t counter = *runs;
  KERAS_CUDA_GRID_LOOP(i, n) {
    const double u = detail::uniform01(seed, counter, static_cast<std::uint64_t>(i));
    out[i] = static_cast<T>(low + (high - low) * u);
  }
}

// The reference's rule (kernels/reference/nn.cpp): each element redraws from its own sequence of
// streams until |z| <= 2, at most kTries times, then clamps.
constexpr std::uint64_t kTries = 32;

template <typename T>
__global__ void truncated_normal_kernel(T* out, std::int64_t n, double mean, double stddev,
                                        std::uint64_t seed, const std::uint64_t* runs) {
  const std::uint64_t counter = *runs;
  KERAS_CUDA_GRID_LOOP(i, n) {
    const auto index = static_cast<std::uint64_t>(i);
    double z = 0;
    for (std::uint64_t t = 0; t < kTries; ++t) {
      const std::uint64_t c = (counter * kTries + t) * 2;
      const double u1 = 1.0 - detail::uniform01(seed, c, index);
      const double u2 = detail::uniform01(seed, c + 1, index);
      z = sqrt(-2.0 * log(u1)) * cos(2.0 * 3.14159265358979323846 * u2);
      if (fabs(z) <= 2.0) break;
    }
    z = fmin(fmax(z, -2.0), 2.0);
    out[i] = static_cast<T>(mean + stddev * z);
  }
}

}  // namespace

void random_uniform(const KernelCall& call) {
  if (call.output.numel == 0) return;
  const auto& attrs = call.attrs_as<ops::RandomAttrs>();
  dispatch_float(call.op, call.output.dtype, [&]<typename T>() {
    random_uniform_kernel<T><<<blocks_for(call.output.numel), kThreads, 0, stream()>>>(
        call.output.as<T>(), call.output.numel, attrs.alpha, attrs.beta, attrs.seed,
        device_counter(call));
  });
  KERAS_CUDA_CHECK_LAUNCH();
}

void truncated_normal(const KernelCall& call) {
  if (call.output.numel == 0) return;
  const auto& attrs = call.attrs_as<ops::RandomAttrs>();
  dispatch_float(call.op, call.output.dtype, [&]<typename T>() {
    truncated_normal_kernel<T><<<blocks_for(call.output.numel), kThreads, 0, stream()>>>(
        call.output.as<T>(), call.output.numel, attrs.alpha, attrs.beta, attrs.seed,
        device_counter(call));
  });
  KERAS_CUDA_CHECK_LAUNCH();
}

}  // namespace keras::kernels::cuda
