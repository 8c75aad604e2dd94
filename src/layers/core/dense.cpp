#include <stdexcept>
#include <utility>

#include "keras/layers/core.h"
#include "layers/schema_config.h"

namespace keras::layers {

activations::ActivationFunction ActivationArg::resolve() const {
  if (function) return function;
  return activations::get(name);
}

Dense::Dense(std::int64_t units, DenseOptions options)
    : Dense([&] {
        options.units = units;
        return options;
      }()) {}

Dense::Dense(DenseOptions o)
    : Layer("Dense", layer_arguments(o)),
      options_(std::move(o)),
      activation_fn_(options_.activation.resolve()) {
  options_.weights.clear();  // the base holds them until built
  supports_masking_ = true;  // Dense applies to the last axis: timestep masks pass through
  if (options_.units <= 0)
    throw std::invalid_argument("Dense needs a positive `units` (Keras 1: `output_dim`), got " +
                                std::to_string(options_.units));
  initializers::get(options_.kernel_initializer);  // unknown names fail here, not at build time
  initializers::get(options_.bias_initializer);
}

void Dense::build(const Shape& input_shape) {
  if (input_shape.size() < 2) incompatible_input(input_shape, "expected min_ndim=2");
  std::int64_t input_dim = input_shape.back();
  if (input_dim < 0)
    incompatible_input(input_shape,
                       "the last dimension of the inputs to `Dense` should be defined");
  // input_dim (Keras 1's and 2's) only gives a first layer its input, as input_shape does:
  // Keras builds a layer called on other inputs for those (a later layer of a Sequential).
  kernel_ = add_weight(
      "kernel", {input_dim, options_.units}, initializers::get(options_.kernel_initializer), true,
      options_.kernel_regularizer.function(), options_.kernel_constraint.function());
  if (options_.use_bias)
    bias_ = add_weight("bias", {options_.units}, initializers::get(options_.bias_initializer), true,
                       options_.bias_regularizer.function(), options_.bias_constraint.function());
}

SymbolicTensor Dense::call(const SymbolicTensor& inputs) {
  if (inputs.shape().back() != kernel_.shape()[0])
    incompatible_input(inputs.shape(), "expected axis -1 of input shape to have value " +
                                           std::to_string(kernel_.shape()[0]));
  SymbolicTensor output = backend::dot(inputs, kernel_);
  if (options_.use_bias) output = output + bias_;
  output = activation_fn_(output);
  if (options_.activity_regularizer) add_loss(options_.activity_regularizer(output));
  return output;
}

Shape Dense::compute_output_shape(const Shape& input_shape) const {
  Shape out = input_shape;
  out.back() = options_.units;
  return out;
}

nlohmann::json Dense::get_config() const {
  return detail::config_with_arguments(Layer::get_config(), options_);
}

LayerPtr Dense::from_config(const nlohmann::json& config) {
  return detail::layer_from_config<Dense, DenseOptions>(config, "Dense");
}

}  // namespace keras::layers
