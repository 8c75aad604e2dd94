// Reference kernels of convolution, pooling and zero padding: plain loops over every (output
// position, window tap) pair, accumulating in double (in the step's planned scratch:
// prepare_window). The oracle for the oneDNN kernels.
#include <algorithm>
#include <limits>
#include <vector>

#include "backend/conv_geometry.h"
#include "kernels/reference/reference_kernels.h"
#include "ops/shape.h"

namespace keras::kernels::reference {

namespace {

using backend::detail::window_geometry;
using backend::detail::WindowGeometry;

// Calls f(n, out_pos, in_pos, tap) for every window tap that lands inside the input; positions
// are flat spatial indices, tap the flat index into the window.
template <typename F>
void for_each_tap(const WindowGeometry& g, F&& f) {
  for (std::int64_t n = 0; n < g.batch; ++n)
    for (std::int64_t o0 = 0; o0 < g.out[0]; ++o0)
      for (std::int64_t o1 = 0; o1 < g.out[1]; ++o1)
        for (std::int64_t o2 = 0; o2 < g.out[2]; ++o2) {
          const std::int64_t out_pos = (o0 * g.out[1] + o1) * g.out[2] + o2;
          for (std::int64_t k0 = 0; k0 < g.k[0]; ++k0) {
            const std::int64_t i0 = o0 * g.stride[0] - g.pad_begin[0] + k0 * g.dilation[0];
            if (i0 < 0 || i0 >= g.in[0]) continue;
            for (std::int64_t k1 = 0; k1 < g.k[1]; ++k1) {
              const std::int64_t i1 = o1 * g.stride[1] - g.pad_begin[1] + k1 * g.dilation[1];
              if (i1 < 0 || i1 >= g.in[1]) continue;
              for (std::int64_t k2 = 0; k2 < g.k[2]; ++k2) {
                const std::int64_t i2 = o2 * g.stride[2] - g.pad_begin[2] + k2 * g.dilation[2];
                if (i2 < 0 || i2 >= g.in[2]) continue;
                f(n, out_pos, (i0 * g.in[1] + i1) * g.in[2] + i2, (k0 * g.k[1] + k1) * g.k[2] + k2);
              }
            }
          }
        }
}

// acc[x_index] += w * y over every (input channel, output channel) pair of a tap: the three conv
// ops are this loop with the roles of x, kernel and output exchanged.
enum class Role { kForward, kGradInput, kGradKernel };

template <typename T>
void conv_loop(const WindowGeometry& g, Role role, const T* x, const T* w, const T* y,
               double* acc) {
  const std::int64_t cin_g = g.in_channels / g.groups, cout = g.out_channels,
                     cout_g = cout / g.groups;
  for_each_tap(g, [&](std::int64_t n, std::int64_t o, std::int64_t i, std::int64_t k) {
    const std::int64_t x_base = (n * g.in_spatial() + i) * g.in_channels;
    const std::int64_t y_base = (n * g.out_spatial() + o) * cout;
    const std::int64_t w_base = k * cin_g * cout;
    for (std::int64_t oc = 0; oc < cout; ++oc) {
      const std::int64_t x_group = (oc / cout_g) * cin_g;
      for (std::int64_t ic = 0; ic < cin_g; ++ic) {
        const std::int64_t xi = x_base + x_group + ic, wi = w_base + ic * cout + oc,
                           yi = y_base + oc;
        switch (role) {
          case Role::kForward:
            acc[yi] += static_cast<double>(x[xi]) * w[wi];
            break;
          case Role::kGradInput:
            acc[xi] += static_cast<double>(y[yi]) * w[wi];
            break;
          case Role::kGradKernel:
            acc[wi] += static_cast<double>(x[xi]) * y[yi];
            break;
        }
      }
    }
  });
}

// The number of window taps inside the input, per output position.
void window_counts(const WindowGeometry& g, std::int64_t* counts) {
  std::fill(counts, counts + g.out_spatial(), std::int64_t{0});
  WindowGeometry one = g;
  one.batch = 1;
  for_each_tap(one, [&](std::int64_t, std::int64_t o, std::int64_t, std::int64_t) { ++counts[o]; });
}

// Each kernel's scratch, laid out once (kernels/kernel.h's ScratchLayout): counted by
// prepare_window, taken by the kernel. acc: the output in double, zeroed; counts: window_counts;
// argmax: per output element, the input element that won its window.
struct WindowScratch {
  double* acc = nullptr;
  std::int64_t* counts = nullptr;
  std::int64_t* argmax = nullptr;

