#include <stdexcept>
#include <utility>

#include "keras/layers/core.h"
#include "layers/schema_config.h"

namespace keras::layers {

TimeDistributedDense::TimeDistributedDense(std::int64_t output_dim,
                                           TimeDistributedDenseOptions options)
    : TimeDistributedDense([&] {
        options.output_dim = output_dim;
        return options;
      }()) {}

TimeDistributedDense::TimeDistributedDense(TimeDistributedDenseOptions o)
    : Layer("TimeDistributedDense", layer_arguments(o)),
      options_(std::move(o)),
      activation_fn_(options_.activation.resolve()) {
  options_.weights.clear();  // the base holds them until built
  if (options_.output_dim <= 0)
    throw std::invalid_argument("TimeDistributedDense needs a positive `output_dim`, got " +
                                std::to_string(options_.output_dim));
  initializers::get(options_.init);
}

void TimeDistributedDense::build(const Shape& input_shape) {
  if (input_shape.size() != 3)
    incompatible_input(input_shape, "expected ndim=3 (samples, timesteps, input_dim)");
  std::int64_t input_dim = input_shape[2];
  if (input_dim < 0)
    incompatible_input(input_shape, "the last dimension of the inputs should be defined");
  if (options_.input_dim && *options_.input_dim != input_dim)
    incompatible_input(input_shape, "expected axis -1 of input shape to have value " +
                                        std::to_string(*options_.input_dim));
  W_ = add_weight("W", {input_dim, options_.output_dim}, initializers::get(options_.init), true,
                  options_.W_regularizer.function(), options_.W_constraint.function());
  if (options_.bias)
    b_ = add_weight("b", {options_.output_dim}, initializers::zeros(), true,
                    options_.b_regularizer.function(), options_.b_constraint.function());
}

SymbolicTensor TimeDistributedDense::call(const SymbolicTensor& inputs) {
  if (inputs.ndim() != 3 || inputs.shape().back() != W_.shape()[0])
    incompatible_input(inputs.shape(),
                       "expected ndim=3 with axis -1 of value " + std::to_string(W_.shape()[0]));
  SymbolicTensor y = K::dot(inputs, W_);  // (samples, timesteps, output_dim)
  if (options_.bias) y = y + b_;
  SymbolicTensor output = activation_fn_(y);
  if (options_.activity_regularizer) add_loss(options_.activity_regularizer(output));
  return output;
}

Shape TimeDistributedDense::compute_output_shape(const Shape& input_shape) const {
  if (input_shape.size() != 3)
    incompatible_input(input_shape, "expected ndim=3 (samples, timesteps, input_dim)");
  return {input_shape[0], input_shape[1], options_.output_dim};
}

nlohmann::json TimeDistributedDense::get_config() const {
  return detail::config_with_arguments(Layer::get_config(), options_);
}

LayerPtr TimeDistributedDense::from_config(const nlohmann::json& config) {
  return detail::layer_from_config<TimeDistributedDense, TimeDistributedDenseOptions>(
      config, "TimeDistributedDense");
}

}  // namespace keras::layers
