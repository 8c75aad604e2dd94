#include <utility>

#include "keras/initializers.h"
#include "keras/layers/advanced_activations.h"
#include "layers/advanced_activations/shared_axes.h"
#include "layers/schema_config.h"

namespace keras::layers {

SReLU::SReLU(SReLUOptions o) : Layer("SReLU", layer_arguments(o)), options_(std::move(o)) {
  options_.weights.clear();  // the base holds them until built
  supports_masking_ = true;
  for (const std::string* name : {&options_.t_left_init, &options_.a_left_init,
                                  &options_.t_right_init, &options_.a_right_init})
    initializers::get(*name);  // unknown names fail here, not at build time
  detail::check_shared_axes(options_.shared_axes, "SReLU");
}

void SReLU::build(const Shape& input_shape) {
  Shape param_shape;
  std::string unfit =
      detail::shared_parameter_shape(input_shape, options_.shared_axes, param_shape);
  if (!unfit.empty()) incompatible_input(input_shape, unfit);
  // Keras 1's trainable_weights order, which its weight files keep.
  t_left_ = add_weight("t_left", param_shape, initializers::get(options_.t_left_init));
  a_left_ = add_weight("a_left", param_shape, initializers::get(options_.a_left_init));
  t_right_ = add_weight("t_right", param_shape, initializers::get(options_.t_right_init));
  a_right_ = add_weight("a_right", param_shape, initializers::get(options_.a_right_init));
}

// Keras 1.2.2's t_left + K.relu(x - t_left, a_left, t_right_actual - t_left) +
// K.relu(x - t_right_actual) * a_right, with its TensorFlow backend's relu(z, alpha, max_value):
// min(relu(z), max_value) - alpha * relu(-z). t_right_actual - t_left is |t_right|.
SymbolicTensor SReLU::call(const SymbolicTensor& inputs) {
  SymbolicTensor width = K::abs(t_right_);
  SymbolicTensor t_right_actual = t_left_ + width;
  SymbolicTensor z = inputs - t_left_;
  SymbolicTensor left_and_center = t_left_ + K::minimum(K::relu(z), width) - a_left_ * K::relu(-z);
  return left_and_center + K::relu(inputs - t_right_actual) * a_right_;
}

nlohmann::json SReLU::get_config() const {
  return detail::config_with_arguments(Layer::get_config(), options_);
}

LayerPtr SReLU::from_config(const nlohmann::json& config) {
  return detail::layer_from_config<SReLU, SReLUOptions>(config, "SReLU");
}

}  // namespace keras::layers
