// Softmax, cross-entropy and their gradients: one thread per row (the last axis), accumulating in
// double in the reference kernels' order; dropout masks and normal noise from the same
// counter-based hashes as the reference kernels (backend/random_state.h), so every backend draws
// the same numbers for the same seed.
#include "backend/random_state.h"
#include "keras/backend/backend.h"
#include "kernels/cuda/cuda_kernels.h"
#include "kernels/cuda/cuda_util.cuh"
#include "ops/random.h"

namespace keras::kernels::cuda {

namespace {

#define KERAS_FOR_EACH(i, n)                                                                       \
  for (std::int64_t i = blockIdx.x * static_cast<std::int64_t>(blockDim.x) + threadIdx.x; i < (n); \
       i += static_cast<std::int64_t>(gridDim.x) * blockDim.x)

template <typename T>
__global__ void softmax_kernel(const T* x, T* y, std::int64_t rows, std::int64_t n) {
  KERAS_FOR_EACH(r, rows) {
    const T* xr = x + r * n;
    T* yr = y + r * n;
    double peak = xr[0];
    for (std::int64_t j = 1; j < n; ++j) peak = xr[j] > peak ? xr[j] : peak;
    double total = 0;
    for (std::int64_t j = 0; j < n; ++j) total += exp(static_cast<double>(xr[j]) - peak);
    for (std::int64_t j = 0; j < n; ++j)
      yr[j] = static_cast<T>(exp(static_cast<double>(xr[j]) - peak) / total);
  }
}

template <typename T>
__global__ void softmax_grad_kernel(const T* y, const T* dy, T* dx, std::int64_t rows,
                                    std::int64_t n) {
  KERAS_FOR_EACH(r, rows) {
    double dot = 0;
    for (std::int64_t j = 0; j < n; ++j) dot += static_cast<double>(y[r * n + j]) * dy[r * n + j];
    for (std::int64_t j = 0; j < n; ++j)
      dx[r * n + j] = static_cast<T>(y[r * n + j] * (dy[r * n + j] - dot));
  }
}

template <typename T>
__global__ void crossentropy_kernel(const T* target, const T* output, T* loss, std::int64_t rows,
                                    std::int64_t n, double eps) {
  KERAS_FOR_EACH(r, rows) {
    const T* t = target + r * n;
    const T* o = output + r * n;
    double total = 0, sum = 0;
    for (std::int64_t j = 0; j < n; ++j) total += o[j];
    for (std::int64_t j = 0; j < n; ++j) {
      const double p = fmin(fmax(o[j] / total, eps), 1.0 - eps);
      sum -= t[j] * log(p);
    }
    loss[r] = static_cast<T>(sum);
  }
}

// d loss / d p, where p = clip(o / total): zero where the clip is active.
__device__ double dloss_dp(double t, double p, double eps) {
  const double pc = fmin(fmax(p, eps), 1.0 - eps);
  return (p >= eps && p <= 1.0 - eps) ? -t / pc : 0.0;
}

template <typename T>
__global__ void crossentropy_grad_kernel(const T* target, const T* output, const T* g, T* d,
                                         std::int64_t rows, std::int64_t n, double eps) {
  KERAS_FOR_EACH(r, rows) {
    const T* t = target + r * n;
    const T* o = output + r * n;
    double total = 0;
    for (std::int64_t j = 0; j < n; ++j) total += o[j];
    double weighted = 0;
    for (std::int64_t j = 0; j < n; ++j)
      weighted += dloss_dp(t[j], o[j] / total, eps) * (o[j] / total);
    const double scale = static_cast<double>(g[r]) / total;
    for (std::int64_t j = 0; j < n; ++j)
      d[r * n + j] = static_cast<T>((dloss_dp(t[j], o[j] / total, eps) - weighted) * scale);
  }
}

// The reference kernel's composition of the softmax and clipped cross-entropy gradients.
template <typename T>
__global__ void softmax_cross_entropy_grad_kernel(const T* y, const T* target, const T* g, T* d,
                                                  std::int64_t rows, std::int64_t n, double eps) {
  KERAS_FOR_EACH(r, rows) {
    const T* s = y + r * n;
    const T* t = target + r * n;
    T* dr = d + r * n;
    double total = 0;
    for (std::int64_t j = 0; j < n; ++j) total += s[j];
    bool clipped = false;
    for (std::int64_t j = 0; j < n && !clipped; ++j) {
      const double p = s[j] / total;
      clipped = p < eps || p > 1.0 - eps;
    }
    const double scale = g[r];
    if (!clipped) {
      double t_sum = 0;
      for (std::int64_t j = 0; j < n; ++j) t_sum += t[j];
      for (std::int64_t j = 0; j < n; ++j)
        dr[j] = static_cast<T>(scale * (s[j] * t_sum / total - t[j]));
      continue;
    }
    auto dp = [&](std::int64_t j) {
      const double p = s[j] / total;
      return (p >= eps && p <= 1.0 - eps) ? -t[j] / p : 0.0;
    };
    double weighted = 0;
    for (std::int64_t j = 0; j < n; ++j) weighted += dp(j) * (s[j] / total);
    double dot = 0;
    for (std::int64_t j = 0; j < n; ++j) dot += s[j] * ((dp(j) - weighted) * scale / total);
    for (std::int64_t j = 0; j < n; ++j)
      dr[j] = static_cast<T>(s[j] * ((dp(j) - weighted) * scale / total - dot));
  }
}

// The run counter comes from device memory (KernelCall::device_counter), so that a replayed CUDA
// graph draws fresh numbers each run.
template <typename T>
__global__ void dropout_mask_kernel(T* mask, std::int64_t n, T keep, std::uint64_t threshold,
                                    std::uint64_t seed, const std::uint64_t* runs) {
  const std::uint64_t stream = detail::random_stream(seed, *runs);
  KERAS_FOR_EACH(i, n) {
    mask[i] =
        detail::random_bits53(stream, static_cast<std::uint64_t>(i)) >= threshold ? keep : T(0);
  }
}

template <typename T>
__global__ void random_normal_kernel(T* out, std::int64_t n, double mean, double stddev,
                                     std::uint64_t seed, const std::uint64_t* runs) {
  const std::uint64_t counter = *runs * 2;
  KERAS_FOR_EACH(i, n) {
    const auto index = static_cast<std::uint64_t>(i);
    const double u1 = 1.0 - detail::uniform01(seed, counter, index);
    const double u2 = detail::uniform01(seed, counter + 1, index);
    const double z = sqrt(-2.0 * log(u1)) * cos(2.0 * 3.14159265358979323846 * u2);
    out[i] = static_cast<T>(mean + stddev * z);
  }
}

std::int64_t last_dim(const Shape& shape) {
  return shape.empty() ? 1 : shape.back();
}

}  // namespace

void softmax(const KernelCall& call) {
  const std::int64_t n = last_dim(call.output.shape);
  const std::int64_t rows = n ? call.output.numel / n : 0;
  if (rows == 0) return;
  dispatch_float(call.op, call.output.dtype, [&]<typename T>() {
    softmax_kernel<T><<<blocks_for(rows), kThreads, 0, stream()>>>(call.inputs[0].as<T>(),
                                                                   call.output.as<T>(), rows, n);
  });
  KERAS_CUDA_CHECK_LAUNCH();
}

void softmax_grad(const KernelCall& call) {
  const std::int64_t n = last_dim(call.output.shape);
  const std::int64_t rows = n ? call.output.numel / n : 0;
  if (rows == 0) return;
  dispatch_float(call.op, call.output.dtype, [&]<typename T>() {
    softmax_grad_kernel<T><<<blocks_for(rows), kThreads, 0, stream()>>>(
        call.inputs[0].as<T>(), call.inputs[1].as<T>(), call.output.as<T>(), rows, n);
  });
  KERAS_CUDA_CHECK_LAUNCH();
}

void categorical_crossentropy(const KernelCall& call) {
  const std::int64_t n = last_dim(call.inputs[1].shape);
  const std::int64_t rows = call.output.numel;
  if (rows == 0) return;
  dispatch_float(call.op, call.inputs[1].dtype, [&]<typename T>() {
    crossentropy_kernel<T><<<blocks_for(rows), kThreads, 0, stream()>>>(
        call.inputs[0].as<T>(), call.inputs[1].as<T>(), call.output.as<T>(), rows, n,
        backend::epsilon());
  });
  KERAS_CUDA_CHECK_LAUNCH();
}

void categorical_crossentropy_grad(const KernelCall& call) {
  const std::int64_t n = last_dim(call.inputs[1].shape);
  const std::int64_t rows = call.inputs[2].numel;
  if (rows == 0) return;
  dispatch_float(call.op, call.inputs[1].dtype, [&]<typename T>() {
    crossentropy_grad_kernel<T><<<blocks_for(rows), kThreads, 0, stream()>>>(
        call.inputs[0].as<T>(), call.inputs[1].as<T>(), call.inputs[2].as<T>(), call.output.as<T>(),
        rows, n, backend::epsilon());
  });
  KERAS_CUDA_CHECK_LAUNCH();
}

void softmax_cross_entropy_grad(const KernelCall& call) {
  const std::int64_t n = last_dim(call.inputs[0].shape);
  const std::int64_t rows = call.inputs[2].numel;
  if (rows == 0) return;
  dispatch_float(call.op, call.inputs[0].dtype, [&]<typename T>() {
    softmax_cross_entropy_grad_kernel<T><<<blocks_for(rows), kThreads, 0, stream()>>>(
        call.inputs[0].as<T>(), call.inputs[1].as<T>(), call.inputs[2].as<T>(), call.output.as<T>(),
        rows, n, backend::epsilon());
  });
  KERAS_CUDA_CHECK_LAUNCH();
}

void dropout_mask(const KernelCall& call) {
  if (call.output.numel == 0) return;
  const auto& attrs = call.attrs_as<ops::DropoutAttrs>();
  const double rate = attrs.rate;
  dispatch_float(call.op, call.output.dtype, [&]<typename T>() {
    dropout_mask_kernel<T><<<blocks_for(call.output.numel), kThreads, 0, stream()>>>(
        call.output.as<T>(), call.output.numel, static_cast<T>(1.0 / (1.0 - rate)),
        detail::keep_threshold(rate), attrs.seed, device_counter(call));
  });
  KERAS_CUDA_CHECK_LAUNCH();
}

void random_normal(const KernelCall& call) {
  if (call.output.numel == 0) return;
  const auto& attrs = call.attrs_as<ops::RandomAttrs>();
  dispatch_float(call.op, call.output.dtype, [&]<typename T>() {
    random_normal_kernel<T><<<blocks_for(call.output.numel), kThreads, 0, stream()>>>(
        call.output.as<T>(), call.output.numel, attrs.alpha, attrs.beta, attrs.seed,
        device_counter(call));
  });
  KERAS_CUDA_CHECK_LAUNCH();
}

}  // namespace keras::kernels::cuda
