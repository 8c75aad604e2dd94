// ZeroPadding1D/2D/3D, Cropping1D/2D/3D and UpSampling1D/2D/3D.
#include <stdexcept>

#include "keras/layers/convolutional.h"
#include "layers/convolutional/conv_util.h"

namespace keras::layers {

namespace {

std::string data_format_of(const ResizeOptions& o, int rank) {
  const std::string& given = o.data_format.empty() ? o.dim_ordering : o.data_format;
  if (rank == 1) return "channels_last";
  return K::normalize_data_format(given);
}

// The tensor axis of spatial dimension i.
std::size_t spatial_axis(const std::string& data_format, int i) {
  return static_cast<std::size_t>(i + (data_format == "channels_first" ? 2 : 1));
}

nlohmann::json pairs_json(const Pairs& pairs) {
  if (pairs.size() == 1) return {pairs[0].first, pairs[0].second};
  nlohmann::json out = nlohmann::json::array();
  for (const auto& [a, b] : pairs) out.push_back({a, b});
  return out;
}

const char* const kPadNames[3] = {"ZeroPadding1D", "ZeroPadding2D", "ZeroPadding3D"};
const char* const kCropNames[3] = {"Cropping1D", "Cropping2D", "Cropping3D"};
const char* const kUpNames[3] = {"UpSampling1D", "UpSampling2D", "UpSampling3D"};

}  // namespace

ZeroPadding::ZeroPadding(const std::string& class_name, int rank, Pairs amounts, bool crop,
                         ResizeOptions options)
    : Layer(class_name, layer_arguments(options)),
      class_name_(class_name),
      rank_(rank),
      amounts_(std::move(amounts)),
      crop_(crop),
      data_format_(data_format_of(options, rank)) {
  if (amounts_.size() == 1 && rank > 1)
    amounts_.assign(static_cast<std::size_t>(rank), amounts_[0]);
  if (static_cast<int>(amounts_.size()) != rank)
    throw std::invalid_argument(class_name + ": `" + (crop ? "cropping" : "padding") + "` needs " +
                                std::to_string(rank) + " (before, after) pairs, got " +
                                std::to_string(amounts_.size()));
  for (const auto& [a, b] : amounts_)
    if (a < 0 || b < 0)
      throw std::invalid_argument(class_name + ": `" + (crop ? "cropping" : "padding") +
                                  "` must be non-negative");
}

Shape ZeroPadding::compute_output_shape(const Shape& input_shape) const {
  if (static_cast<int>(input_shape.size()) != rank_ + 2)
    incompatible_input(input_shape, "expected ndim=" + std::to_string(rank_ + 2) +
                                        ", found ndim=" + std::to_string(input_shape.size()));
  Shape out = input_shape;
  for (int i = 0; i < rank_; ++i) {
    const std::size_t axis = spatial_axis(data_format_, i);
    const auto [a, b] = amounts_[static_cast<std::size_t>(i)];
    if (out[axis] < 0) continue;
    out[axis] += crop_ ? -(a + b) : a + b;
    if (out[axis] <= 0)
      throw std::invalid_argument(name() + ": cropping " + std::to_string(a) + " + " +
                                  std::to_string(b) + " leaves nothing of dimension " +
                                  std::to_string(input_shape[axis]) + " of the input " +
                                  shape_to_string(input_shape));
  }
  return out;
}

SymbolicTensor ZeroPadding::call(const SymbolicTensor& inputs) {
  Shape out = compute_output_shape(inputs.shape());
  if (!crop_) {
    K::Ints begin(inputs.shape().size(), 0), end(inputs.shape().size(), 0);
    for (int i = 0; i < rank_; ++i) {
      const std::size_t axis = spatial_axis(data_format_, i);
      begin[axis] = amounts_[static_cast<std::size_t>(i)].first;
      end[axis] = amounts_[static_cast<std::size_t>(i)].second;
    }
    return K::pad(inputs, begin, end);
  }
  SymbolicTensor y = inputs;
  for (int i = 0; i < rank_; ++i) {
    const std::size_t axis = spatial_axis(data_format_, i);
    const auto [a, b] = amounts_[static_cast<std::size_t>(i)];
    if (a == 0 && b == 0) continue;
    if (inputs.shape()[axis] < 0)
      throw std::invalid_argument(name() + ": cannot crop an unknown dimension of " +
                                  shape_to_string(inputs.shape()));
    y = K::slice(y, static_cast<int>(axis), a, inputs.shape()[axis] - b);
  }
  return y;
}

nlohmann::json ZeroPadding::get_config() const {
  nlohmann::json config = Layer::get_config();
  config[crop_ ? "cropping" : "padding"] = pairs_json(amounts_);
  if (rank_ > 1) config["data_format"] = data_format_;
  return config;
}

ZeroPadding ZeroPadding1D(Pairs padding, ResizeOptions options) {
  return ZeroPadding(kPadNames[0], 1, std::move(padding), false, std::move(options));
}
ZeroPadding ZeroPadding2D(Pairs padding, ResizeOptions options) {
  return ZeroPadding(kPadNames[1], 2, std::move(padding), false, std::move(options));
}
ZeroPadding ZeroPadding3D(Pairs padding, ResizeOptions options) {
  return ZeroPadding(kPadNames[2], 3, std::move(padding), false, std::move(options));
}
ZeroPadding Cropping1D(Pairs cropping, ResizeOptions options) {
  return ZeroPadding(kCropNames[0], 1, std::move(cropping), true, std::move(options));
}
ZeroPadding Cropping2D(Pairs cropping, ResizeOptions options) {
  return ZeroPadding(kCropNames[1], 2, std::move(cropping), true, std::move(options));
}
ZeroPadding Cropping3D(Pairs cropping, ResizeOptions options) {
  return ZeroPadding(kCropNames[2], 3, std::move(cropping), true, std::move(options));
}

std::shared_ptr<Layer> zero_padding_from_config(const std::string& class_name,
                                                const nlohmann::json& c) {
  for (int rank = 1; rank <= 3; ++rank)
    for (bool crop : {false, true}) {
      if (class_name != (crop ? kCropNames : kPadNames)[rank - 1]) continue;
      ResizeOptions o;
      detail::base_options_from_config(c, o);
      if (c.contains("data_format") && !c.at("data_format").is_null())
        o.data_format = c.at("data_format").get<std::string>();
      const nlohmann::json& p = c.at(crop ? "cropping" : "padding");
      Pairs pairs;
      if (rank == 1)
        pairs = {{p.at(0).get<std::int64_t>(), p.at(1).get<std::int64_t>()}};
      else
        for (const auto& pair : p)
          pairs.emplace_back(pair.at(0).get<std::int64_t>(), pair.at(1).get<std::int64_t>());
      return std::make_shared<ZeroPadding>(class_name, rank, pairs, crop, std::move(o));
    }
  throw std::invalid_argument("zero_padding_from_config: unknown layer '" + class_name + "'");
}

// ---- UpSampling --------------------------------------------------------------------------------

UpSampling::UpSampling(const std::string& class_name, int rank, Ints size, ResizeOptions options)
    : Layer(class_name, layer_arguments(options)),
      class_name_(class_name),
      rank_(rank),
      size_(detail::normalize_tuple(size, rank, 2, class_name, "size")),
      data_format_(data_format_of(options, rank)) {}

Shape UpSampling::compute_output_shape(const Shape& input_shape) const {
  if (static_cast<int>(input_shape.size()) != rank_ + 2)
    incompatible_input(input_shape, "expected ndim=" + std::to_string(rank_ + 2) +
                                        ", found ndim=" + std::to_string(input_shape.size()));
  Shape out = input_shape;
  for (int i = 0; i < rank_; ++i) {
    const std::size_t axis = spatial_axis(data_format_, i);
    if (out[axis] >= 0) out[axis] *= size_[static_cast<std::size_t>(i)];
  }
  return out;
}

// Each element repeated along an axis: (lead, d, 1, rest) * ones(1, 1, s, 1).
SymbolicTensor UpSampling::call(const SymbolicTensor& inputs) {
  Shape out = compute_output_shape(inputs.shape());
  SymbolicTensor y = inputs;
  for (int i = 0; i < rank_; ++i) {
    const std::size_t axis = spatial_axis(data_format_, i);
    const std::int64_t s = size_[static_cast<std::size_t>(i)];
    if (s == 1) continue;
    Shape shape = y.shape();
    std::int64_t rest = 1;
    for (std::size_t d = axis + 1; d < shape.size(); ++d) rest *= shape[d];
    if (shape[axis] < 0 || rest < 0)
      throw std::invalid_argument(name() + ": needs known spatial dimensions, got " +
                                  shape_to_string(inputs.shape()));
    SymbolicTensor r = K::reshape(y, {-1, shape[axis], 1, rest});
    r = r * K::constant(Tensor::full({1, 1, s, 1}, 1.0, y.dtype()));
    shape[axis] *= s;
    if (shape[0] < 0) shape[0] = -1;
    y = K::reshape(r, shape);
  }
  return y;
}

nlohmann::json UpSampling::get_config() const {
  nlohmann::json config = Layer::get_config();
  if (rank_ == 1)
    config["size"] = size_[0];
  else
    config["size"] = size_;
  if (rank_ > 1) config["data_format"] = data_format_;
  return config;
}

UpSampling UpSampling1D(std::int64_t size, ResizeOptions options) {
  return UpSampling(kUpNames[0], 1, {size}, std::move(options));
}
UpSampling UpSampling2D(Ints size, ResizeOptions options) {
  return UpSampling(kUpNames[1], 2, std::move(size), std::move(options));
}
UpSampling UpSampling3D(Ints size, ResizeOptions options) {
  return UpSampling(kUpNames[2], 3, std::move(size), std::move(options));
}

std::shared_ptr<Layer> up_sampling_from_config(const std::string& class_name,
                                               const nlohmann::json& c) {
  for (int rank = 1; rank <= 3; ++rank) {
    if (class_name != kUpNames[rank - 1]) continue;
    ResizeOptions o;
    detail::base_options_from_config(c, o);
    if (c.contains("data_format") && !c.at("data_format").is_null())
      o.data_format = c.at("data_format").get<std::string>();
    Ints size =
        c.at("size").is_array() ? c.at("size").get<Ints>() : Ints{c.at("size").get<std::int64_t>()};
    return std::make_shared<UpSampling>(class_name, rank, size, std::move(o));
  }
  throw std::invalid_argument("up_sampling_from_config: unknown layer '" + class_name + "'");
}

}  // namespace keras::layers
