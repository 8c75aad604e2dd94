#include <stdexcept>
#include <utility>

#include "keras/layers/advanced_activations.h"
#include "layers/schema_config.h"

namespace keras::layers {

PReLU::PReLU(PReLUOptions o) : Layer("PReLU", layer_arguments(o)), options_(std::move(o)) {
  options_.weights.clear();  // the base holds them until built
  supports_masking_ = true;
  initializers::get(options_.alpha_initializer);
  for (int axis : options_.shared_axes)
    if (axis < 1)
      throw std::invalid_argument("PReLU: `shared_axes` are 1-based non-batch axes, got " +
                                  std::to_string(axis));
}

void PReLU::build(const Shape& input_shape) {
  if (input_shape.size() < 2) incompatible_input(input_shape, "expected min_ndim=2");
  Shape param_shape(input_shape.begin() + 1, input_shape.end());
  for (int axis : options_.shared_axes) {
    if (static_cast<std::size_t>(axis) >= input_shape.size())
      incompatible_input(input_shape, "shared axis " + std::to_string(axis) +
                                          " is beyond the input's last axis " +
                                          std::to_string(input_shape.size() - 1));
    param_shape[static_cast<std::size_t>(axis - 1)] = 1;
  }
  for (auto d : param_shape)
    if (d < 0)
      incompatible_input(input_shape, "every non-batch dimension that is not shared must be known");
  alpha_ = add_weight("alpha", param_shape, initializers::get(options_.alpha_initializer), true,
                      options_.alpha_regularizer.function(), options_.alpha_constraint.function());
}

SymbolicTensor PReLU::call(const SymbolicTensor& inputs) {
  return K::relu(inputs) - alpha_ * K::relu(-inputs);
}

nlohmann::json PReLU::get_config() const {
  return detail::config_with_arguments(Layer::get_config(), options_);
}

LayerPtr PReLU::from_config(const nlohmann::json& config) {
  return detail::layer_from_config<PReLU, PReLUOptions>(config, "PReLU");
}

}  // namespace keras::layers
