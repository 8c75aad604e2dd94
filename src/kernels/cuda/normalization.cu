// Batch normalization over x seen as (outer, channels, inner) (kernels/batch_norm.h): the
// per-channel sums run one block per channel with a fixed tree (deterministic), in double as the
// reference kernels; the per-element passes one thread per element. L2Normalize runs one block
// per normalized line, summing its squares in double with the same fixed tree.
#include "kernels/batch_norm.h"
#include "kernels/cuda/cuda_kernels.h"
#include "kernels/cuda/cuda_util.cuh"
#include "kernels/reference/reference_kernels.h"
#include "ops/normalization.h"

namespace keras::kernels::cuda {

namespace {

constexpr int kBlock = 256;

// The block's sum of `value` (every thread gets it).
__device__ double block_sum(double value, double* shared) {
  shared[threadIdx.x] = value;
  __syncthreads();
  for (unsigned half = blockDim.x / 2; half > 0; half /= 2) {
    if (threadIdx.x < half) shared[threadIdx.x] += shared[threadIdx.x + half];
    __syncthreads();
  }
  const double total = shared[0];
  __syncthreads();
  return total;
}

// The flat index of the i-th element of channel c.
__device__ std::int64_t channel_element(std::int64_t i, std::int64_t c, std::int64_t channels,
                                        std::int64_t inner) {
  return ((i / inner) * channels + c) * inner + i % inner;
}

template <typename T>
__global__ void stats_kernel(const T* x, T* out, std::int64_t channels, std::int64_t inner,
                             std::int64_t count) {
  __shared__ double shared[kBlock];
  for (std::int64_t c = blockIdx.x; c < channels; c += gridDim.x) {
    double sum = 0;
    for (std::int64_t i = threadIdx.x; i < count; i += blockDim.x)
      sum += x[channel_element(i, c, channels, inner)];
    const double mean = block_sum(sum, shared) / static_cast<double>(count);
    double squares = 0;
    for (std::int64_t i = threadIdx.x; i < count; i += blockDim.x) {
      const double d = x[channel_element(i, c, channels, inner)] - mean;
      squares += d * d;
    }
    const double variance = block_sum(squares, shared) / static_cast<double>(count);
    if (threadIdx.x == 0) {
      out[c] = static_cast<T>(mean);
      out[channels + c] = static_cast<T>(variance);
    }
  }
}

template <typename T>
__global__ void normalize_kernel(const T* x, const T* stats, const T* gamma, const T* beta, T* y,
                                 std::int64_t n, std::int64_t channels, std::int64_t inner,
                                 double epsilon) {
  for (std::int64_t i = blockIdx.x * static_cast<std::int64_t>(blockDim.x) + threadIdx.x; i < n;
       i += static_cast<std::int64_t>(gridDim.x) * blockDim.x) {
    const std::int64_t c = (i / inner) % channels;
    const double scale = gamma[c] / sqrt(static_cast<double>(stats[channels + c]) + epsilon);
    y[i] = static_cast<T>((x[i] - static_cast<double>(stats[c])) * scale + beta[c]);
  }
}

// Per channel: sum(dy) and sum(dy * xhat).
template <typename T>
__global__ void grad_sums_kernel(const T* x, const T* stats, const T* dy, double* sums,
                                 std::int64_t channels, std::int64_t inner, std::int64_t count,
                                 double epsilon) {
  __shared__ double shared[kBlock];
  for (std::int64_t c = blockIdx.x; c < channels; c += gridDim.x) {
    const double mean = stats[c];
    const double inv_std = 1.0 / sqrt(static_cast<double>(stats[channels + c]) + epsilon);
    double sum_dy = 0, sum_dy_xhat = 0;
    for (std::int64_t i = threadIdx.x; i < count; i += blockDim.x) {
      const std::int64_t at = channel_element(i, c, channels, inner);
      sum_dy += dy[at];
      sum_dy_xhat += dy[at] * (x[at] - mean) * inv_std;
    }
    const double a = block_sum(sum_dy, shared), b = block_sum(sum_dy_xhat, shared);
    if (threadIdx.x == 0) {
      sums[c] = a;
      sums[channels + c] = b;
    }
  }
}

template <typename T>
__global__ void params_kernel(const double* sums, T* out, std::int64_t channels) {
  for (std::int64_t c = blockIdx.x * static_cast<std::int64_t>(blockDim.x) + threadIdx.x;
       c < channels; c += static_cast<std::int64_t>(gridDim.x) * blockDim.x) {
    out[c] = static_cast<T>(sums[channels + c]);  // sum(dy * xhat), then sum(dy)
    out[channels + c] = static_cast<T>(sums[c]);
  }
}

template <typename T>
__global__ void grad_input_kernel(const T* x, const T* stats, const T* gamma, const T* dy,
                                  const double* sums, T* dx, std::int64_t n, std::int64_t channels,
                                  std::int64_t inner, double count, double epsilon) {
  for (std::int64_t i = blockIdx.x * static_cast<std::int64_t>(blockDim.x) + threadIdx.x; i < n;
       i += static_cast<std::int64_t>(gridDim.x) * blockDim.x) {
    const std::int64_t c = (i / inner) % channels;
    const double inv_std = 1.0 / sqrt(static_cast<double>(stats[channels + c]) + epsilon);
    const double mean_dy = sums ? sums[c] / count : 0.0;
    const double mean_dy_xhat = sums ? sums[channels + c] / count : 0.0;
    const double xhat = (x[i] - static_cast<double>(stats[c])) * inv_std;
    dx[i] = static_cast<T>(gamma[c] * inv_std * (dy[i] - mean_dy - xhat * mean_dy_xhat));
  }
}

// Line (a, b) of x seen as (outer, channels, inner): x[(a * channels + c) * inner + b] over c.
template <typename T>
__global__ void l2_normalize_kernel(const T* x, T* y, std::int64_t lines, std::int64_t channels,
                                    std::int64_t inner, double min_squares) {
  __shared__ double shared[kBlock];
  for (std::int64_t line = blockIdx.x; line < lines; line += gridDim.x) {
    const std::int64_t start = (line / inner) * channels * inner + line % inner;
    double squares = 0;
    for (std::int64_t c = threadIdx.x; c < channels; c += blockDim.x) {
      const double value = x[start + c * inner];
      squares += value * value;
    }
    const double total = block_sum(squares, shared);
    // As std::max(total, min_squares): a NaN total stays NaN.
    const double scale = 1.0 / sqrt(total < min_squares ? min_squares : total);
    for (std::int64_t c = threadIdx.x; c < channels; c += blockDim.x)
      y[start + c * inner] = static_cast<T>(x[start + c * inner] * scale);
  }
}

unsigned channel_blocks(std::int64_t channels) {
  return static_cast<unsigned>(channels < 65535 ? channels : 65535);
}

// The step's per-channel sums in device scratch, made on its first run.
double* sums_for(const KernelCall& call, std::int64_t channels) {
  if (!call.state)
    call.state = device().allocate(static_cast<std::size_t>(2 * channels) * sizeof(double));
  return static_cast<double*>(call.state.get());
}

}  // namespace

void batch_norm_stats(const KernelCall& call) {
  const ChannelView v =
      channel_view(call.inputs[0].shape, call.attrs_as<ops::BatchNormAttrs>().axis);
  if (v.channels == 0) return;
  dispatch_float(call.op, call.output.dtype, [&]<typename T>() {
    stats_kernel<T><<<channel_blocks(v.channels), kBlock, 0, stream()>>>(
        call.inputs[0].as<T>(), call.output.as<T>(), v.channels, v.inner, v.count());
  });
  KERAS_CUDA_CHECK_LAUNCH();
}

void batch_norm(const KernelCall& call) {
  const ChannelView v =
      channel_view(call.inputs[0].shape, call.attrs_as<ops::BatchNormAttrs>().axis);
  if (call.output.numel == 0) return;
  dispatch_float(call.op, call.output.dtype, [&]<typename T>() {
    normalize_kernel<T><<<blocks_for(call.output.numel), kThreads, 0, stream()>>>(
        call.inputs[0].as<T>(), call.inputs[1].as<T>(), call.inputs[2].as<T>(),
        call.inputs[3].as<T>(), call.output.as<T>(), call.output.numel, v.channels, v.inner,
        call.attrs_as<ops::BatchNormAttrs>().epsilon);
  });
  KERAS_CUDA_CHECK_LAUNCH();
}

void batch_norm_grad(const KernelCall& call) {
  const ChannelView v =
      channel_view(call.inputs[0].shape, call.attrs_as<ops::BatchNormAttrs>().axis);
  if (call.output.numel == 0) return;
  const double epsilon = call.attrs_as<ops::BatchNormAttrs>().epsilon;
  dispatch_float(call.op, call.output.dtype, [&]<typename T>() {
    const T *x = call.inputs[0].as<T>(), *stats = call.inputs[1].as<T>(),
            *gamma = call.inputs[2].as<T>(), *dy = call.inputs[3].as<T>();
    double* sums = nullptr;
    if (call.attrs_as<ops::BatchNormAttrs>()
            .batch_stats) {  // dx goes through the batch's own statistics too
      sums = sums_for(call, v.channels);
      grad_sums_kernel<T><<<channel_blocks(v.channels), kBlock, 0, stream()>>>(
          x, stats, dy, sums, v.channels, v.inner, v.count(), epsilon);
      KERAS_CUDA_CHECK_LAUNCH();
    }
    grad_input_kernel<T><<<blocks_for(call.output.numel), kThreads, 0, stream()>>>(
        x, stats, gamma, dy, sums, call.output.as<T>(), call.output.numel, v.channels, v.inner,
        static_cast<double>(v.count()), epsilon);
  });
  KERAS_CUDA_CHECK_LAUNCH();
}

void batch_norm_grad_params(const KernelCall& call) {
  const ChannelView v =
      channel_view(call.inputs[0].shape, call.attrs_as<ops::BatchNormAttrs>().axis);
  if (v.channels == 0) return;
  double* sums = sums_for(call, v.channels);
  dispatch_float(call.op, call.output.dtype, [&]<typename T>() {
    grad_sums_kernel<T><<<channel_blocks(v.channels), kBlock, 0, stream()>>>(
        call.inputs[0].as<T>(), call.inputs[1].as<T>(), call.inputs[2].as<T>(), sums, v.channels,
        v.inner, v.count(), call.attrs_as<ops::BatchNormAttrs>().epsilon);
    KERAS_CUDA_CHECK_LAUNCH();
    params_kernel<T>
        <<<blocks_for(v.channels), kThreads, 0, stream()>>>(sums, call.output.as<T>(), v.channels);
  });
  KERAS_CUDA_CHECK_LAUNCH();
}

void l2_normalize(const KernelCall& call) {
  const Shape& shape = call.inputs[0].shape;
  ChannelView v{1, call.output.numel, 1};  // the normalized axis as the channels
  const std::vector<int>& axes = call.attrs_as<ops::L2NormalizeAttrs>().axes;
  if (!axes.empty())
    v = channel_view(shape, axes[0] < 0 ? axes[0] + static_cast<int>(shape.size()) : axes[0]);
  const std::int64_t lines = v.outer * v.inner;
  if (call.output.numel == 0) return;
  dispatch_float(call.op, call.output.dtype, [&]<typename T>() {
    l2_normalize_kernel<T><<<channel_blocks(lines), kBlock, 0, stream()>>>(
        call.inputs[0].as<T>(), call.output.as<T>(), lines, v.channels, v.inner,
        reference::kL2NormalizeFloor);
  });
  KERAS_CUDA_CHECK_LAUNCH();
}

}  // namespace keras::kernels::cuda
