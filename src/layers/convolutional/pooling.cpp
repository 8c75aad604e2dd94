// MaxPooling / AveragePooling 1D-3D and their global forms.
#include <stdexcept>

#include "keras/layers/pooling.h"
#include "layers/convolutional/conv_util.h"

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

std::string data_format_of(const std::string& data_format, const std::string& dim_ordering,
                           int rank) {
  const std::string& given = data_format.empty() ? dim_ordering : data_format;
  if (given.empty() && rank == 1) return "channels_last";  // Keras's 1D default
  return K::normalize_data_format(given);
}

}  // namespace

Pooling::Pooling(const std::string& class_name, int rank, const std::string& mode, PoolingOptions o)
    : Layer(class_name, layer_arguments(o)), class_name_(class_name), mode_(mode), rank_(rank) {
  std::vector<std::int64_t> pool = o.pool_size;
  if (pool.empty() && o.pool_length > 0) pool = {o.pool_length};
  pool_size_ = detail::normalize_tuple(pool, rank, 2, class_name, "pool_size");
  std::vector<std::int64_t> strides = o.strides;
  if (strides.empty() && o.stride > 0) strides = {o.stride};
  strides_ = strides.empty() ? pool_size_
                             : detail::normalize_tuple(strides, rank, 1, class_name, "strides");
  padding_ =
      detail::normalize_padding(o.padding.empty() ? o.border_mode : o.padding, class_name, false);
  data_format_ = data_format_of(o.data_format, o.dim_ordering, rank);
}

Shape Pooling::compute_output_shape(const Shape& input_shape) const {
  if (static_cast<int>(input_shape.size()) != rank_ + 2)
    incompatible_input(input_shape, "expected ndim=" + std::to_string(rank_ + 2) +
                                        ", found ndim=" + std::to_string(input_shape.size()));
  const bool first = data_format_ == "channels_first";
  Shape out = input_shape;
  for (int i = 0; i < rank_; ++i) {
    const auto u = static_cast<std::size_t>(i);
    const std::size_t axis = u + (first ? 2 : 1);
    std::int64_t d =
        detail::conv_output_length(input_shape[axis], pool_size_[u], padding_, strides_[u]);
    if (d == 0 || d < -1)
      throw std::invalid_argument(name() + ": the pool size " +
                                  shape_to_string(Shape(pool_size_.begin(), pool_size_.end())) +
                                  " is larger than the input " + shape_to_string(input_shape) +
                                  " with padding 'valid'");
    out[axis] = d;
  }
  return out;
}

SymbolicTensor Pooling::call(const SymbolicTensor& inputs) {
  compute_output_shape(inputs.shape());
  const bool first = data_format_ == "channels_first";
  SymbolicTensor x = first ? K::to_channels_last(inputs) : inputs;
  SymbolicTensor y = K::pool(x, pool_size_, strides_, padding_, mode_);
  return first ? K::to_channels_first(y) : y;
}

nlohmann::json Pooling::get_config() const {
  nlohmann::json config = Layer::get_config();
  config["pool_size"] = pool_size_;
  config["padding"] = padding_;
  config["strides"] = strides_;
  config["data_format"] = data_format_;
  return config;
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

std::shared_ptr<Layer> pooling_from_config(const std::string& class_name, const nlohmann::json& c) {
  for (int max = 0; max < 2; ++max)
    for (int rank = 1; rank <= 3; ++rank) {
      if (class_name != kPoolingNames[max][rank - 1]) continue;
      PoolingOptions o;
      detail::base_options_from_config(c, o);
      o.pool_size = c.at("pool_size").get<std::vector<std::int64_t>>();
      if (c.contains("strides") && !c.at("strides").is_null())
        o.strides = c.at("strides").get<std::vector<std::int64_t>>();
      if (c.contains("padding")) o.padding = c.at("padding").get<std::string>();
      if (c.contains("data_format") && !c.at("data_format").is_null())
        o.data_format = c.at("data_format").get<std::string>();
      return std::make_shared<Pooling>(make_pooling(rank, max == 0, {}, std::move(o)));
    }
  throw std::invalid_argument("pooling_from_config: unknown pooling layer '" + class_name + "'");
}

// ---- global pooling ----------------------------------------------------------------------------

GlobalPooling::GlobalPooling(const std::string& class_name, int rank, const std::string& mode,
                             GlobalPoolingOptions o)
    : Layer(class_name, layer_arguments(o)),
      class_name_(class_name),
      mode_(mode),
      rank_(rank),
      data_format_(data_format_of(o.data_format, o.dim_ordering, rank)) {}

Shape GlobalPooling::compute_output_shape(const Shape& input_shape) const {
  if (static_cast<int>(input_shape.size()) != rank_ + 2)
    incompatible_input(input_shape, "expected ndim=" + std::to_string(rank_ + 2) +
                                        ", found ndim=" + std::to_string(input_shape.size()));
  return {input_shape[0], data_format_ == "channels_first" ? input_shape[1] : input_shape.back()};
}

SymbolicTensor GlobalPooling::call(const SymbolicTensor& inputs) {
  compute_output_shape(inputs.shape());
  K::Axes axes;
  for (int i = 0; i < rank_; ++i) axes.push_back(i + (data_format_ == "channels_first" ? 2 : 1));
  return mode_ == "max" ? K::max(inputs, axes) : K::mean(inputs, axes);
}

nlohmann::json GlobalPooling::get_config() const {
  nlohmann::json config = Layer::get_config();
  config["data_format"] = data_format_;
  return config;
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

std::shared_ptr<Layer> global_pooling_from_config(const std::string& class_name,
                                                  const nlohmann::json& c) {
  for (int max = 0; max < 2; ++max)
    for (int rank = 1; rank <= 3; ++rank) {
      if (class_name != kGlobalNames[max][rank - 1]) continue;
      GlobalPoolingOptions o;
      detail::base_options_from_config(c, o);
      if (c.contains("data_format") && !c.at("data_format").is_null())
        o.data_format = c.at("data_format").get<std::string>();
      return std::make_shared<GlobalPooling>(class_name, rank, max == 0 ? "max" : "avg",
                                             std::move(o));
    }
  throw std::invalid_argument("global_pooling_from_config: unknown layer '" + class_name + "'");
}

}  // namespace keras::layers
