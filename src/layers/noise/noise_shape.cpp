#include "layers/noise/noise_shape.h"

#include <stdexcept>

#include "layers/config_json.h"

namespace keras::layers::detail {

namespace {
std::string noise_text(const Shape& noise_shape) {
  std::string text = "(";
  for (std::size_t i = 0; i < noise_shape.size(); ++i)
    text += (i ? ", " : "") +
            (noise_shape[i] < 0 ? std::string("None") : std::to_string(noise_shape[i]));
  return text + (noise_shape.size() == 1 ? ",)" : ")");
}
}  // namespace

void check_noise_shape(const std::optional<Shape>& noise_shape, const std::string& layer) {
  if (!noise_shape) return;
  for (auto d : *noise_shape)
    if (d == 0 || d < -1)
      throw std::invalid_argument(layer + ": `noise_shape` " + noise_text(*noise_shape) +
                                  " must hold positive sizes or None, got " + std::to_string(d));
}

SymbolicTensor noise_like(const SymbolicTensor& inputs, const std::optional<Shape>& noise_shape,
                          const std::string& layer) {
  if (!noise_shape) return inputs;
  const Shape& shape = inputs.shape();
  if (noise_shape->size() != shape.size())
    throw std::invalid_argument(layer + ": `noise_shape` " + noise_text(*noise_shape) +
                                " must have the rank of the input (" +
                                std::to_string(shape.size()) + "), got an input of shape " +
                                shape_to_string(shape));
  SymbolicTensor like = inputs;
  for (std::size_t axis = 0; axis < shape.size(); ++axis) {
    const std::int64_t n = (*noise_shape)[axis], d = shape[axis];
    if (n < 0 || n == d || (d < 0 && n != 1)) continue;  // one draw per element on this axis
    if (n != 1)
      throw std::invalid_argument(layer + ": `noise_shape` " + noise_text(*noise_shape) +
                                  " does not broadcast to the input's shape " +
                                  shape_to_string(shape) + " (axis " + std::to_string(axis) + ": " +
                                  std::to_string(n) + " is neither 1 nor " + std::to_string(d) +
                                  ")");
    like = K::slice(like, static_cast<int>(axis), 0, 1);
  }
  return like;
}

nlohmann::json noise_shape_json(const std::optional<Shape>& noise_shape) {
  return noise_shape ? shape_json(*noise_shape) : nlohmann::json(nullptr);
}

}  // namespace keras::layers::detail
