// ZeroPadding1D/2D/3D, Cropping1D/2D/3D and UpSampling1D/2D/3D, with Keras 1's and 2's
// spellings of their padding and cropping arguments.
#include <set>
#include <stdexcept>

#include "keras/layers/convolutional.h"
#include "layers/convolutional/conv_util.h"
#include "layers/schema_config.h"

namespace keras::layers {

namespace {

std::string data_format_of(const ResizeOptions& o, int rank) {
  if (rank == 1) return "channels_last";
  return K::normalize_data_format(o.data_format);
}

// The tensor axis of spatial dimension i.
std::size_t spatial_axis(const std::string& data_format, int i) {
  return static_cast<std::size_t>(i + (data_format == "channels_first" ? 2 : 1));
}

int rank_of(const std::string& class_name) {
  return class_name[class_name.size() - 2] - '0';
}

std::int64_t int_of(const nlohmann::json& v, const std::string& what) {
  if (!v.is_number_integer()) throw std::invalid_argument(what);
  return v.get<std::int64_t>();
}

// Keras 1's dict form: {'left_pad', 'right_pad'} (1D), {'top_pad', 'bottom_pad', 'left_pad',
// 'right_pad'} (2D), a missing key 0.
Pairs keras1_padding_dict(const nlohmann::json& value, int rank, const std::string& forms) {
  static const std::vector<std::string> keys2 = {"top_pad", "bottom_pad", "left_pad", "right_pad"};
  const std::vector<std::string> keys =
      rank == 1 ? std::vector<std::string>{"left_pad", "right_pad"} : keys2;
  if (rank > 2) throw std::invalid_argument(forms);
  std::vector<std::int64_t> amounts;
  for (const auto& [key, v] : value.items())
    if (std::find(keys.begin(), keys.end(), key) == keys.end())
      throw std::invalid_argument(
          "has the unexpected key '" + key + "' (the keys are " +
          (rank == 1 ? "left_pad, right_pad" : "top_pad, bottom_pad, left_pad, right_pad") + ")");
  for (const auto& key : keys)
    amounts.push_back(value.contains(key) ? int_of(value[key], forms) : 0);
  if (rank == 1) return {{amounts[0], amounts[1]}};
  return {{amounts[0], amounts[1]}, {amounts[2], amounts[3]}};
}

}  // namespace

namespace schema {

PaddingPairs padding_pairs(const nlohmann::json& value, int rank, const std::string& what) {
  const auto r = static_cast<std::size_t>(rank);
  const std::string forms =
      "`" + what + "` must be an int, " +
      (rank == 1 ? std::string("a tuple of 2 ints (before, after)")
                 : "a tuple of " + std::to_string(rank) + " ints or a tuple of " +
                       std::to_string(rank) + " (before, after) tuples of 2 ints") +
      (rank <= 2 ? ", or Keras 1's dict" : "") + "; got " + value.dump();
  PaddingPairs out;
  if (value.is_number_integer()) {
    const std::int64_t n = value.get<std::int64_t>();
    out.assign(r, {n, n});
  } else if (value.is_object()) {
    try {
      out = keras1_padding_dict(value, rank, forms);
    } catch (const std::invalid_argument& e) {
      throw std::invalid_argument(std::string(e.what()) == forms ? forms
                                                                 : "`" + what + "` " + e.what());
    }
  } else if (!value.is_array()) {
    throw std::invalid_argument(forms);
  } else if (rank == 1 && value.size() == 2) {
    out = {{int_of(value[0], forms), int_of(value[1], forms)}};
  } else if (rank == 2 && value.size() == 4 && value[0].is_number_integer()) {
    // Keras 1's ZeroPadding2D (top_pad, bottom_pad, left_pad, right_pad).
    out = {{int_of(value[0], forms), int_of(value[1], forms)},
           {int_of(value[2], forms), int_of(value[3], forms)}};
  } else if (value.size() == r) {
    for (const auto& item : value) {
      if (item.is_number_integer()) {
        out.emplace_back(item.get<std::int64_t>(), item.get<std::int64_t>());
      } else if (item.is_array() && item.size() == 2) {
        out.emplace_back(int_of(item[0], forms), int_of(item[1], forms));
      } else {
        throw std::invalid_argument(forms);
      }
    }
  } else {
    throw std::invalid_argument(forms);
  }
  for (const auto& [a, b] : out)
    if (a < 0 || b < 0)
      throw std::invalid_argument("`" + what + "` must be non-negative, got " + value.dump());
  return out;
}

nlohmann::json padding_pairs_json(const PaddingPairs& pairs) {
  if (pairs.size() == 1) return {pairs[0].first, pairs[0].second};
  nlohmann::json out = nlohmann::json::array();
  for (const auto& [a, b] : pairs) out.push_back({a, b});
  return out;
}

}  // namespace schema

namespace {

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
    // Cropping all of a dimension leaves an empty one, as Keras's slice does; more is an error.
    if (out[axis] < 0)
      throw std::invalid_argument(name() + ": cropping " + std::to_string(a) + " + " +
                                  std::to_string(b) + " is more than dimension " +
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
  ResizeOptions o;
  o.data_format = data_format_;
  (crop_ ? o.cropping : o.padding) = amounts_;
  nlohmann::json config = Layer::get_config();
  if (crop_) return detail::config_with_arguments(config, CroppingSchema{o}, rank_);
  return detail::config_with_arguments(config, ZeroPaddingSchema{o}, rank_);
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
Cropping Cropping1D(Pairs cropping, ResizeOptions options) {
  return Cropping(kCropNames[0], 1, std::move(cropping), std::move(options));
}
Cropping Cropping2D(Pairs cropping, ResizeOptions options) {
  return Cropping(kCropNames[1], 2, std::move(cropping), std::move(options));
}
Cropping Cropping3D(Pairs cropping, ResizeOptions options) {
  return Cropping(kCropNames[2], 3, std::move(cropping), std::move(options));
}

ZeroPadding zero_padding_by_name(const std::string& class_name, ResizeOptions o) {
  for (int rank = 1; rank <= 3; ++rank)
    if (class_name == kPadNames[rank - 1]) {
      Pairs padding = o.padding.empty() ? Pairs(static_cast<std::size_t>(rank), {1, 1}) : o.padding;
      return ZeroPadding(class_name, rank, std::move(padding), false, std::move(o));
    }
  throw std::invalid_argument("Unknown zero padding layer: " + class_name);
}

Cropping cropping_by_name(const std::string& class_name, ResizeOptions o) {
  for (int rank = 1; rank <= 3; ++rank)
    if (class_name == kCropNames[rank - 1]) {
      const std::int64_t fill = rank == 2 ? 0 : 1;  // Keras's defaults
      Pairs cropping =
          o.cropping.empty() ? Pairs(static_cast<std::size_t>(rank), {fill, fill}) : o.cropping;
      return Cropping(class_name, rank, std::move(cropping), std::move(o));
    }
  throw std::invalid_argument("Unknown cropping layer: " + class_name);
}

namespace {
// A family member's from_config: `by_name(class_name, options)` makes the layer.
template <typename Schema, typename L, typename ByName>
std::shared_ptr<Layer> resize_from_config(const nlohmann::json& c, const std::string& class_name,
                                          ByName by_name) {
  return detail::layer_from_config_with<Schema>(
      c, class_name,
      [&](Schema o) { return std::make_shared<L>(by_name(class_name, std::move(o))); },
      rank_of(class_name));
}
}  // namespace

std::shared_ptr<Layer> zero_padding_from_config(const std::string& class_name,
                                                const nlohmann::json& c) {
  if (class_name.rfind("Cropping", 0) == 0)
    return resize_from_config<CroppingSchema, Cropping>(c, class_name, &cropping_by_name);
  return resize_from_config<ZeroPaddingSchema, ZeroPadding>(c, class_name, &zero_padding_by_name);
}

// ---- UpSampling --------------------------------------------------------------------------------

UpSampling::UpSampling(const std::string& class_name, int rank, Ints size, ResizeOptions options)
    : Layer(class_name, layer_arguments(options)),
      class_name_(class_name),
      rank_(rank),
      size_(detail::normalize_tuple(size, rank, 2, class_name, "size")),
      data_format_(data_format_of(options, rank)),
      interpolation_(options.interpolation) {
  if (interpolation_ != "nearest" && (rank != 2 || interpolation_ != "bilinear"))
    throw std::invalid_argument(class_name + ": `interpolation` " +
                                (rank == 2 ? "should be one of \"nearest\" or \"bilinear\""
                                           : std::string("can only be \"nearest\"")) +
                                ", got \"" + interpolation_ + "\"");
}

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

SymbolicTensor UpSampling::call(const SymbolicTensor& inputs) {
  compute_output_shape(inputs.shape());
  if (interpolation_ == "bilinear")
    return K::resize_images(inputs, size_[0], size_[1], data_format_, "bilinear");
  // Each element repeated along an axis: (lead, d, 1, rest) * ones(1, 1, s, 1).
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
  ResizeOptions o;
  o.size = size_;
  o.data_format = data_format_;
  o.interpolation = interpolation_;
  nlohmann::json config =
      detail::config_with_arguments(Layer::get_config(), UpSamplingSchema{o}, rank_);
  if (rank_ == 1) config["size"] = size_[0];  // Keras's UpSampling1D holds an int
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

UpSampling up_sampling_by_name(const std::string& class_name, ResizeOptions o) {
  for (int rank = 1; rank <= 3; ++rank)
    if (class_name == kUpNames[rank - 1]) {
      Ints size = o.size;
      return UpSampling(class_name, rank, std::move(size), std::move(o));
    }
  throw std::invalid_argument("Unknown up sampling layer: " + class_name);
}

std::shared_ptr<Layer> up_sampling_from_config(const std::string& class_name,
                                               const nlohmann::json& c) {
  return resize_from_config<UpSamplingSchema, UpSampling>(c, class_name, &up_sampling_by_name);
}

}  // namespace keras::layers
