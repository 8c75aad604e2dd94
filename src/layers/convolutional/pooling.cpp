// MaxPooling / AveragePooling 1D-3D and their global forms.
#include <stdexcept>
#include <utility>

#include "keras/layers/pooling.h"
#include "layers/convolutional/conv_util.h"
#include "layers/schema_config.h"

namespace keras::layers {

namespace {

const char* const kPoolingNames[2][3] = {
    {"MaxPooling1D", "MaxPooling2D", "MaxPooling3D"},
    {"AveragePooling1D", "AveragePooling2D", "AveragePooling3D"}};
const char* const kGlobalNames[2][3] = {
    {"GlobalMaxPooling1D", "GlobalMaxPooling2D", "GlobalMaxPooling3D"},
    {"GlobalAveragePooling1D", "GlobalAveragePooling2D", "GlobalAveragePooling3D"}};

Pooling make_pooling(int rank, bool max, std::vector<std::int64_t> pool_size, PoolingOptions o) {
  if (!pool_size.empty()) o.pool_size = std::move(pool_size);
  return Pooling(kPoolingNames[max ? 0 : 1][rank - 1], rank, max ? "max" : "avg", std::move(o));
}

std::string data_format_of(const std::string& data_format, int rank) {
  if (data_format.empty() && rank == 1) return "channels_last";  // Keras's 1D default
  return K::normalize_data_format(data_format);
}

}  // namespace

Pooling::Pooling(const std::string& class_name, int rank, const std::string& mode, PoolingOptions o)
    : Layer(class_name, layer_arguments(o)),
      class_name_(class_name),
      mode_(mode),
      rank_(rank),
      options_(std::move(o)) {
  options_.pool_size =
      detail::normalize_tuple(options_.pool_size, rank, 2, class_name, "pool_size");
  options_.strides = options_.strides.empty() ? options_.pool_size
                                              : detail::normalize_tuple(options_.strides, rank, 1,
                                                                        class_name, "strides");
  options_.padding = detail::normalize_padding(options_.padding, class_name, false);
  options_.data_format = data_format_of(options_.data_format, rank);
}

Shape Pooling::compute_output_shape(const Shape& input_shape) const {
  if (static_cast<int>(input_shape.size()) != rank_ + 2)
    incompatible_input(input_shape, "expected ndim=" + std::to_string(rank_ + 2) +
                                        ", found ndim=" + std::to_string(input_shape.size()));
  const bool first = options_.data_format == "channels_first";
  Shape out = input_shape;
  for (int i = 0; i < rank_; ++i) {
    const auto u = static_cast<std::size_t>(i);
    const std::size_t axis = u + (first ? 2 : 1);
    std::int64_t d = detail::conv_output_length(input_shape[axis], options_.pool_size[u],
                                                options_.padding, options_.strides[u]);
    if (d == 0 || d < -1)
      throw std::invalid_argument(
          name() + ": the pool size " +
          shape_to_string(Shape(options_.pool_size.begin(), options_.pool_size.end())) +
          " is larger than the input " + shape_to_string(input_shape) + " with padding 'valid'");
    out[axis] = d;
  }
  return out;
}

SymbolicTensor Pooling::call(const SymbolicTensor& inputs) {
  compute_output_shape(inputs.shape());
  const bool first = options_.data_format == "channels_first";
  SymbolicTensor x = first ? K::to_channels_last(inputs) : inputs;
  SymbolicTensor y = K::pool(x, options_.pool_size, options_.strides, options_.padding, mode_);
  return first ? K::to_channels_first(y) : y;
}

nlohmann::json Pooling::get_config() const {
  return detail::config_with_arguments(Layer::get_config(), options_);
}

Pooling MaxPooling1D(std::int64_t pool_size, PoolingOptions o) {
  return make_pooling(1, true, {pool_size}, std::move(o));
}
Pooling MaxPooling2D(std::vector<std::int64_t> pool_size, PoolingOptions o) {
  return make_pooling(2, true, std::move(pool_size), std::move(o));
}
Pooling MaxPooling3D(std::vector<std::int64_t> pool_size, PoolingOptions o) {
  return make_pooling(3, true, std::move(pool_size), std::move(o));
}
Pooling AveragePooling1D(std::int64_t pool_size, PoolingOptions o) {
  return make_pooling(1, false, {pool_size}, std::move(o));
}
Pooling AveragePooling2D(std::vector<std::int64_t> pool_size, PoolingOptions o) {
  return make_pooling(2, false, std::move(pool_size), std::move(o));
}
Pooling AveragePooling3D(std::vector<std::int64_t> pool_size, PoolingOptions o) {
  return make_pooling(3, false, std::move(pool_size), std::move(o));
}
Pooling MaxPooling1D(PoolingOptions o) {
  return make_pooling(1, true, {}, std::move(o));
}
Pooling MaxPooling2D(PoolingOptions o) {
  return make_pooling(2, true, {}, std::move(o));
}
Pooling MaxPooling3D(PoolingOptions o) {
  return make_pooling(3, true, {}, std::move(o));
}
Pooling AveragePooling1D(PoolingOptions o) {
  return make_pooling(1, false, {}, std::move(o));
}
Pooling AveragePooling2D(PoolingOptions o) {
  return make_pooling(2, false, {}, std::move(o));
}
Pooling AveragePooling3D(PoolingOptions o) {
  return make_pooling(3, false, {}, std::move(o));
}

int pooling_rank(const std::string& class_name) {
  for (const auto& names : {kPoolingNames, kGlobalNames})
    for (int max = 0; max < 2; ++max)
      for (int rank = 1; rank <= 3; ++rank)
        if (class_name == names[max][rank - 1]) return rank;
  throw std::invalid_argument("Unknown pooling layer: " + class_name);
}

Pooling pooling_by_name(const std::string& class_name, PoolingOptions o) {
  for (int max = 0; max < 2; ++max)
    for (int rank = 1; rank <= 3; ++rank)
      if (class_name == kPoolingNames[max][rank - 1])
        return make_pooling(rank, max == 0, {}, std::move(o));
  throw std::invalid_argument("Unknown pooling layer: " + class_name);
}

std::shared_ptr<Layer> pooling_from_config(const std::string& class_name, const nlohmann::json& c) {
  return detail::layer_from_config_with<PoolingOptions>(
      c, class_name,
      [&](PoolingOptions o) {
        return std::make_shared<Pooling>(pooling_by_name(class_name, std::move(o)));
      },
      pooling_rank(class_name));
}

// ---- global pooling ----------------------------------------------------------------------------

GlobalPooling::GlobalPooling(const std::string& class_name, int rank, const std::string& mode,
                             GlobalPoolingOptions o)
    : Layer(class_name, layer_arguments(o)),
      class_name_(class_name),
      mode_(mode),
      rank_(rank),
      options_(std::move(o)) {
  options_.data_format = data_format_of(options_.data_format, rank);
  supports_masking_ = rank == 1 && mode == "avg";
}

SymbolicTensor GlobalPooling::call_masked(const SymbolicTensor& inputs,
                                          const SymbolicTensor& mask) {
  if (!mask.defined() || !supports_masking_) return call(inputs);
  compute_output_shape(inputs.shape());
  const bool channels_first = options_.data_format == "channels_first";
  const int steps_axis = channels_first ? 2 : 1;
  // The mask (batch, steps) broadcast over the features.
  SymbolicTensor weights = K::expand_dims(K::cast(mask, inputs.dtype()), channels_first ? 1 : -1);
  return K::sum(inputs * weights, {steps_axis}) / K::sum(weights, {steps_axis});
}

SymbolicTensor GlobalPooling::compute_mask(const SymbolicTensor&, const SymbolicTensor&) const {
  return {};
}

Shape GlobalPooling::compute_output_shape(const Shape& input_shape) const {
  if (static_cast<int>(input_shape.size()) != rank_ + 2)
    incompatible_input(input_shape, "expected ndim=" + std::to_string(rank_ + 2) +
                                        ", found ndim=" + std::to_string(input_shape.size()));
  return {input_shape[0],
          options_.data_format == "channels_first" ? input_shape[1] : input_shape.back()};
}

SymbolicTensor GlobalPooling::call(const SymbolicTensor& inputs) {
  compute_output_shape(inputs.shape());
  K::Axes axes;
  for (int i = 0; i < rank_; ++i)
    axes.push_back(i + (options_.data_format == "channels_first" ? 2 : 1));
  return mode_ == "max" ? K::max(inputs, axes) : K::mean(inputs, axes);
}

nlohmann::json GlobalPooling::get_config() const {
  return detail::config_with_arguments(Layer::get_config(), options_);
}

#define KERAS_GLOBAL_POOLING(NAME, RANK, MODE)             \
  GlobalPooling NAME(GlobalPoolingOptions o) {             \
    return GlobalPooling(#NAME, RANK, MODE, std::move(o)); \
  }
KERAS_GLOBAL_POOLING(GlobalMaxPooling1D, 1, "max")
KERAS_GLOBAL_POOLING(GlobalMaxPooling2D, 2, "max")
KERAS_GLOBAL_POOLING(GlobalMaxPooling3D, 3, "max")
KERAS_GLOBAL_POOLING(GlobalAveragePooling1D, 1, "avg")
KERAS_GLOBAL_POOLING(GlobalAveragePooling2D, 2, "avg")
KERAS_GLOBAL_POOLING(GlobalAveragePooling3D, 3, "avg")
#undef KERAS_GLOBAL_POOLING

GlobalPooling global_pooling_by_name(const std::string& class_name, GlobalPoolingOptions o) {
  for (int max = 0; max < 2; ++max)
    for (int rank = 1; rank <= 3; ++rank)
      if (class_name == kGlobalNames[max][rank - 1])
        return GlobalPooling(class_name, rank, max == 0 ? "max" : "avg", std::move(o));
  throw std::invalid_argument("Unknown global pooling layer: " + class_name);
}

std::shared_ptr<Layer> global_pooling_from_config(const std::string& class_name,
                                                  const nlohmann::json& c) {
  return detail::layer_from_config_with<GlobalPoolingOptions>(
      c, class_name, [&](GlobalPoolingOptions o) {
        return std::make_shared<GlobalPooling>(global_pooling_by_name(class_name, std::move(o)));
      });
}

}  // namespace keras::layers
