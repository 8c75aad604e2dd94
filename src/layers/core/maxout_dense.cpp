#include <stdexcept>
#include <utility>

#include "keras/layers/core.h"
#include "layers/schema_config.h"

namespace keras::layers {

MaxoutDense::MaxoutDense(std::int64_t output_dim, MaxoutDenseOptions options)
    : MaxoutDense([&] {
        options.output_dim = output_dim;
        return options;
      }()) {}

MaxoutDense::MaxoutDense(MaxoutDenseOptions o)
    : Layer("MaxoutDense", layer_arguments(o)), options_(std::move(o)) {
  options_.weights.clear();  // the base holds them until built
  if (options_.output_dim <= 0)
    throw std::invalid_argument("MaxoutDense needs a positive `output_dim`, got " +
                                std::to_string(options_.output_dim));
  if (options_.nb_feature <= 0)
    throw std::invalid_argument("MaxoutDense needs a positive `nb_feature`, got " +
                                std::to_string(options_.nb_feature));
  initializers::get(options_.init);
}

void MaxoutDense::build(const Shape& input_shape) {
  if (input_shape.size() != 2) incompatible_input(input_shape, "expected ndim=2");
  std::int64_t input_dim = input_shape[1];
  if (input_dim < 0)
    incompatible_input(input_shape, "the last dimension of the inputs should be defined");
  if (options_.input_dim && *options_.input_dim != input_dim)
    incompatible_input(input_shape, "expected axis -1 of input shape to have value " +
                                        std::to_string(*options_.input_dim));
  W_ = add_weight("W", {options_.nb_feature, input_dim, options_.output_dim},
                  initializers::get(options_.init), true, options_.W_regularizer.function(),
                  options_.W_constraint.function());
  if (options_.bias)
    b_ = add_weight("b", {options_.nb_feature, options_.output_dim}, initializers::zeros(), true,
                    options_.b_regularizer.function(), options_.b_constraint.function());
}

SymbolicTensor MaxoutDense::call(const SymbolicTensor& inputs) {
  std::int64_t input_dim = W_.shape()[1];
  if (inputs.shape().back() != input_dim)
    incompatible_input(inputs.shape(), "expected axis -1 of input shape to have value " +
                                           std::to_string(input_dim));
  // One matmul for all features: W as (input_dim, nb_feature * output_dim).
  SymbolicTensor w = K::reshape(K::permute_dimensions(W_, {1, 0, 2}),
                                {input_dim, options_.nb_feature * options_.output_dim});
  SymbolicTensor y = K::reshape(K::dot(inputs, w), {-1, options_.nb_feature, options_.output_dim});
  if (options_.bias) y = y + b_;
  SymbolicTensor output = K::max(y, {1});
  if (options_.activity_regularizer) add_loss(options_.activity_regularizer(output));
  return output;
}

Shape MaxoutDense::compute_output_shape(const Shape& input_shape) const {
  return {input_shape.empty() ? -1 : input_shape[0], options_.output_dim};
}

nlohmann::json MaxoutDense::get_config() const {
  return detail::config_with_arguments(Layer::get_config(), options_);
}

LayerPtr MaxoutDense::from_config(const nlohmann::json& config) {
  return detail::layer_from_config<MaxoutDense, MaxoutDenseOptions>(config, "MaxoutDense");
}

}  // namespace keras::layers
