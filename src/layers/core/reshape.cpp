#include <stdexcept>

#include "backend/reshape_like.h"
#include "keras/layers/core.h"
#include "layers/schema_config.h"

namespace keras::layers {

namespace {
// target_shape as the user wrote it: -1 stays -1 (shape_to_string would print None).
std::string target_to_string(const Shape& shape) {
  std::string s = "(";
  for (std::size_t i = 0; i < shape.size(); ++i) s += (i ? ", " : "") + std::to_string(shape[i]);
  return s + (shape.size() == 1 ? ",)" : ")");
}
}  // namespace

Reshape::Reshape(Shape target_shape, ReshapeOptions options)
    : Reshape([&] {
        options.target_shape = std::move(target_shape);
        return std::move(options);
      }()) {}

Reshape::Reshape(ReshapeOptions options)
    : Layer("Reshape", layer_arguments(options)), options_(std::move(options)) {
  const Shape& target = options_.target_shape;
  int unknown = 0;
  for (auto d : target) {
    if (d == -1) ++unknown;
    if (d == 0 || d < -1)
      throw std::invalid_argument(
          "Reshape: every dimension of `target_shape` must be positive or "
          "-1 (inferred), got " +
          target_to_string(target));
  }
  if (unknown > 1)
    throw std::invalid_argument(
        "Reshape: can only specify one unknown dimension (-1) in "
        "`target_shape`, got " +
        target_to_string(target));
}

Shape Reshape::compute_output_shape(const Shape& input_shape) const {
  if (input_shape.empty()) incompatible_input(input_shape, "expected min_ndim=1 (a batch axis)");
  Shape out{input_shape[0]};
  Shape sample(input_shape.begin() + 1, input_shape.end());
  std::int64_t input_size = shape_numel(sample);
  std::int64_t known = 1;
  int unknown_at = -1;
  for (std::size_t i = 0; i < options_.target_shape.size(); ++i) {
    if (options_.target_shape[i] == -1)
      unknown_at = static_cast<int>(i);
    else
      known *= options_.target_shape[i];
  }
  Shape target = options_.target_shape;
  if (input_size >= 0) {  // Keras leaves -1 (None) when the input size is not known statically
    bool fits = unknown_at >= 0 ? known > 0 && input_size % known == 0 : known == input_size;
    if (!fits)
      throw std::invalid_argument(
          "Reshape (layer " + name() + "): cannot reshape an input of shape " +
          shape_to_string(sample) + " (" + std::to_string(input_size) +
          " elements per sample) to target_shape " + target_to_string(options_.target_shape) +
          ": the total size of the new array must be unchanged");
    if (unknown_at >= 0) target[static_cast<std::size_t>(unknown_at)] = input_size / known;
  }
  out.insert(out.end(), target.begin(), target.end());
  return out;
}

SymbolicTensor Reshape::call(const SymbolicTensor& inputs) {
  Shape out = compute_output_shape(inputs.shape());
  bool resolved = true;
  for (std::size_t i = 1; i < out.size(); ++i) resolved = resolved && out[i] >= 0;
  out[0] = -1;
  if (resolved) return K::reshape(inputs, out);  // the batch axis is the one -1 to infer
  // Unknown input dimensions (variable-length sequences): the batch size comes from the inputs
  // when the function runs, and the target's -1 is inferred then.
  std::vector<int> like_axes(out.size(), -1);
  like_axes[0] = 0;
  Shape target{-1};
  target.insert(target.end(), options_.target_shape.begin(), options_.target_shape.end());
  return K::reshape_like(inputs, target, inputs, like_axes);
}

nlohmann::json Reshape::get_config() const {
  return detail::config_with_arguments(Layer::get_config(), options_);
}

LayerPtr Reshape::from_config(const nlohmann::json& config) {
  return detail::layer_from_config<Reshape, ReshapeOptions>(config, "Reshape");
}

}  // namespace keras::layers
