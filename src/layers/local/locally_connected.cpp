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
#include "layers/schema_config.h"

namespace keras::layers {

namespace {

using detail::normalize_tuple;
using Ints = std::vector<std::int64_t>;

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
      options_(std::move(o)),
      activation_fn_(options_.activation.resolve()) {
  options_.weights.clear();  // the base holds them until built
  if (options_.filters <= 0)
    throw std::invalid_argument(class_name +
                                " needs a positive `filters` (Keras 1: `nb_filter`), got " +
                                std::to_string(options_.filters));
  if (options_.kernel_size.empty())
    throw std::invalid_argument(class_name + " needs a `kernel_size`" +
                                (rank == 1 ? std::string(" (Keras 1: `filter_length`)")
                                           : std::string(" (Keras 1: `nb_row`, `nb_col`)")));
  options_.kernel_size = normalize_tuple(options_.kernel_size, rank, 1, class_name, "kernel_size");
  options_.strides = normalize_tuple(options_.strides, rank, 1, class_name, "strides");
  if (options_.padding != "valid")
    throw std::invalid_argument("Invalid border mode for " + class_name +
                                " (only \"valid\" is supported): " + options_.padding);
  const std::string& format = options_.data_format;
  options_.data_format = rank == 1 && (format.empty() || format == "default")
                             ? "channels_last"
                             : K::normalize_data_format(format == "default" ? "" : format);
  initializers::get(options_.kernel_initializer);  // unknown names fail here, not at build time
  initializers::get(options_.bias_initializer);
}

Shape LocallyConnected::spatial_output(const Shape& input_shape) const {
  const bool first = options_.data_format == "channels_first";
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
    const std::int64_t o = detail::conv_output_length(in, options_.kernel_size[u], options_.padding,
                                                      options_.strides[u], 1);
    if (o < 1)
      throw std::invalid_argument(
          name() + ": the kernel " +
          shape_to_string(Shape(options_.kernel_size.begin(), options_.kernel_size.end())) +
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
  const bool first = options_.data_format == "channels_first";
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
      std::accumulate(options_.kernel_size.begin(), options_.kernel_size.end(), std::int64_t{1},
                      [](std::int64_t a, std::int64_t b) { return a * b; });
  kernel_ =
      add_weight("kernel", {positions, window * channels, options_.filters},
                 initializers::get(options_.kernel_initializer), true,
                 options_.kernel_regularizer.function(), options_.kernel_constraint.function());
  if (options_.use_bias) {
    Shape bias_shape = out;
    bias_shape.push_back(options_.filters);
    bias_ = add_weight("bias", bias_shape, initializers::get(options_.bias_initializer), true,
                       options_.bias_regularizer.function(), options_.bias_constraint.function());
  }
}

SymbolicTensor LocallyConnected::call(const SymbolicTensor& inputs) {
  const Shape& shape = inputs.shape();
  if (static_cast<int>(shape.size()) != rank_ + 2)
    incompatible_input(shape, "expected ndim=" + std::to_string(rank_ + 2) +
                                  ", found ndim=" + std::to_string(shape.size()));
  const bool first = options_.data_format == "channels_first";
  const std::int64_t channels = first ? shape[1] : shape.back();
  const std::int64_t features = kernel_.shape()[1], positions = kernel_.shape()[0];
  const Shape out = spatial_output(shape);
  const std::int64_t window =
      std::accumulate(options_.kernel_size.begin(), options_.kernel_size.end(), std::int64_t{1},
                      [](std::int64_t a, std::int64_t b) { return a * b; });
  if (channels * window != features ||
      std::accumulate(out.begin(), out.end(), std::int64_t{1},
                      [](std::int64_t a, std::int64_t b) { return a * b; }) != positions)
    incompatible_input(shape, "the layer was built for " + std::to_string(positions) +
                                  " output positions of " + std::to_string(features) +
                                  " patch features");
  SymbolicTensor x = first ? K::to_channels_last(inputs) : inputs;
  SymbolicTensor eye = K::constant(patch_kernel(options_.kernel_size, channels, x.dtype()));
  // (batch, out..., F), each patch flattened (channel, kernel position): Keras's channels_first
  // order. Channels_last layers flatten (kernel position, channel): the transpose to
  // (L, batch, F) swaps the two as well.
  SymbolicTensor patches = K::conv(x, eye, options_.strides, "valid", {}, channels);
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
  full.push_back(options_.filters);
  y = K::reshape(y, full);  // channels_last
  if (first) y = K::to_channels_first(y);
  if (options_.use_bias) {
    // Keras's bias_add reshapes (not transposes) the bias to the output's layout: (1, out...,
    // filters) for channels_last, (1, filters, out...) for channels_first.
    Shape bias_shape{1};
    if (first) bias_shape.push_back(options_.filters);
    bias_shape.insert(bias_shape.end(), out.begin(), out.end());
    if (!first) bias_shape.push_back(options_.filters);
    y = y + K::reshape(bias_, bias_shape);
  }
  y = activation_fn_(y);
  if (options_.activity_regularizer) add_loss(options_.activity_regularizer(y));
  return y;
}

Shape LocallyConnected::compute_output_shape(const Shape& input_shape) const {
  if (static_cast<int>(input_shape.size()) != rank_ + 2)
    incompatible_input(input_shape, "expected ndim=" + std::to_string(rank_ + 2) +
                                        ", found ndim=" + std::to_string(input_shape.size()));
  const Shape out = spatial_output(input_shape);
  Shape result{input_shape[0]};
  const bool first = options_.data_format == "channels_first";
  if (first) result.push_back(options_.filters);
  result.insert(result.end(), out.begin(), out.end());
  if (!first) result.push_back(options_.filters);
  return result;
}

nlohmann::json LocallyConnected::get_config() const {
  if (rank_ == 1)
    return detail::config_with_arguments(Layer::get_config(), LocallyConnectedSchema<1>{options_});
  return detail::config_with_arguments(Layer::get_config(), LocallyConnectedSchema<2>{options_});
}

namespace {

// Keras's from_config for LocallyConnected<Rank>D.
template <int Rank, typename L>
LayerPtr local_from_config(const nlohmann::json& config, const std::string& class_name) {
  detail::ConfigReader check(config, class_name);  // a JSON object, or a clear error
  nlohmann::json c = config;
  // Keras 1's LocallyConnected2D(nb_filter, nb_row, nb_col): one kernel_size, as Keras 2.2.4's
  // conv2d_args_preprocessor makes it.
  if (Rank == 2 && (c.contains("nb_row") || c.contains("nb_col"))) {
    const nlohmann::json rows = c.value("nb_row", nlohmann::json()),
                         cols = c.value("nb_col", nlohmann::json());
    if (!rows.is_number_integer() || !cols.is_number_integer())
      throw std::invalid_argument(class_name +
                                  ".from_config: Keras 1's `nb_row` and `nb_col` must both be "
                                  "integers, got " +
                                  rows.dump() + " and " + cols.dump());
    if (c.contains("kernel_size") && !c["kernel_size"].is_null())
      throw std::invalid_argument(class_name +
                                  ".from_config: the config holds both Keras 1's `nb_row`, "
                                  "`nb_col` and Keras 2's `kernel_size`");
    c["kernel_size"] = {rows, cols};
    c.erase("nb_row");
    c.erase("nb_col");
  }
  // Keras 2.2.5+ writes the implementation (1, 2 or 3): the same function computed differently.
  if (c.contains("implementation")) {
    const nlohmann::json& implementation = c["implementation"];
    if (!implementation.is_number_integer() || implementation.get<std::int64_t>() < 1 ||
        implementation.get<std::int64_t>() > 3)
      throw std::invalid_argument(class_name +
                                  ".from_config: `implementation` must be 1, 2 or 3, got " +
                                  implementation.dump());
    c.erase("implementation");
  }
  return detail::layer_from_config_with<LocallyConnectedSchema<Rank>>(
      c, class_name, [](LocallyConnectedOptions o) { return std::make_shared<L>(std::move(o)); });
}

}  // namespace

// ---- LocallyConnected1D / LocallyConnected2D ---------------------------------------------------

LocallyConnected1D::LocallyConnected1D(LocallyConnectedOptions options)
    : LocallyConnected("LocallyConnected1D", 1, std::move(options)) {}
LocallyConnected1D::LocallyConnected1D(std::int64_t filters, std::int64_t kernel_size,
                                       LocallyConnectedOptions options)
    : LocallyConnected1D(with(std::move(options), filters, {kernel_size})) {}
std::shared_ptr<Layer> LocallyConnected1D::from_config(const nlohmann::json& config) {
  return local_from_config<1, LocallyConnected1D>(config, "LocallyConnected1D");
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
  return local_from_config<2, LocallyConnected2D>(config, "LocallyConnected2D");
}

}  // namespace keras::layers
