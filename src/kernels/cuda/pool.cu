// Pooling (channels_last, 1 to 3 spatial dimensions as 3 with leading 1s, backend/conv_geometry.h)
// with the reference kernels' semantics: padding never wins a max and is not counted in an
// average, the first maximum of a window in tap order takes its gradient, sums run in the
// reference's order (the same numbers; AvgPoolGrad's up to where a compiler fuses a multiply-add).
// Own kernels rather than cuDNN's: cuDNN pads both ends alike (no "same" with an even window) and
// does not say which of equal maxima gets the gradient. Forward kernels run one thread per output
// element; the gradients one thread per input element, gathering from the windows that cover it in
// increasing output order (deterministic, no atomics). MaxPoolGrad keeps each window's winning tap
// in per-step device memory made at plan time (prepare_max_pool_grad).
#include <limits>
#include <memory>

#include "backend/conv_geometry.h"
#include "kernels/cuda/cuda_kernels.h"
#include "kernels/cuda/cuda_util.cuh"
#include "ops/pool.h"

namespace keras::kernels::cuda {

namespace {

using backend::detail::window_geometry;
using backend::detail::WindowGeometry;

// The geometry by value for the kernels (WindowGeometry holds std::arrays).
struct Geometry {
  std::int64_t channels, in[3], out[3], k[3], stride[3], pad[3];

