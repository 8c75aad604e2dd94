#include <stdexcept>
#include <utility>

#include "keras/layers/advanced_activations.h"
#include "layers/advanced_activations/shared_axes.h"
#include "layers/schema_config.h"

namespace keras::layers {

PReLU::PReLU(PReLUOptions o) : Layer("PReLU", layer_arguments(o)), options_(std::move(o)) {
  options_.weights.clear();  // the base holds them until built
  supports_masking_ = true;
  initializers::get(options_.alpha_initializer);
  detail::check_shared_axes(options_.shared_axes, "PReLU");
}

void PReLU::build(const Shape& input_shape) {
  Shape param_shape;
  std::string unfit =
      detail::shared_parameter_shape(input_shape, options_.shared_axes, param_shape);
  if (!unfit.empty()) incompatible_input(input_shape, unfit);
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
