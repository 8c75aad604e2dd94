// Convolution and pooling geometry shared by shape inference, the gradient rules and the kernels.
// Tensors are channels_last: (batch, spatial..., channels) with 1 to 3 spatial dimensions; conv
// kernels are (spatial..., in_channels / groups, out_channels), Keras's layout.
#pragma once

#include <array>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

#include "keras/backend/graph.h"
#include "ops/conv.h"
#include "ops/pool.h"

namespace keras::backend::detail {

// The output length of one spatial dimension: -1 when the input is unknown, < 1 when the
// (dilated) window does not fit the padded input.
inline std::int64_t window_output_dim(std::int64_t in, std::int64_t k, std::int64_t stride,
                                      std::int64_t dilation, std::int64_t pad_begin,
                                      std::int64_t pad_end) {
  if (in < 0) return -1;
  std::int64_t extent = dilation * (k - 1) + 1;
  std::int64_t room = in + pad_begin + pad_end - extent;
  if (room < 0) return 0;
  return room / stride + 1;
}

// Keras's padding modes as explicit padding for one dimension (TensorFlow's arithmetic): "valid"
// pads nothing, "same" pads so the output has ceil(in / stride) elements (the odd one at the
// end), "causal" pads dilation * (k - 1) at the start only.
inline std::pair<std::int64_t, std::int64_t> padding_for(const std::string& padding,
                                                         std::int64_t in, std::int64_t k,
                                                         std::int64_t stride,
                                                         std::int64_t dilation) {
  std::int64_t extent = dilation * (k - 1) + 1;
  if (padding == "valid") return {0, 0};
  if (padding == "causal") return {extent - 1, 0};
  if (padding == "same") {
    // With stride 1 the padding does not depend on the input's length (an unknown time axis:
    // Conv3D over ConvLSTM2D's sequences in Keras's conv_lstm example).
    if (in < 0 && stride == 1) return {(extent - 1) / 2, extent - 1 - (extent - 1) / 2};
    if (in < 0)
      throw std::invalid_argument(
          "padding 'same' with strides > 1 needs known spatial dimensions (the input has an "
          "unknown one)");
    std::int64_t out = (in + stride - 1) / stride;
    std::int64_t total = std::max<std::int64_t>((out - 1) * stride + extent - in, 0);
    return {total / 2, total - total / 2};
  }
  throw std::invalid_argument("Invalid padding mode '" + padding +
                              "'. Valid modes are: valid, same, causal (1D convolutions only).");
}

// Everything a convolution or pooling kernel loops over, spatial dims padded to 3 at the front.
struct WindowGeometry {
  int rank = 0;  // spatial dimensions of the op
  std::int64_t batch = 0, in_channels = 0, out_channels = 0, groups = 1;
  std::array<std::int64_t, 3> in{1, 1, 1}, out{1, 1, 1}, k{1, 1, 1}, stride{1, 1, 1},
      dilation{1, 1, 1}, pad_begin{0, 0, 0}, pad_end{0, 0, 0};

  std::int64_t in_spatial() const { return in[0] * in[1] * in[2]; }
  std::int64_t out_spatial() const { return out[0] * out[1] * out[2]; }
  std::int64_t k_spatial() const { return k[0] * k[1] * k[2]; }
};

// x: the op's input (batch, spatial..., c), y: its output, kernel: the conv kernel (spatial...,
// in / groups, out); dilation nullptr for pooling.
inline WindowGeometry window_geometry(const Shape& x, const std::vector<std::int64_t>& kernel,
                                      const Shape& y, const std::vector<std::int64_t>& strides,
                                      const std::vector<std::int64_t>* dilation,
                                      const std::vector<std::int64_t>& pad_begin,
                                      const std::vector<std::int64_t>& pad_end,
                                      std::int64_t groups) {
  WindowGeometry g;
  g.rank = static_cast<int>(x.size()) - 2;
  const int off = 3 - g.rank;
  g.batch = x[0];
  g.in_channels = x.back();
  g.out_channels = y.back();
  g.groups = groups;
  for (int i = 0; i < g.rank; ++i) {
    const auto u = static_cast<std::size_t>(i);
    const auto j = static_cast<std::size_t>(off + i);
    g.in[j] = x[u + 1];
    g.out[j] = y[u + 1];
    g.k[j] = kernel[u];
    g.stride[j] = strides[u];
    if (dilation) g.dilation[j] = (*dilation)[u];
    g.pad_begin[j] = pad_begin[u];
    g.pad_end[j] = pad_end[u];
  }
  return g;
}

// A convolution: x its input, y its output (the forward direction's shapes).
inline WindowGeometry window_geometry(const Shape& x, const Shape& kernel, const Shape& y,
                                      const ops::ConvAttrs& a) {
  return window_geometry(x, kernel, y, a.strides, &a.dilation, a.pad_begin, a.pad_end, a.groups);
}

// A pooling: x its input, y its output (the forward direction's shapes).
inline WindowGeometry window_geometry(const Shape& x, const Shape& y, const ops::PoolAttrs& a) {
  return window_geometry(x, a.window, y, a.strides, nullptr, a.pad_begin, a.pad_end, 1);
}

}  // namespace keras::backend::detail
