// LocallyConnected1D/2D: Keras 2.2.4's layers, built from existing backend ops. The patches of the
// input are gathered by one convolution grouped by input channel with a constant 0/1 kernel (each
// output channel copies one (channel, kernel position) entry: prod(kernel_size) multiply-adds per
// output value), then every output position multiplies its patch by its own matrix in one batched
// product:
//   patches (batch, L, F) -> (L, batch, F) . kernel (L, F, filters) -> (L, batch, filters).
// Gradients come from the conv and batched-product rules.
#include <numeric>
#include <stdexcept>

#include "keras/initializers.h"
#include "keras/layers/local.h"
#include "layers/config_json.h"
#include "layers/convolutional/conv_util.h"

namespace keras::layers {

namespace {

using detail::normalize_tuple;
using Ints = std::vector<std::int64_t>;

Ints keras1_kernel(const LocallyConnectedOptions& o, int rank) {
  if (!o.kernel_size.empty()) return o.kernel_size;
  if (rank == 1 && o.filter_length > 0) return {o.filter_length};
  if (rank == 2 && o.nb_row > 0 && o.nb_col > 0) return {o.nb_row, o.nb_col};
  return {};
}

Ints keras1_strides(const LocallyConnectedOptions& o, int rank) {
  if (!o.strides.empty()) return o.strides;
  if (!o.subsample.empty()) return o.subsample;
  if (rank == 1 && o.subsample_length > 0) return {o.subsample_length};
  return {};
}

LocallyConnectedOptions with(LocallyConnectedOptions o, std::int64_t filters, Ints kernel_size) {
  o.filters = filters;
  o.kernel_size = std::move(kernel_size);
  return o;
}

// The constant kernel (k..., 1, channels * P), P = prod(k), of a convolution grouped by input
// channel that copies each patch: output channel c * P + p is the input channel c at kernel
// position p, so the patch comes out flattened (channel, kernel position).
Tensor patch_kernel(const Ints& kernel_size, std::int64_t channels, DType dtype) {
  const std::int64_t positions =
      std::accumulate(kernel_size.begin(), kernel_size.end(), std::int64_t{1},
                      [](std::int64_t a, std::int64_t b) { return a * b; });
  const std::int64_t features = positions * channels;
  Shape shape(kernel_size.begin(), kernel_size.end());
  shape.push_back(1);
  shape.push_back(features);
  Tensor eye(shape, DType::float64);
  double* data = eye.data<double>();
  for (std::int64_t p = 0; p < positions; ++p)
    for (std::int64_t c = 0; c < channels; ++c) data[p * features + c * positions + p] = 1.0;
  return eye.astype(dtype);
}

}  // namespace

LocallyConnected::LocallyConnected(const std::string& class_name, int rank,
                                   LocallyConnectedOptions o)
    : Layer(class_name, layer_arguments(o)),
      class_name_(class_name),
      rank_(rank),
      filters_(o.filters != 0 ? o.filters : o.nb_filter),
      activation_(o.activation),
      activation_fn_(o.activation.resolve()),
      use_bias_(o.bias.value_or(o.use_bias)),
      kernel_initializer_(o.init.empty() ? o.kernel_initializer : o.init),
      bias_initializer_(o.bias_initializer),
      kernel_regularizer_(o.W_regularizer ? o.W_regularizer : o.kernel_regularizer),
      bias_regularizer_(o.b_regularizer ? o.b_regularizer : o.bias_regularizer),
      activity_regularizer_(o.activity_regularizer),
      kernel_constraint_(o.W_constraint ? o.W_constraint : o.kernel_constraint),
      bias_constraint_(o.b_constraint ? o.b_constraint : o.bias_constraint) {
  if (filters_ <= 0)
    throw std::invalid_argument(class_name +
                                " needs a positive `filters` (Keras 1: `nb_filter`), got " +
                                std::to_string(filters_));
  Ints k = keras1_kernel(o, rank);
  if (k.empty())
    throw std::invalid_argument(class_name + " needs a `kernel_size`" +
                                (rank == 1 ? std::string(" (Keras 1: `filter_length`)")
                                           : std::string(" (Keras 1: `nb_row`, `nb_col`)")));
  kernel_size_ = normalize_tuple(k, rank, 1, class_name, "kernel_size");
  strides_ = normalize_tuple(keras1_strides(o, rank), rank, 1, class_name, "strides");
  padding_ = o.padding.empty() ? (o.border_mode.empty() ? "valid" : o.border_mode) : o.padding;
  if (padding_ != "valid")
    throw std::invalid_argument("Invalid border mode for " + class_name +
                                " (only \"valid\" is supported): " + padding_);
  const std::string format = o.data_format.empty() ? o.dim_ordering : o.data_format;
  data_format_ = rank == 1 && (format.empty() || format == "default")
                     ? "channels_last"
                     : K::normalize_data_format(format == "default" ? "" : format);
  initializers::get(kernel_initializer_);  // unknown names fail here, not at build time
  initializers::get(bias_initializer_);
}

Shape LocallyConnected::spatial_output(const Shape& input_shape) const {
  const bool first = data_format_ == "channels_first";
  Shape out;
  for (int i = 0; i < rank_; ++i) {
    const auto u = static_cast<std::size_t>(i);
    const std::int64_t in = input_shape[u + (first ? 2 : 1)];
    if (in < 0)
      throw std::invalid_argument(
          "The spatial dimensions of the inputs to a " + class_name_ + " layer (" + name() +
          ") should be fully-defined, but the layer received the inputs shape " +
          shape_to_string(input_shape) +
          " (give the first layer an input_shape with every dimension)");
    const std::int64_t o =
        detail::conv_output_length(in, kernel_size_[u], padding_, strides_[u], 1);
    if (o < 1)
      throw std::invalid_argument(
          name() + ": the kernel " +
          shape_to_string(Shape(kernel_size_.begin(), kernel_size_.end())) +
          " is larger than the input " + shape_to_string(input_shape) +
          " with padding 'valid': the output would be empty. Use a smaller kernel.");
    out.push_back(o);
  }
  return out;
}

void LocallyConnected::build(const Shape& input_shape) {
  if (static_cast<int>(input_shape.size()) != rank_ + 2)
    incompatible_input(input_shape, "expected ndim=" + std::to_string(rank_ + 2) +
                                        ", found ndim=" + std::to_string(input_shape.size()));
  const bool first = data_format_ == "channels_first";
  const std::int64_t channels = first ? input_shape[1] : input_shape.back();
  if (channels < 0)
    throw std::invalid_argument(
        name() + ": axis " + std::to_string(first ? 1 : rank_ + 1) +
        " of the input (its channels) should be fully-defined. Found shape: " +
        shape_to_string(input_shape));
  const Shape out = spatial_output(input_shape);
  const std::int64_t positions =
      std::accumulate(out.begin(), out.end(), std::int64_t{1},
                      [](std::int64_t a, std::int64_t b) { return a * b; });
  const std::int64_t window =
      std::accumulate(kernel_size_.begin(), kernel_size_.end(), std::int64_t{1},
                      [](std::int64_t a, std::int64_t b) { return a * b; });
  kernel_ = add_weight("kernel", {positions, window * channels, filters_},
                       initializers::get(kernel_initializer_), true, kernel_regularizer_.function(),
                       kernel_constraint_.function());
  if (use_bias_) {
    Shape bias_shape = out;
    bias_shape.push_back(filters_);
    bias_ = add_weight("bias", bias_shape, initializers::get(bias_initializer_), true,
                       bias_regularizer_.function(), bias_constraint_.function());
  }
}

SymbolicTensor LocallyConnected::call(const SymbolicTensor& inputs) {
  const Shape& shape = inputs.shape();
  if (static_cast<int>(shape.size()) != rank_ + 2)
    incompatible_input(shape, "expected ndim=" + std::to_string(rank_ + 2) +
                                  ", found ndim=" + std::to_string(shape.size()));
  const bool first = data_format_ == "channels_first";
  const std::int64_t channels = first ? shape[1] : shape.back();
  const std::int64_t features = kernel_.shape()[1], positions = kernel_.shape()[0];
  const Shape out = spatial_output(shape);
  const std::int64_t window =
      std::accumulate(kernel_size_.begin(), kernel_size_.end(), std::int64_t{1},
                      [](std::int64_t a, std::int64_t b) { return a * b; });
  if (channels * window != features ||
      std::accumulate(out.begin(), out.end(), std::int64_t{1},
                      [](std::int64_t a, std::int64_t b) { return a * b; }) != positions)
    incompatible_input(shape, "the layer was built for " + std::to_string(positions) +
                                  " output positions of " + std::to_string(features) +
                                  " patch features");
  SymbolicTensor x = first ? K::to_channels_last(inputs) : inputs;
  SymbolicTensor eye = K::constant(patch_kernel(kernel_size_, channels, x.dtype()));
  // (batch, out..., F), each patch flattened (channel, kernel position): Keras's channels_first
  // order. Channels_last layers flatten (kernel position, channel): the transpose to
  // (L, batch, F) swaps the two as well.
  SymbolicTensor patches = K::conv(x, eye, strides_, "valid", {}, channels);
  if (first)
    patches = K::permute_dimensions(K::reshape(patches, {-1, positions, features}), {1, 0, 2});
  else
    patches = K::reshape(
        K::permute_dimensions(K::reshape(patches, {-1, positions, channels, window}), {1, 0, 3, 2}),
        {positions, -1, features});
  SymbolicTensor y = K::batch_dot(patches, kernel_);  // (L, batch, filters)
  y = K::permute_dimensions(y, {1, 0, 2});            // (batch, L, filters)
  Shape full{-1};
  full.insert(full.end(), out.begin(), out.end());
  full.push_back(filters_);
  y = K::reshape(y, full);  // channels_last
  if (first) y = K::to_channels_first(y);
  if (use_bias_) {
    // Keras's bias_add reshapes (not transposes) the bias to the output's layout: (1, out...,
    // filters) for channels_last, (1, filters, out...) for channels_first.
    Shape bias_shape{1};
    if (first) bias_shape.push_back(filters_);
    bias_shape.insert(bias_shape.end(), out.begin(), out.end());
    if (!first) bias_shape.push_back(filters_);
    y = y + K::reshape(bias_, bias_shape);
  }
  y = activation_fn_(y);
  if (activity_regularizer_) add_loss(activity_regularizer_(y));
  return y;
}

Shape LocallyConnected::compute_output_shape(const Shape& input_shape) const {
  if (static_cast<int>(input_shape.size()) != rank_ + 2)
    incompatible_input(input_shape, "expected ndim=" + std::to_string(rank_ + 2) +
                                        ", found ndim=" + std::to_string(input_shape.size()));
  const Shape out = spatial_output(input_shape);
  Shape result{input_shape[0]};
  const bool first = data_format_ == "channels_first";
  if (first) result.push_back(filters_);
  result.insert(result.end(), out.begin(), out.end());
  if (!first) result.push_back(filters_);
  return result;
}

nlohmann::json LocallyConnected::get_config() const {
  nlohmann::json config = Layer::get_config();
  config["filters"] = filters_;
  config["kernel_size"] = kernel_size_;
  config["strides"] = strides_;
  config["padding"] = padding_;
  config["data_format"] = data_format_;
  config["activation"] = activation_.name.empty() ? "linear" : activation_.name;
  config["use_bias"] = use_bias_;
  config["kernel_initializer"] = initializers::serialize(kernel_initializer_);
  config["bias_initializer"] = initializers::serialize(bias_initializer_);
  config["kernel_regularizer"] = kernel_regularizer_.get_config();
  config["bias_regularizer"] = bias_regularizer_.get_config();
  config["activity_regularizer"] = activity_regularizer_.get_config();
  config["kernel_constraint"] = kernel_constraint_.get_config();
  config["bias_constraint"] = bias_constraint_.get_config();
  return config;
}

LocallyConnectedOptions LocallyConnected::options_from_config(const nlohmann::json& config,
                                                              const std::string& class_name,
                                                              int rank) {
  detail::ConfigReader r(config, class_name);
  LocallyConnectedOptions o;
  r.common(o);
  auto ints = [&](const char* key) {
    std::optional<Shape> s;
    if (r.has(key) && r.find(key)->is_number_integer())
      s = Shape{r.integer(key, 0)};
    else
      s = r.shape(key);
    return s ? Ints(s->begin(), s->end()) : Ints{};
  };
  o.filters = r.integer("filters", r.integer("nb_filter", 0));
  o.kernel_size = ints("kernel_size");
  if (rank == 1) {
    o.filter_length = r.integer("filter_length", 0);
    o.subsample_length = r.integer("subsample_length", 0);
    o.input_dim = r.optional_integer("input_dim");
    o.input_length = r.optional_integer("input_length");
  } else {
    o.nb_row = r.integer("nb_row", 0);
    o.nb_col = r.integer("nb_col", 0);
    o.subsample = ints("subsample");
  }
  o.strides = ints("strides");
  o.padding = r.string("padding", r.string("border_mode", "valid"));
  o.data_format = r.string("data_format", "");
  o.dim_ordering = r.string("dim_ordering", "");
  o.activation = r.activation<ActivationArg>("activation");
  o.use_bias = r.boolean("use_bias", r.boolean("bias", true));
  o.kernel_initializer =
      r.initializer("kernel_initializer", r.initializer("init", "glorot_uniform"));
  o.bias_initializer = r.initializer("bias_initializer", "zeros");
  o.kernel_regularizer = r.regularizer("kernel_regularizer", "W_regularizer");
  o.bias_regularizer = r.regularizer("bias_regularizer", "b_regularizer");
  o.activity_regularizer = r.regularizer("activity_regularizer");
  o.kernel_constraint = r.constraint("kernel_constraint", "W_constraint");
  o.bias_constraint = r.constraint("bias_constraint", "b_constraint");
  // Keras 2.2.5+ writes the implementation (1, 2 or 3): the same function computed differently.
  const std::int64_t implementation = r.integer("implementation", 1);
  if (implementation < 1 || implementation > 3)
    r.fail("implementation", "must be 1, 2 or 3, got " + std::to_string(implementation));
  r.find("weights");  // Keras 1 writes `weights: null`; values come from the weights file
  r.finish();
  return o;
}

// ---- LocallyConnected1D / LocallyConnected2D ---------------------------------------------------

LocallyConnected1D::LocallyConnected1D(LocallyConnectedOptions options)
    : LocallyConnected("LocallyConnected1D", 1, std::move(options)) {}
LocallyConnected1D::LocallyConnected1D(std::int64_t filters, std::int64_t kernel_size,
                                       LocallyConnectedOptions options)
    : LocallyConnected1D(with(std::move(options), filters, {kernel_size})) {}
std::shared_ptr<Layer> LocallyConnected1D::from_config(const nlohmann::json& config) {
  auto layer =
      std::make_shared<LocallyConnected1D>(options_from_config(config, "LocallyConnected1D", 1));
  layer->set_trainable(config.value("trainable", true));
  return layer;
}

LocallyConnected2D::LocallyConnected2D(LocallyConnectedOptions options)
    : LocallyConnected("LocallyConnected2D", 2, std::move(options)) {}
LocallyConnected2D::LocallyConnected2D(std::int64_t filters, Ints kernel_size,
                                       LocallyConnectedOptions options)
    : LocallyConnected2D(with(std::move(options), filters, std::move(kernel_size))) {}
LocallyConnected2D::LocallyConnected2D(std::int64_t nb_filter, std::int64_t nb_row,
                                       std::int64_t nb_col, LocallyConnectedOptions options)
    : LocallyConnected2D(with(std::move(options), nb_filter, {nb_row, nb_col})) {}
std::shared_ptr<Layer> LocallyConnected2D::from_config(const nlohmann::json& config) {
  auto layer =
      std::make_shared<LocallyConnected2D>(options_from_config(config, "LocallyConnected2D", 2));
  layer->set_trainable(config.value("trainable", true));
  return layer;
}

}  // namespace keras::layers