  __device__ std::int64_t in_spatial() const { return in[0] * in[1] * in[2]; }
  __device__ std::int64_t out_spatial() const { return out[0] * out[1] * out[2]; }
  // Flat spatial positions as (d0, d1, d2).
  __device__ void split_out(std::int64_t o, std::int64_t* at) const {
    at[2] = o % out[2];
    at[1] = (o / out[2]) % out[1];
    at[0] = o / (out[2] * out[1]);
  }
  __device__ void split_in(std::int64_t i, std::int64_t* at) const {
    at[2] = i % in[2];
    at[1] = (i / in[2]) % in[1];
    at[0] = i / (in[2] * in[1]);
  }
  // Taps t of the window starting at `start` that land inside the input: [lo, hi).
  __device__ void taps(int d, std::int64_t start, std::int64_t& lo, std::int64_t& hi) const {
    lo = start < 0 ? -start : 0;
    hi = in[d] - start < k[d] ? in[d] - start : k[d];
  }
  // The output positions whose window covers input index i along d: [lo, hi].
  __device__ void covering(int d, std::int64_t i, std::int64_t& lo, std::int64_t& hi) const {
    const std::int64_t first = i + pad[d] - k[d] + 1;  // the lowest window start that reaches i
    lo = first <= 0 ? 0 : (first + stride[d] - 1) / stride[d];
    hi = (i + pad[d]) / stride[d];
    if (hi > out[d] - 1) hi = out[d] - 1;
  }
  // The number of window taps inside the input at output position `at`.
  __device__ std::int64_t count(const std::int64_t* at) const {
    std::int64_t n = 1;
    for (int d = 0; d < 3; ++d) {
      std::int64_t lo, hi;
      taps(d, at[d] * stride[d] - pad[d], lo, hi);
      n *= hi > lo ? hi - lo : 0;
    }
    return n;
  }
};

Geometry geometry(const WindowGeometry& g) {
  Geometry k{};
  k.channels = g.in_channels;
  for (std::size_t d = 0; d < 3; ++d) {
    k.in[d] = g.in[d];
    k.out[d] = g.out[d];
    k.k[d] = g.k[d];
    k.stride[d] = g.stride[d];
    k.pad[d] = g.pad_begin[d];
  }
  return k;
}

// Calls f(input position, flat tap) for the taps of output position `o` inside the input, in the
// reference's tap order.
template <typename F>
__device__ void for_each_tap(const Geometry& g, std::int64_t o, F&& f) {
  std::int64_t at[3], lo[3], hi[3], start[3];
  g.split_out(o, at);
  for (int d = 0; d < 3; ++d) {
    start[d] = at[d] * g.stride[d] - g.pad[d];
    g.taps(d, start[d], lo[d], hi[d]);
  }
  for (std::int64_t k0 = lo[0]; k0 < hi[0]; ++k0)
    for (std::int64_t k1 = lo[1]; k1 < hi[1]; ++k1)
      for (std::int64_t k2 = lo[2]; k2 < hi[2]; ++k2)
        f(((start[0] + k0) * g.in[1] + start[1] + k1) * g.in[2] + start[2] + k2,
          (k0 * g.k[1] + k1) * g.k[2] + k2);
}

// Calls f(output position, flat tap that reads input position i) for every window covering i, in
// increasing output order.
template <typename F>
__device__ void for_each_window(const Geometry& g, std::int64_t i, F&& f) {
  std::int64_t at[3], lo[3], hi[3];
  g.split_in(i, at);
  for (int d = 0; d < 3; ++d) g.covering(d, at[d], lo[d], hi[d]);
  for (std::int64_t o0 = lo[0]; o0 <= hi[0]; ++o0)
    for (std::int64_t o1 = lo[1]; o1 <= hi[1]; ++o1)
      for (std::int64_t o2 = lo[2]; o2 <= hi[2]; ++o2) {
        const std::int64_t k0 = at[0] - (o0 * g.stride[0] - g.pad[0]),
                           k1 = at[1] - (o1 * g.stride[1] - g.pad[1]),
                           k2 = at[2] - (o2 * g.stride[2] - g.pad[2]);
        f((o0 * g.out[1] + o1) * g.out[2] + o2, (k0 * g.k[1] + k1) * g.k[2] + k2);
      }
}

template <typename T>
__global__ void max_pool_kernel(const T* x, T* y, std::int64_t n, Geometry g) {
  KERAS_CUDA_GRID_LOOP(e, n) {
    const std::int64_t ch = e % g.channels, pos = e / g.channels;
    const std::int64_t o = pos % g.out_spatial(), base = (pos / g.out_spatial()) * g.in_spatial();
    T best = -std::numeric_limits<T>::infinity();
    for_each_tap(g, o, [&](std::int64_t i, std::int64_t) {
      const T v = x[(base + i) * g.channels + ch];
      if (v > best) best = v;
    });
    y[e] = best;
  }
}

// Per output element, the tap of the first maximum of its window (-1: no tap inside the input).
template <typename T>
__global__ void max_pool_argmax_kernel(const T* x, int* winner, std::int64_t n, Geometry g) {
  KERAS_CUDA_GRID_LOOP(e, n) {
    const std::int64_t ch = e % g.channels, pos = e / g.channels;
    const std::int64_t o = pos % g.out_spatial(), base = (pos / g.out_spatial()) * g.in_spatial();
    int tap = -1;
    T best = T(0);
    for_each_tap(g, o, [&](std::int64_t i, std::int64_t t) {
      const T v = x[(base + i) * g.channels + ch];
      if (tap < 0 || v > best) {
        tap = static_cast<int>(t);
        best = v;
      }
    });
    winner[e] = tap;
  }
}

template <typename T>
__global__ void max_pool_grad_kernel(const int* winner, const T* dy, T* dx, std::int64_t n,
                                     Geometry g) {
  KERAS_CUDA_GRID_LOOP(e, n) {
    const std::int64_t ch = e % g.channels, pos = e / g.channels;
    const std::int64_t i = pos % g.in_spatial(), base = (pos / g.in_spatial()) * g.out_spatial();
    T sum = T(0);
    for_each_window(g, i, [&](std::int64_t o, std::int64_t t) {
      const std::int64_t at = (base + o) * g.channels + ch;
      if (winner[at] == t) sum += dy[at];
    });
    dx[e] = sum;
  }
}

template <typename T>
__global__ void avg_pool_kernel(const T* x, T* y, std::int64_t n, Geometry g) {
  KERAS_CUDA_GRID_LOOP(e, n) {
    const std::int64_t ch = e % g.channels, pos = e / g.channels;
    const std::int64_t o = pos % g.out_spatial(), base = (pos / g.out_spatial()) * g.in_spatial();
    double sum = 0;
    for_each_tap(g, o,
                 [&](std::int64_t i, std::int64_t) { sum += x[(base + i) * g.channels + ch]; });
    std::int64_t at[3];
    g.split_out(o, at);
    y[e] = static_cast<T>(sum / static_cast<double>(g.count(at)));
  }
}

template <typename T>
__global__ void avg_pool_grad_kernel(const T* dy, T* dx, std::int64_t n, Geometry g) {
  KERAS_CUDA_GRID_LOOP(e, n) {
    const std::int64_t ch = e % g.channels, pos = e / g.channels;
    const std::int64_t i = pos % g.in_spatial(), base = (pos / g.in_spatial()) * g.out_spatial();
    double sum = 0;
    for_each_window(g, i, [&](std::int64_t o, std::int64_t) {
      std::int64_t at[3];
      g.split_out(o, at);
      const double inv = 1.0 / static_cast<double>(g.count(at));
      sum += dy[(base + o) * g.channels + ch] * inv;
    });
    dx[e] = static_cast<T>(sum);
  }
}

// The geometry of the forward pooling, from the operands of any of the four ops.
WindowGeometry geometry_of(const KernelCall& call) {
  const auto& attrs = call.attrs_as<ops::PoolAttrs>();
  switch (call.op) {
    case OpKind::kMaxPoolGrad:  // (x, dy) -> dx
      return window_geometry(call.inputs[0].shape, call.inputs[1].shape, attrs);
    case OpKind::kAvgPoolGrad:  // (dy[, x]) -> dx
      return window_geometry(call.output.shape, call.inputs[0].shape, attrs);
    default:  // x -> y
      return window_geometry(call.inputs[0].shape, call.output.shape, attrs);
  }
}

template <typename Kernel>
void launch(const KernelCall& call, std::int64_t n, Kernel&& kernel) {
  if (n == 0) return;
  dispatch_float(call.op, call.output.dtype,
                 [&]<typename T>() { kernel.template operator()<T>(); });
  KERAS_CUDA_CHECK_LAUNCH();
}

}  // namespace

std::size_t prepare_max_pool_grad(const KernelCall& call) {
  call.state = device().allocate(static_cast<std::size_t>(call.inputs[1].numel) * sizeof(int));
  return 0;
}

void max_pool(const KernelCall& call) {
  const Geometry g = geometry(geometry_of(call));
  const std::int64_t n = call.output.numel;
  launch(call, n, [&]<typename T>() {
    max_pool_kernel<T><<<blocks_for(n), kThreads, 0, stream()>>>(call.inputs[0].as<T>(),
                                                                 call.output.as<T>(), n, g);
  });
}

void max_pool_grad(const KernelCall& call) {
  const Geometry g = geometry(geometry_of(call));
  const Buffer &x = call.inputs[0], &dy = call.inputs[1];
  if (call.output.numel == 0) return;
  if (!call.state) prepare_max_pool_grad(call);
  int* winner = static_cast<int*>(call.state.get());
  launch(call, dy.numel, [&]<typename T>() {
    max_pool_argmax_kernel<T>
        <<<blocks_for(dy.numel), kThreads, 0, stream()>>>(x.as<T>(), winner, dy.numel, g);
  });
  const std::int64_t n = call.output.numel;
  launch(call, n, [&]<typename T>() {
    max_pool_grad_kernel<T>
        <<<blocks_for(n), kThreads, 0, stream()>>>(winner, dy.as<T>(), call.output.as<T>(), n, g);
  });
}

void avg_pool(const KernelCall& call) {
  const Geometry g = geometry(geometry_of(call));
  const std::int64_t n = call.output.numel;
  launch(call, n, [&]<typename T>() {
    avg_pool_kernel<T><<<blocks_for(n), kThreads, 0, stream()>>>(call.inputs[0].as<T>(),
                                                                 call.output.as<T>(), n, g);
  });
}

void avg_pool_grad(const KernelCall& call) {
  const Geometry g = geometry(geometry_of(call));
  const std::int64_t n = call.output.numel;
  launch(call, n, [&]<typename T>() {
    avg_pool_grad_kernel<T><<<blocks_for(n), kThreads, 0, stream()>>>(call.inputs[0].as<T>(),
                                                                      call.output.as<T>(), n, g);
  });
}

}  // namespace keras::kernels::cuda
