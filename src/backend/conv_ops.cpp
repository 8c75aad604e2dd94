// The convolution and pooling ops of keras::backend (K.conv2d, K.pool2d, ...): padding modes
// become explicit padding, data formats become transposes around channels_last ops.
#include <functional>
#include <stdexcept>
#include <string>
#include <utility>

#include "backend/conv_geometry.h"
#include "backend/traced.h"
#include "keras/backend/backend.h"
#include "keras/backend/conv_transpose.h"
#include "ops/shape.h"

namespace keras::backend {

namespace {

int spatial_rank(const char* fn, const SymbolicTensor& x, int expected) {
  if (x.ndim() != expected + 2)
    throw std::invalid_argument(std::string("K::") + fn + " expects a tensor of rank " +
                                std::to_string(expected + 2) + ", got shape " +
                                shape_to_string(x.shape()));
  return expected;
}

void check_count(const char* fn, const char* what, const Ints& values, int rank) {
  if (static_cast<int>(values.size()) != rank)
    throw std::invalid_argument(std::string("K::") + fn + ": `" + what + "` needs " +
                                std::to_string(rank) + " values, got " +
                                std::to_string(values.size()));
  for (auto v : values)
    if (v < 1)
      throw std::invalid_argument(std::string("K::") + fn + ": `" + what +
                                  "` must be positive, got " + std::to_string(v));
}

bool channels_first(const std::string& data_format) {
  return normalize_data_format(data_format) == "channels_first";
}

// Explicit padding of a window op (ops::ConvAttrs or ops::PoolAttrs) over x's spatial dims.
template <typename WindowAttrs>
void set_padding(WindowAttrs& attrs, const SymbolicTensor& x, const Ints& k, const Ints& dilation,
                 const std::string& padding) {
  for (std::size_t i = 0; i < k.size(); ++i) {
    auto [b, e] = detail::padding_for(padding, x.shape()[i + 1], k[i], attrs.strides[i],
                                      dilation.empty() ? 1 : dilation[i]);
    attrs.pad_begin.push_back(b);
    attrs.pad_end.push_back(e);
  }
}

// 'same' padding with a stride > 1 over an axis of unknown size: the padding depends on the size,
// so the window op is traced for each concrete size (K::traced: built and planned once per size,
// its gradient another traced graph), as TensorFlow pads by the run-time size.
bool same_padding_needs_the_size(const SymbolicTensor& x, const Ints& strides,
                                 const std::string& padding) {
  if (padding != "same") return false;
  for (std::size_t i = 0; i < strides.size(); ++i)
    if (strides[i] > 1 && x.shape()[i + 1] < 0) return true;
  return false;
}

// The output shape of a 'same' window op: ceil(size / stride) per spatial axis (unknown stays
// unknown), `channels` last.
Shape same_padding_output(const Shape& x, const Ints& strides, std::int64_t channels) {
  Shape y = x;
  for (std::size_t i = 0; i < strides.size(); ++i)
    if (x[i + 1] >= 0) y[i + 1] = (x[i + 1] + strides[i] - 1) / strides[i];
  y.back() = channels;
  return y;
}

SymbolicTensor traced_window_op(
    const char* name, const std::vector<SymbolicTensor>& inputs,
    std::function<SymbolicTensor(const std::vector<SymbolicTensor>&)> build, const Ints& strides,
    bool channels_from_kernel) {
  auto graph = std::make_shared<TracedGraph>();
  graph->name = std::string(name) + " (padding 'same', strides > 1, an axis of unknown size)";
  graph->build = std::move(build);
  graph->output_shape = [strides, channels_from_kernel](const std::vector<Shape>& shapes) {
    const Shape& x = shapes.front();
    return same_padding_output(x, strides, channels_from_kernel ? shapes[1].back() : x.back());
  };
  return traced(std::move(graph), inputs);
}

}  // namespace

// image_data_format() and set_image_data_format() live with the other keras.json settings
// (config.cpp).

std::string normalize_data_format(const std::string& value) {
  if (value.empty()) return image_data_format();
  if (value == "channels_last" || value == "tf") return "channels_last";
  if (value == "channels_first" || value == "th") return "channels_first";
  throw std::invalid_argument(
      "The `data_format` argument must be one of \"channels_first\", \"channels_last\" (Keras 1 "
      "`dim_ordering`: \"th\", \"tf\"). Received: " +
      value);
}

SymbolicTensor to_channels_last(const SymbolicTensor& x) {
  std::vector<int> perm{0};
  for (int i = 2; i < x.ndim(); ++i) perm.push_back(i);
  perm.push_back(1);
  return permute_dimensions(x, perm);
}

SymbolicTensor to_channels_first(const SymbolicTensor& x) {
  std::vector<int> perm{0, x.ndim() - 1};
  for (int i = 1; i < x.ndim() - 1; ++i) perm.push_back(i);
  return permute_dimensions(x, perm);
}

SymbolicTensor conv(const SymbolicTensor& x, const SymbolicTensor& kernel, Ints strides,
                    const std::string& padding, Ints dilation, std::int64_t groups) {
  const int rank = x.ndim() - 2;
  if (rank < 1 || rank > 3)
    throw std::invalid_argument("K::conv expects a tensor of rank 3 to 5, got shape " +
                                shape_to_string(x.shape()));
  if (kernel.ndim() != x.ndim())
    throw std::invalid_argument("K::conv: the kernel " + shape_to_string(kernel.shape()) +
                                " needs rank " + std::to_string(x.ndim()) + " for the input " +
                                shape_to_string(x.shape()));
  if (dilation.empty()) dilation.assign(static_cast<std::size_t>(rank), 1);
  check_count("conv", "strides", strides, rank);
  check_count("conv", "dilation_rate", dilation, rank);
  if (padding == "causal" && rank != 1)
    throw std::invalid_argument("K::conv: padding 'causal' is for 1D convolutions only");
  if (same_padding_needs_the_size(x, strides, padding))
    return traced_window_op(
        "conv", {x, kernel},
        [=](const std::vector<SymbolicTensor>& in) {
          return conv(in[0], in[1], strides, padding, dilation, groups);
        },
        strides, true);
  ops::ConvAttrs attrs;
  attrs.strides = strides;
  attrs.dilation = dilation;
  attrs.groups = groups;
  Ints k(kernel.shape().begin(), kernel.shape().end() - 2);
  set_padding(attrs, x, k, dilation, padding);
  return make_node(OpKind::kConv, {x, kernel}, attrs);
}

SymbolicTensor conv1d(const SymbolicTensor& x, const SymbolicTensor& kernel, std::int64_t strides,
                      const std::string& padding, const std::string& data_format,
                      std::int64_t dilation_rate) {
  spatial_rank("conv1d", x, 1);
  if (channels_first(data_format))
    return to_channels_first(
        conv(to_channels_last(x), kernel, {strides}, padding, {dilation_rate}));
  return conv(x, kernel, {strides}, padding, {dilation_rate});
}

SymbolicTensor conv2d(const SymbolicTensor& x, const SymbolicTensor& kernel, Ints strides,
                      const std::string& padding, const std::string& data_format,
                      Ints dilation_rate) {
  spatial_rank("conv2d", x, 2);
  if (channels_first(data_format))
    return to_channels_first(conv(to_channels_last(x), kernel, strides, padding, dilation_rate));
  return conv(x, kernel, strides, padding, dilation_rate);
}

SymbolicTensor conv3d(const SymbolicTensor& x, const SymbolicTensor& kernel, Ints strides,
                      const std::string& padding, const std::string& data_format,
                      Ints dilation_rate) {
  spatial_rank("conv3d", x, 3);
  if (channels_first(data_format))
    return to_channels_first(conv(to_channels_last(x), kernel, strides, padding, dilation_rate));
  return conv(x, kernel, strides, padding, dilation_rate);
}

// The gradient of an n-d (dilated) convolution with respect to its input.
SymbolicTensor conv_transpose(const SymbolicTensor& x, const SymbolicTensor& kernel,
                              Shape output_shape, Ints strides, const std::string& padding,
                              const std::string& data_format, Ints dilation_rate) {
  const char* what = kernel.ndim() == 5   ? "conv3d_transpose"
                     : kernel.ndim() == 4 ? "conv2d_transpose"
                                          : "conv_transpose";
  if (kernel.ndim() < 3)
    throw std::invalid_argument(std::string("K::") + what +
                                ": the kernel must be (spatial..., filters, in_channels), got " +
                                shape_to_string(kernel.shape()));
  const auto n = static_cast<std::size_t>(kernel.ndim() - 2);
  spatial_rank(what, x, static_cast<int>(n));
  check_count(what, "strides", strides, static_cast<int>(n));
  if (dilation_rate.empty()) dilation_rate.assign(n, 1);
  check_count(what, "dilation_rate", dilation_rate, static_cast<int>(n));
  const bool first = channels_first(data_format);
  SymbolicTensor input = first ? to_channels_last(x) : x;
  if (output_shape.size() != n + 2)
    throw std::invalid_argument(std::string("K::") + what + ": output_shape needs " +
                                std::to_string(n + 2) + " dimensions, got " +
                                shape_to_string(output_shape));
  if (first) {  // (batch, channels, spatial...) -> (batch, spatial..., channels)
    const std::int64_t channels = output_shape[1];
    output_shape.erase(output_shape.begin() + 1);
    output_shape.push_back(channels);
  }
  ops::ConvAttrs attrs;
  attrs.strides = strides;
  attrs.dilation = dilation_rate;
  attrs.shape = output_shape;
  for (std::size_t i = 0; i < n; ++i) {
    const std::int64_t extent = dilation_rate[i] * (kernel.shape()[i] - 1) + 1;
    const std::int64_t in = input.shape()[i + 1], out = output_shape[i + 1];
    std::int64_t total = 0;
    if (padding == "same")
      total = std::max<std::int64_t>((in - 1) * strides[i] + extent - out, 0);
    else if (padding != "valid")
      throw std::invalid_argument(std::string("K::") + what +
                                  ": padding must be 'valid' or 'same', got '" + padding + "'");
    attrs.pad_begin.push_back(total / 2);
    attrs.pad_end.push_back(total - total / 2);
  }
  SymbolicTensor y = make_node(OpKind::kConvGradInput, {input, kernel}, attrs);
  return first ? to_channels_first(y) : y;
}

namespace {
void check_kernel_rank(const char* what, const SymbolicTensor& kernel, int rank) {
  if (kernel.ndim() != rank)
    throw std::invalid_argument(std::string("K::") + what + ": the kernel must be " +
                                std::to_string(rank) + "D, got " + shape_to_string(kernel.shape()));
}
}  // namespace

SymbolicTensor conv2d_transpose(const SymbolicTensor& x, const SymbolicTensor& kernel,
                                Shape output_shape, Ints strides, const std::string& padding,
                                const std::string& data_format) {
  check_kernel_rank("conv2d_transpose", kernel, 4);
  return conv_transpose(x, kernel, std::move(output_shape), std::move(strides), padding,
                        data_format, {});
}

SymbolicTensor conv3d_transpose(const SymbolicTensor& x, const SymbolicTensor& kernel,
                                Shape output_shape, Ints strides, const std::string& padding,
                                const std::string& data_format) {
  check_kernel_rank("conv3d_transpose", kernel, 5);
  return conv_transpose(x, kernel, std::move(output_shape), std::move(strides), padding,
                        data_format, {});
}

SymbolicTensor depthwise_conv2d(const SymbolicTensor& x, const SymbolicTensor& depthwise_kernel,
                                Ints strides, const std::string& padding,
                                const std::string& data_format, Ints dilation_rate) {
  spatial_rank("depthwise_conv2d", x, 2);
  const Shape& k = depthwise_kernel.shape();
  if (k.size() != 4)
    throw std::invalid_argument("K::depthwise_conv2d: the kernel must be 4D, got " +
                                shape_to_string(k));
  const bool first = channels_first(data_format);
  SymbolicTensor input = first ? to_channels_last(x) : x;
  // (kh, kw, in, multiplier) is (kh, kw, 1, in * multiplier) grouped by input channel.
  SymbolicTensor grouped = reshape(depthwise_kernel, {k[0], k[1], 1, k[2] * k[3]});
  SymbolicTensor y = conv(input, grouped, strides, padding, dilation_rate, k[2]);
  return first ? to_channels_first(y) : y;
}

SymbolicTensor separable_conv2d(const SymbolicTensor& x, const SymbolicTensor& depthwise_kernel,
                                const SymbolicTensor& pointwise_kernel, Ints strides,
                                const std::string& padding, const std::string& data_format,
                                Ints dilation_rate) {
  const bool first = channels_first(data_format);
  SymbolicTensor input = first ? to_channels_last(x) : x;
  SymbolicTensor y =
      depthwise_conv2d(input, depthwise_kernel, strides, padding, "channels_last", dilation_rate);
  y = conv(y, pointwise_kernel, {1, 1}, "valid", {1, 1});
  return first ? to_channels_first(y) : y;
}

SymbolicTensor pool(const SymbolicTensor& x, Ints pool_size, Ints strides,
                    const std::string& padding, const std::string& pool_mode) {
  const int rank = x.ndim() - 2;
  if (rank < 1 || rank > 3)
    throw std::invalid_argument("K::pool expects a tensor of rank 3 to 5, got shape " +
                                shape_to_string(x.shape()));
  check_count("pool", "pool_size", pool_size, rank);
  check_count("pool", "strides", strides, rank);
  if (padding != "valid" && padding != "same")
    throw std::invalid_argument("Invalid padding mode '" + padding +
                                "' for pooling. Valid modes are: valid, same.");
  OpKind op;
  if (pool_mode == "max")
    op = OpKind::kMaxPool;
  else if (pool_mode == "avg")
    op = OpKind::kAvgPool;
  else
    throw std::invalid_argument("Invalid pooling mode: " + pool_mode + " (valid: max, avg)");
  if (same_padding_needs_the_size(x, strides, padding))
    return traced_window_op(
        "pool", {x},
        [=](const std::vector<SymbolicTensor>& in) {
          return pool(in[0], pool_size, strides, padding, pool_mode);
        },
        strides, false);
  ops::PoolAttrs attrs;
  attrs.window = pool_size;
  attrs.strides = strides;
  set_padding(attrs, x, pool_size, {}, padding);
  return make_node(op, {x}, attrs);
}

SymbolicTensor pool2d(const SymbolicTensor& x, Ints pool_size, Ints strides,
                      const std::string& padding, const std::string& data_format,
                      const std::string& pool_mode) {
  spatial_rank("pool2d", x, 2);
  if (channels_first(data_format))
    return to_channels_first(pool(to_channels_last(x), pool_size, strides, padding, pool_mode));
  return pool(x, pool_size, strides, padding, pool_mode);
}

SymbolicTensor pool3d(const SymbolicTensor& x, Ints pool_size, Ints strides,
                      const std::string& padding, const std::string& data_format,
                      const std::string& pool_mode) {
  spatial_rank("pool3d", x, 3);
  if (channels_first(data_format))
    return to_channels_first(pool(to_channels_last(x), pool_size, strides, padding, pool_mode));
  return pool(x, pool_size, strides, padding, pool_mode);
}

SymbolicTensor pad(const SymbolicTensor& x, Ints pad_begin, Ints pad_end) {
  bool zero = true;
  for (auto p : pad_begin) zero = zero && p == 0;
  for (auto p : pad_end) zero = zero && p == 0;
  ops::PadAttrs attrs;
  attrs.pad_begin = std::move(pad_begin);
  attrs.pad_end = std::move(pad_end);
  SymbolicTensor y = make_node(OpKind::kPad, {x}, attrs);
  return zero ? x : y;
}

SymbolicTensor bias_add(const SymbolicTensor& x, const SymbolicTensor& bias,
                        const std::string& data_format) {
  if (bias.ndim() != 1)
    throw std::invalid_argument("K::bias_add: the bias must be 1D, got " +
                                shape_to_string(bias.shape()));
  if (!channels_first(data_format) || x.ndim() < 3) return x + bias;
  Shape shape{bias.shape()[0]};
  for (int i = 2; i < x.ndim(); ++i) shape.push_back(1);
  return x + reshape(bias, shape);
}

}  // namespace keras::backend
