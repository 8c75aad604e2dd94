#include <stdexcept>
#include <utility>

#include "keras/layers/core.h"
#include "layers/schema_config.h"

namespace keras::layers {

Highway::Highway(HighwayOptions o)
    : Layer("Highway", layer_arguments(o)),
      options_(std::move(o)),
      activation_fn_(options_.activation.resolve()) {
  options_.weights.clear();          // the base holds them until built
  initializers::get(options_.init);  // unknown names fail here, not at build time
}

void Highway::build(const Shape& input_shape) {
  if (input_shape.size() != 2) incompatible_input(input_shape, "expected ndim=2");
  std::int64_t dim = input_shape[1];
  if (dim < 0)
    incompatible_input(input_shape, "the last dimension of the inputs should be defined");
  if (options_.input_dim && *options_.input_dim != dim)
    incompatible_input(input_shape, "expected axis -1 of input shape to have value " +
                                        std::to_string(*options_.input_dim));
  auto init = initializers::get(options_.init);
  // Keras 1's weight order: W, b, W_carry, b_carry.
  W_ = add_weight("W", {dim, dim}, init, true, options_.W_regularizer.function(),
                  options_.W_constraint.function());
  if (options_.bias)
    b_ = add_weight("b", {dim}, initializers::zeros(), true, options_.b_regularizer.function(),
                    options_.b_constraint.function());
  W_carry_ = add_weight("W_carry", {dim, dim}, init);
  if (options_.bias)
    b_carry_ = add_weight("b_carry", {dim}, initializers::constant(options_.transform_bias));
}

SymbolicTensor Highway::call(const SymbolicTensor& inputs) {
  if (inputs.shape().back() != W_.shape()[0])
    incompatible_input(inputs.shape(), "expected axis -1 of input shape to have value " +
                                           std::to_string(W_.shape()[0]));
  SymbolicTensor carry = K::dot(inputs, W_carry_);
  if (options_.bias) carry = carry + b_carry_;
  SymbolicTensor transform_weight = K::sigmoid(carry);
  SymbolicTensor y = K::dot(inputs, W_);
  if (options_.bias) y = y + b_;
  SymbolicTensor output = activation_fn_(y) * transform_weight + (1.0 - transform_weight) * inputs;
  if (options_.activity_regularizer) add_loss(options_.activity_regularizer(output));
  return output;
}

nlohmann::json Highway::get_config() const {
  return detail::config_with_arguments(Layer::get_config(), options_);
}

LayerPtr Highway::from_config(const nlohmann::json& config) {
  return detail::layer_from_config<Highway, HighwayOptions>(config, "Highway");
}

}  // namespace keras::layers
