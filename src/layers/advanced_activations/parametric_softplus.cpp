#include <utility>

#include "keras/initializers.h"
#include "keras/layers/advanced_activations.h"
#include "layers/advanced_activations/shared_axes.h"
#include "layers/schema_config.h"

namespace keras::layers {

ParametricSoftplus::ParametricSoftplus(ParametricSoftplusOptions o)
    : Layer("ParametricSoftplus", layer_arguments(o)), options_(std::move(o)) {
  options_.weights.clear();  // the base holds them until built
  supports_masking_ = true;
  detail::check_shared_axes(options_.shared_axes, "ParametricSoftplus");
}

void ParametricSoftplus::build(const Shape& input_shape) {
  Shape param_shape;
  std::string unfit =
      detail::shared_parameter_shape(input_shape, options_.shared_axes, param_shape);
  if (!unfit.empty()) incompatible_input(input_shape, unfit);
  // Keras 1 creates them as variables of alpha_init * ones, beta_init * ones: in this order.
  alphas_ = add_weight("alphas", param_shape, initializers::constant(options_.alpha_init));
  betas_ = add_weight("betas", param_shape, initializers::constant(options_.beta_init));
}

SymbolicTensor ParametricSoftplus::call(const SymbolicTensor& inputs) {
  return K::softplus(betas_ * inputs) * alphas_;
}

nlohmann::json ParametricSoftplus::get_config() const {
  return detail::config_with_arguments(Layer::get_config(), options_);
}

LayerPtr ParametricSoftplus::from_config(const nlohmann::json& config) {
  return detail::layer_from_config<ParametricSoftplus, ParametricSoftplusOptions>(
      config, "ParametricSoftplus");
}

}  // namespace keras::layers