  WindowScratch(ScratchLayout& s, const KernelCall& call, const WindowGeometry& g) {
    switch (call.op) {
      case OpKind::kMaxPool:
        break;
      case OpKind::kMaxPoolGrad:
        argmax = s.take<std::int64_t>(call.inputs[1].numel);
        break;
      case OpKind::kAvgPool:
      case OpKind::kAvgPoolGrad:
        counts = s.take<std::int64_t>(g.out_spatial());
        acc = s.take<double>(call.output.numel);
        break;
      default:  // the convolutions
        acc = s.take<double>(call.output.numel);
    }
  }
  static WindowScratch of(const KernelCall& call, const WindowGeometry& g) {
    ScratchLayout layout(call);
    WindowScratch s(layout, call, g);
    if (s.acc) std::fill(s.acc, s.acc + call.output.numel, 0.0);
    return s;
  }
};

// The geometry of a window op from its operands' shapes (x, kernel, y of the forward direction).
WindowGeometry geometry_of(const KernelCall& call) {
  switch (call.op) {
    case OpKind::kConv:
      return window_geometry(call.inputs[0].shape, call.inputs[1].shape, call.output.shape,
                             call.attrs_as<ops::ConvAttrs>());
    case OpKind::kConvGradInput:
      return window_geometry(call.output.shape, call.inputs[1].shape, call.inputs[0].shape,
                             call.attrs_as<ops::ConvAttrs>());
    case OpKind::kConvGradKernel:
      return window_geometry(call.inputs[0].shape, call.output.shape, call.inputs[1].shape,
                             call.attrs_as<ops::ConvAttrs>());
    case OpKind::kMaxPool:
    case OpKind::kAvgPool:
      return window_geometry(call.inputs[0].shape, call.output.shape,
                             call.attrs_as<ops::PoolAttrs>());
    case OpKind::kMaxPoolGrad:
      return window_geometry(call.inputs[0].shape, call.inputs[1].shape,
                             call.attrs_as<ops::PoolAttrs>());
    default:  // AvgPoolGrad(dy)
      return window_geometry(call.output.shape, call.inputs[0].shape,
                             call.attrs_as<ops::PoolAttrs>());
  }
}

}  // namespace

std::size_t prepare_window(const KernelCall& call) {
  ScratchLayout counting = ScratchLayout::counting();
  WindowScratch(counting, call, geometry_of(call));
  return counting.bytes();
}

void conv(const KernelCall& call) {
  const Buffer &x = call.inputs[0], &w = call.inputs[1];
  const WindowGeometry g = geometry_of(call);
  double* acc = WindowScratch::of(call, g).acc;
  dispatch_float(call.op, call.output.dtype, [&]<typename T>() {
    conv_loop<T>(g, Role::kForward, x.as<T>(), w.as<T>(), nullptr, acc);
    T* y = call.output.as<T>();
    const T* bias = call.inputs.size() > 2 ? call.inputs[2].as<T>() : nullptr;
    for (std::int64_t i = 0; i < call.output.numel; ++i)
      y[i] = static_cast<T>(acc[i] + (bias ? bias[i % g.out_channels] : T(0)));
    apply_activation(call.attrs_as<ops::ConvAttrs>().activation, y, call.output.numel);
  });
}

void conv_grad_input(const KernelCall& call) {
  const Buffer &dy = call.inputs[0], &w = call.inputs[1];
  const WindowGeometry g = geometry_of(call);
  double* acc = WindowScratch::of(call, g).acc;
  dispatch_float(call.op, call.output.dtype, [&]<typename T>() {
    conv_loop<T>(g, Role::kGradInput, nullptr, w.as<T>(), dy.as<T>(), acc);
    T* dx = call.output.as<T>();
    for (std::int64_t i = 0; i < call.output.numel; ++i) dx[i] = static_cast<T>(acc[i]);
  });
}

void conv_grad_kernel(const KernelCall& call) {
  const Buffer &x = call.inputs[0], &dy = call.inputs[1];
  const WindowGeometry g = geometry_of(call);
  double* acc = WindowScratch::of(call, g).acc;
  dispatch_float(call.op, call.output.dtype, [&]<typename T>() {
    conv_loop<T>(g, Role::kGradKernel, x.as<T>(), nullptr, dy.as<T>(), acc);
    T* dw = call.output.as<T>();
    for (std::int64_t i = 0; i < call.output.numel; ++i) dw[i] = static_cast<T>(acc[i]);
  });
}

// Pooling: for every output element, the window taps inside the input (TensorFlow's semantics:
// padding never wins a max and is not counted in an average).
void max_pool(const KernelCall& call) {
  const Buffer& x = call.inputs[0];
  const WindowGeometry g = geometry_of(call);
  const std::int64_t c = g.in_channels;
  dispatch_float(call.op, call.output.dtype, [&]<typename T>() {
    T* y = call.output.as<T>();
    for (std::int64_t i = 0; i < call.output.numel; ++i) y[i] = -std::numeric_limits<T>::infinity();
    const T* in = x.as<T>();
    for_each_tap(g, [&](std::int64_t n, std::int64_t o, std::int64_t i, std::int64_t) {
      T* out = y + (n * g.out_spatial() + o) * c;
      const T* src = in + (n * g.in_spatial() + i) * c;
      for (std::int64_t ch = 0; ch < c; ++ch)
        if (src[ch] > out[ch]) out[ch] = src[ch];
    });
  });
}

void max_pool_grad(const KernelCall& call) {
  const Buffer &x = call.inputs[0], &dy = call.inputs[1];
  const WindowGeometry g = geometry_of(call);
  const std::int64_t c = g.in_channels;
  std::int64_t* argmax = WindowScratch::of(call, g).argmax;
  dispatch_float(call.op, call.output.dtype, [&]<typename T>() {
    // The first maximum of each window (in tap order) takes the window's gradient.
    std::fill(argmax, argmax + dy.numel, std::int64_t{-1});
    const T* in = x.as<T>();
    for_each_tap(g, [&](std::int64_t n, std::int64_t o, std::int64_t i, std::int64_t) {
      const std::int64_t out_base = (n * g.out_spatial() + o) * c;
      const std::int64_t in_base = (n * g.in_spatial() + i) * c;
      for (std::int64_t ch = 0; ch < c; ++ch) {
        std::int64_t& best = argmax[out_base + ch];
        if (best < 0 || in[in_base + ch] > in[best]) best = in_base + ch;
      }
    });
    T* dx = call.output.as<T>();
    for (std::int64_t i = 0; i < call.output.numel; ++i) dx[i] = T(0);
    const T* grad = dy.as<T>();
    for (std::int64_t i = 0; i < dy.numel; ++i)
      if (argmax[i] >= 0) dx[argmax[i]] += grad[i];
  });
}

void avg_pool(const KernelCall& call) {
  const Buffer& x = call.inputs[0];
  const WindowGeometry g = geometry_of(call);
  const std::int64_t c = g.in_channels;
  const WindowScratch scratch = WindowScratch::of(call, g);
  double* acc = scratch.acc;
  const std::int64_t* counts = scratch.counts;
  window_counts(g, scratch.counts);
  dispatch_float(call.op, call.output.dtype, [&]<typename T>() {
    const T* in = x.as<T>();
    for_each_tap(g, [&](std::int64_t n, std::int64_t o, std::int64_t i, std::int64_t) {
      const std::int64_t out_base = (n * g.out_spatial() + o) * c;
      const T* src = in + (n * g.in_spatial() + i) * c;
      for (std::int64_t ch = 0; ch < c; ++ch) acc[out_base + ch] += src[ch];
    });
    T* y = call.output.as<T>();
    for (std::int64_t i = 0; i < call.output.numel; ++i)
      y[i] = static_cast<T>(acc[i] / static_cast<double>(counts[(i / c) % g.out_spatial()]));
  });
}

void avg_pool_grad(const KernelCall& call) {
  const Buffer& dy = call.inputs[0];
  const WindowGeometry g = geometry_of(call);
  const std::int64_t c = g.in_channels;
  const WindowScratch scratch = WindowScratch::of(call, g);
  double* acc = scratch.acc;
  const std::int64_t* counts = scratch.counts;
  window_counts(g, scratch.counts);
  dispatch_float(call.op, call.output.dtype, [&]<typename T>() {
    const T* grad = dy.as<T>();
    for_each_tap(g, [&](std::int64_t n, std::int64_t o, std::int64_t i, std::int64_t) {
      const std::int64_t out_base = (n * g.out_spatial() + o) * c;
      const std::int64_t in_base = (n * g.in_spatial() + i) * c;
      const double inv = 1.0 / static_cast<double>(counts[o]);
      for (std::int64_t ch = 0; ch < c; ++ch) acc[in_base + ch] += grad[out_base + ch] * inv;
    });
    T* dx = call.output.as<T>();
    for (std::int64_t i = 0; i < call.output.numel; ++i) dx[i] = static_cast<T>(acc[i]);
  });
}

void pad(const KernelCall& call) {
  const Buffer& x = call.inputs[0];
  const Shape& in = x.shape;
  const Shape& out = call.output.shape;
  const std::size_t rank = in.size();
  const std::size_t size = dtype_size(x.dtype);
  char* y = static_cast<char*>(call.output.data);
  const char* src = static_cast<const char*>(x.data);
  std::fill(y, y + call.output.numel * static_cast<std::int64_t>(size), char(0));
  if (x.numel == 0) return;
  if (rank == 0) {
    std::copy(src, src + size, y);
    return;
  }
  // Copy rows of the last axis, walking every other index of the input.
  const std::int64_t row = rank ? in.back() : 1;
  std::vector<std::int64_t> index(rank, 0);
  const std::vector<std::int64_t>& pad_begin = call.attrs_as<ops::PadAttrs>().pad_begin;
  for (std::int64_t r = 0; r < x.numel / row; ++r) {
    std::int64_t offset = 0;
    for (std::size_t d = 0; d < rank; ++d) offset = offset * out[d] + index[d] + pad_begin[d];
    std::copy(src + r * row * static_cast<std::int64_t>(size),
              src + (r + 1) * row * static_cast<std::int64_t>(size),
              y + offset * static_cast<std::int64_t>(size));
    for (std::size_t d = rank - 1; d-- > 0;) {
      if (++index[d] < in[d]) break;
      index[d] = 0;
    }
  }
}

}  // namespace keras::kernels::reference
