// Keras's _Conv and its layers: Conv1D/2D/3D, SeparableConv1D/2D, DepthwiseConv2D,
// Conv2DTranspose and Conv3DTranspose, each reading and writing its config through its schema
// (convolutional.h). The convolution runs channels_last; channels_first inputs are transposed
// around it. Bias and activation are applied before transposing back, so the cpu compiler fuses
// them into the conv.
#include <algorithm>
#include <stdexcept>

#include "keras/backend/conv_transpose.h"
#include "keras/initializers.h"
#include "keras/layers/convolutional.h"
#include "layers/convolutional/conv_util.h"
#include "layers/schema_config.h"

namespace keras::layers {

namespace {

using detail::normalize_tuple;

ConvOptions with(ConvOptions o, std::int64_t filters, Ints kernel_size) {
  o.filters = filters;
  o.kernel_size = std::move(kernel_size);
  return o;
}

// The options as a layer's schema type (the same fields).
template <typename Schema>
Schema as_schema(const ConvOptions& o) {
  Schema s;
  static_cast<ConvOptions&>(s) = o;
  return s;
}

template <typename L, typename Schema>
std::shared_ptr<Layer> conv_from_config(const nlohmann::json& config, const char* class_name) {
  return detail::layer_from_config<L, Schema>(config, class_name);
}

std::string default_data_format(const std::string& given, int rank, ConvKind kind) {
  // Keras's Conv1D defaults to channels_last; its other convolutions to image_data_format().
  if (given.empty() && rank == 1 && kind == ConvKind::plain) return "channels_last";
  return K::normalize_data_format(given);
}

}  // namespace

Conv::Conv(const std::string& class_name, int rank, ConvKind kind, ConvOptions o)
    : Layer(class_name, layer_arguments(o)),
      class_name_(class_name),
      rank_(rank),
      kind_(kind),
      options_(std::move(o)),
      activation_fn_(options_.activation.resolve()) {
  ConvOptions& c = options_;
  if (kind != ConvKind::depthwise && c.filters <= 0)
    throw std::invalid_argument(class_name + " needs a positive `filters`" +
                                (rank < 3 ? " (Keras 1: `nb_filter`)" : "") + ", got " +
                                std::to_string(c.filters));
  if (c.kernel_size.empty())
    throw std::invalid_argument(class_name + " needs a `kernel_size`" +
                                (rank == 1   ? std::string(" (Keras 1: `filter_length`)")
                                 : rank == 2 ? std::string(" (Keras 1: `nb_row`, `nb_col`)")
                                             : std::string()));
  c.kernel_size = normalize_tuple(c.kernel_size, rank, 1, class_name, "kernel_size");
  c.strides = normalize_tuple(c.strides, rank, 1, class_name, "strides");
  c.dilation_rate = normalize_tuple(c.dilation_rate, rank, 1, class_name, "dilation_rate");
  c.padding =
      detail::normalize_padding(c.padding, class_name, rank == 1 && kind == ConvKind::plain);
  c.data_format = default_data_format(c.data_format, rank, kind);
  if (c.padding == "causal" && c.data_format != "channels_last")
    throw std::invalid_argument(
        "When using causal padding in `Conv1D`, `data_format` must be \"channels_last\" "
        "(temporal data).");
  if (c.depth_multiplier < 1)
    throw std::invalid_argument(class_name + ": `depth_multiplier` must be positive, got " +
                                std::to_string(c.depth_multiplier));
  if (kind == ConvKind::depthwise) c.filters = 0;  // in * depth_multiplier, known at build
  for (const std::string* init : {&c.kernel_initializer, &c.depthwise_initializer,
                                  &c.pointwise_initializer, &c.bias_initializer})
    initializers::get(*init);  // an unknown name fails here, not at build time
  if (kind == ConvKind::transpose) {
    // Keras 2.2.4 dilates Conv2DTranspose's kernel (TensorFlow's atrous_conv2d_transpose, which
    // has no strides); Conv3DTranspose takes no dilation.
    for (std::size_t i = 0; i < c.dilation_rate.size(); ++i)
      if (c.dilation_rate[i] != 1 && (rank != 2 || c.strides[i] != 1))
        throw std::invalid_argument(
            class_name + ": " +
            (rank != 2 ? std::string("takes no dilation_rate other than 1")
                       : "a dilation_rate other than 1 needs strides of 1, got strides " +
                             shape_to_string(Shape(c.strides.begin(), c.strides.end()))));
    if (c.output_padding) {
      c.output_padding = normalize_tuple(*c.output_padding, rank, 0, class_name, "output_padding");
      for (std::size_t i = 0; i < c.output_padding->size(); ++i)
        if ((*c.output_padding)[i] >= c.strides[i])
          throw std::invalid_argument(
              class_name + ": Stride " +
              shape_to_string(Shape(c.strides.begin(), c.strides.end())) +
              " must be greater than output padding " +
              shape_to_string(Shape(c.output_padding->begin(), c.output_padding->end())));
    }
  } else if (c.output_padding || c.output_shape) {
    throw std::invalid_argument(class_name +
                                ": output_padding and output_shape belong to transposed "
                                "convolutions");
  }
}

std::int64_t Conv::channel_axis(std::size_t rank) const {
  return options_.data_format == "channels_first" ? 1 : static_cast<std::int64_t>(rank) - 1;
}

std::int64_t Conv::out_channels(std::int64_t in_channels) const {
  if (kind_ != ConvKind::depthwise) return options_.filters;
  return in_channels < 0 ? -1 : in_channels * options_.depth_multiplier;
}

void Conv::build(const Shape& input_shape) {
  if (static_cast<int>(input_shape.size()) != rank_ + 2)
    incompatible_input(input_shape, "expected ndim=" + std::to_string(rank_ + 2) +
                                        ", found ndim=" + std::to_string(input_shape.size()));
  std::int64_t channels = input_shape[static_cast<std::size_t>(channel_axis(input_shape.size()))];
  if (channels < 0)
    throw std::invalid_argument(name() +
                                ": the channel dimension of the inputs should be defined. Found "
                                "`None`.");
  compute_output_shape(input_shape);  // a kernel larger than the input fails here
  build_kernels(channels);
}

void Conv::build_kernels(std::int64_t in_channels) {
  const ConvOptions& c = options_;
  Shape k(c.kernel_size.begin(), c.kernel_size.end());
  auto weight = [&](const char* name, Shape shape, const std::string& init,
                    const regularizers::Regularizer& regularizer,
                    const constraints::Constraint& constraint) {
    return add_weight(name, std::move(shape), initializers::get(init), true, regularizer.function(),
                      constraint.function());
  };
  auto with_channels = [&](std::int64_t a, std::int64_t b) {
    Shape s = k;
    s.push_back(a);
    s.push_back(b);
    return s;
  };
  switch (kind_) {
    case ConvKind::plain:
      kernel_ = weight("kernel", with_channels(in_channels, c.filters), c.kernel_initializer,
                       c.kernel_regularizer, c.kernel_constraint);
      break;
    case ConvKind::transpose:
      kernel_ = weight("kernel", with_channels(c.filters, in_channels), c.kernel_initializer,
                       c.kernel_regularizer, c.kernel_constraint);
      break;
    case ConvKind::separable:
    case ConvKind::depthwise:
      kernel_ = weight("depthwise_kernel", with_channels(in_channels, c.depth_multiplier),
                       c.depthwise_initializer, c.depthwise_regularizer, c.depthwise_constraint);
      if (kind_ == ConvKind::separable) {
        Shape pointwise(static_cast<std::size_t>(rank_), 1);
        pointwise.push_back(in_channels * c.depth_multiplier);
        pointwise.push_back(c.filters);
        pointwise_kernel_ = weight("pointwise_kernel", pointwise, c.pointwise_initializer,
                                   c.pointwise_regularizer, c.pointwise_constraint);
      }
      break;
  }
  if (c.use_bias)
    bias_ = weight("bias", {out_channels(in_channels)}, c.bias_initializer, c.bias_regularizer,
                   c.bias_constraint);
}

SymbolicTensor Conv::convolve(const SymbolicTensor& x) {
  const ConvOptions& c = options_;
  switch (kind_) {
    case ConvKind::plain:
      return K::conv(x, kernel_, c.strides, c.padding, c.dilation_rate);
    case ConvKind::separable:
    case ConvKind::depthwise: {
      // (k..., in, multiplier) is (k..., 1, in * multiplier) grouped by input channel.
      Shape k = kernel_.shape();
      const std::int64_t in = k[k.size() - 2];
      k[k.size() - 2] = 1;
      k.back() *= in;
      SymbolicTensor y =
          K::conv(x, K::reshape(kernel_, k), c.strides, c.padding, c.dilation_rate, in);
      if (kind_ == ConvKind::depthwise) return y;
      return K::conv(y, pointwise_kernel_, Ints(static_cast<std::size_t>(rank_), 1), "valid");
    }
    case ConvKind::transpose: {
      Shape spatial(x.shape().begin() + 1, x.shape().end() - 1);
      Shape out = spatial_output(spatial);
      for (auto d : out)
        if (d < 0)
          throw std::invalid_argument(name() + ": needs known spatial input dimensions, got " +
                                      shape_to_string(x.shape()));
      out.insert(out.begin(), x.shape()[0]);
      out.push_back(c.filters);
      return K::conv_transpose(x, kernel_, out, c.strides, c.padding, "channels_last",
                               c.dilation_rate);
    }
  }
  throw std::logic_error("Conv::convolve: unknown kind");
}

SymbolicTensor Conv::call(const SymbolicTensor& inputs) {
  if (inputs.ndim() != rank_ + 2)
    incompatible_input(inputs.shape(), "expected ndim=" + std::to_string(rank_ + 2) +
                                           ", found ndim=" + std::to_string(inputs.ndim()));
  const bool first = options_.data_format == "channels_first";
  SymbolicTensor x = first ? K::to_channels_last(inputs) : inputs;
  SymbolicTensor y = convolve(x);
  if (options_.use_bias) y = K::bias_add(y, bias_, "channels_last");
  y = activation_fn_(y);
  if (first) y = K::to_channels_first(y);
  if (options_.activity_regularizer) add_loss(options_.activity_regularizer(y));
  return y;
}

// Keras's conv_output_length, or for transposed convolutions its deconv_length (or Keras 1's
// output_shape).
Shape Conv::spatial_output(const Shape& spatial) const {
  const ConvOptions& c = options_;
  Shape out;
  for (int i = 0; i < rank_; ++i) {
    const auto u = static_cast<std::size_t>(i);
    const std::int64_t in = spatial[u], k = c.kernel_size[u], s = c.strides[u];
    const std::int64_t dilated = k + (k - 1) * (c.dilation_rate[u] - 1);  // deconv_length's
    if (kind_ != ConvKind::transpose) {
      out.push_back(detail::conv_output_length(in, k, c.padding, s, c.dilation_rate[u]));
    } else if (c.output_shape) {
      out.push_back(detail::keras1_deconv_length(*this, in, k, s, i));
    } else if (in < 0) {
      out.push_back(-1);
    } else if (!c.output_padding) {
      out.push_back(c.padding == "valid" ? in * s + std::max<std::int64_t>(dilated - s, 0)
                                         : in * s);
    } else {
      const std::int64_t pad = c.padding == "same" ? dilated / 2 : 0;
      out.push_back((in - 1) * s + dilated - 2 * pad + (*c.output_padding)[u]);
    }
  }
  return out;
}

void Conv::check_fits(const Shape& input_shape) const {
  const ConvOptions& c = options_;
  throw std::invalid_argument(
      name() + ": the kernel " +
      shape_to_string(Shape(c.kernel_size.begin(), c.kernel_size.end())) + " (dilation " +
      shape_to_string(Shape(c.dilation_rate.begin(), c.dilation_rate.end())) +
      ") is larger than the input " + shape_to_string(input_shape) + " with padding '" + c.padding +
      "': the output would be empty. Use a smaller kernel or padding='same'.");
}

Shape Conv::compute_output_shape(const Shape& input_shape) const {
  if (static_cast<int>(input_shape.size()) != rank_ + 2)
    incompatible_input(input_shape, "expected ndim=" + std::to_string(rank_ + 2) +
                                        ", found ndim=" + std::to_string(input_shape.size()));
  const bool first = options_.data_format == "channels_first";
  Shape spatial(input_shape.begin() + (first ? 2 : 1), input_shape.end() - (first ? 0 : 1));
  Shape out_spatial = spatial_output(spatial);
  for (auto d : out_spatial)
    if (d == 0 || d < -1) check_fits(input_shape);
  const std::int64_t channels =
      out_channels(input_shape[static_cast<std::size_t>(channel_axis(input_shape.size()))]);
  Shape out{input_shape[0]};
  if (first) out.push_back(channels);
  out.insert(out.end(), out_spatial.begin(), out_spatial.end());
  if (!first) out.push_back(channels);
  return out;
}

nlohmann::json Conv::get_config() const {
  nlohmann::json config = Layer::get_config();
  switch (kind_) {
    case ConvKind::plain:
      return rank_ == 1 ? detail::config_with_arguments(config, as_schema<ConvSchema<1>>(options_))
             : rank_ == 2
                 ? detail::config_with_arguments(config, as_schema<ConvSchema<2>>(options_))
                 : detail::config_with_arguments(config, as_schema<ConvSchema<3>>(options_));
    case ConvKind::separable:
      return rank_ == 1 ? detail::config_with_arguments(config,
                                                        as_schema<SeparableConvSchema<1>>(options_))
                        : detail::config_with_arguments(
                              config, as_schema<SeparableConvSchema<2>>(options_));
    case ConvKind::depthwise:
      return detail::config_with_arguments(config, as_schema<DepthwiseConv2DSchema>(options_));
    case ConvKind::transpose:
      return rank_ == 2 ? detail::config_with_arguments(config,
                                                        as_schema<ConvTransposeSchema<2>>(options_))
                        : detail::config_with_arguments(
                              config, as_schema<ConvTransposeSchema<3>>(options_));
  }
  return config;
}

// ---- the layer classes -------------------------------------------------------------------------

Conv1D::Conv1D(ConvOptions options) : Conv("Conv1D", 1, ConvKind::plain, std::move(options)) {}
Conv1D::Conv1D(std::int64_t filters, std::int64_t kernel_size, ConvOptions options)
    : Conv1D(with(std::move(options), filters, {kernel_size})) {}
std::shared_ptr<Layer> Conv1D::from_config(const nlohmann::json& config) {
  return conv_from_config<Conv1D, ConvSchema<1>>(config, "Conv1D");
}

Conv2D::Conv2D(ConvOptions options) : Conv("Conv2D", 2, ConvKind::plain, std::move(options)) {}
Conv2D::Conv2D(std::int64_t filters, Ints kernel_size, ConvOptions options)
    : Conv2D(with(std::move(options), filters, std::move(kernel_size))) {}
Conv2D::Conv2D(std::int64_t nb_filter, std::int64_t nb_row, std::int64_t nb_col,
               ConvOptions options)
    : Conv2D(with(std::move(options), nb_filter, {nb_row, nb_col})) {}
std::shared_ptr<Layer> Conv2D::from_config(const nlohmann::json& config) {
  return conv_from_config<Conv2D, ConvSchema<2>>(config, "Conv2D");
}

Conv3D::Conv3D(ConvOptions options) : Conv("Conv3D", 3, ConvKind::plain, std::move(options)) {}
Conv3D::Conv3D(std::int64_t filters, Ints kernel_size, ConvOptions options)
    : Conv3D(with(std::move(options), filters, std::move(kernel_size))) {}
std::shared_ptr<Layer> Conv3D::from_config(const nlohmann::json& config) {
  return conv_from_config<Conv3D, ConvSchema<3>>(config, "Conv3D");
}

Conv1D AtrousConvolution1D(std::int64_t nb_filter, std::int64_t filter_length,
                           ConvOptions options) {
  return Conv1D(nb_filter, filter_length, std::move(options));
}
Conv2D AtrousConvolution2D(std::int64_t nb_filter, std::int64_t nb_row, std::int64_t nb_col,
                           ConvOptions options) {
  return Conv2D(nb_filter, nb_row, nb_col, std::move(options));
}

SeparableConv1D::SeparableConv1D(ConvOptions options)
    : Conv("SeparableConv1D", 1, ConvKind::separable, std::move(options)) {}
SeparableConv1D::SeparableConv1D(std::int64_t filters, std::int64_t kernel_size,
                                 ConvOptions options)
    : SeparableConv1D(with(std::move(options), filters, {kernel_size})) {}
std::shared_ptr<Layer> SeparableConv1D::from_config(const nlohmann::json& config) {
  return conv_from_config<SeparableConv1D, SeparableConvSchema<1>>(config, "SeparableConv1D");
}

SeparableConv2D::SeparableConv2D(ConvOptions options)
    : Conv("SeparableConv2D", 2, ConvKind::separable, std::move(options)) {}
SeparableConv2D::SeparableConv2D(std::int64_t filters, Ints kernel_size, ConvOptions options)
    : SeparableConv2D(with(std::move(options), filters, std::move(kernel_size))) {}
std::shared_ptr<Layer> SeparableConv2D::from_config(const nlohmann::json& config) {
  return conv_from_config<SeparableConv2D, SeparableConvSchema<2>>(config, "SeparableConv2D");
}

DepthwiseConv2D::DepthwiseConv2D(ConvOptions options)
    : Conv("DepthwiseConv2D", 2, ConvKind::depthwise, std::move(options)) {}
DepthwiseConv2D::DepthwiseConv2D(Ints kernel_size, ConvOptions options)
    : DepthwiseConv2D(with(std::move(options), 0, std::move(kernel_size))) {}
std::shared_ptr<Layer> DepthwiseConv2D::from_config(const nlohmann::json& config) {
  return conv_from_config<DepthwiseConv2D, DepthwiseConv2DSchema>(config, "DepthwiseConv2D");
}

Conv3DTranspose::Conv3DTranspose(ConvOptions options)
    : Conv("Conv3DTranspose", 3, ConvKind::transpose, std::move(options)) {}
Conv3DTranspose::Conv3DTranspose(std::int64_t filters, Ints kernel_size, ConvOptions options)
    : Conv3DTranspose(with(std::move(options), filters, std::move(kernel_size))) {}
std::shared_ptr<Layer> Conv3DTranspose::from_config(const nlohmann::json& config) {
  return conv_from_config<Conv3DTranspose, ConvTransposeSchema<3>>(config, "Conv3DTranspose");
}

}  // namespace keras::layers
