#include <stdexcept>

#include "keras/layers/core.h"
#include "layers/config_json.h"

namespace keras::layers {

TimeDistributedDense::TimeDistributedDense(std::int64_t output_dim,
                                           TimeDistributedDenseOptions options)
    : TimeDistributedDense([&] {
        options.output_dim = output_dim;
        return options;
      }()) {}

TimeDistributedDense::TimeDistributedDense(TimeDistributedDenseOptions o)
    : Layer("TimeDistributedDense", layer_arguments(o)),
      output_dim_(o.output_dim),
      init_(o.init),
      activation_(o.activation),
      activation_fn_(o.activation.resolve()),
      W_regularizer_(o.W_regularizer),
      b_regularizer_(o.b_regularizer),
      activity_regularizer_(o.activity_regularizer),
      W_constraint_(o.W_constraint),
      b_constraint_(o.b_constraint),
      bias_(o.bias),
      input_dim_(o.input_dim),
      input_length_(o.input_length) {
  if (output_dim_ <= 0)
    throw std::invalid_argument("TimeDistributedDense needs a positive `output_dim`, got " +
                                std::to_string(output_dim_));
  initializers::get(init_);
}

void TimeDistributedDense::build(const Shape& input_shape) {
  if (input_shape.size() != 3)
    incompatible_input(input_shape, "expected ndim=3 (samples, timesteps, input_dim)");
  std::int64_t input_dim = input_shape[2];
  if (input_dim < 0)
    incompatible_input(input_shape, "the last dimension of the inputs should be defined");
  if (input_dim_ && *input_dim_ != input_dim)
    incompatible_input(input_shape, "expected axis -1 of input shape to have value " +
                                        std::to_string(*input_dim_));
  W_ = add_weight("W", {input_dim, output_dim_}, initializers::get(init_), true,
                  W_regularizer_.function(), W_constraint_.function());
  if (bias_)
    b_ = add_weight("b", {output_dim_}, initializers::zeros(), true, b_regularizer_.function(),
                    b_constraint_.function());
}

SymbolicTensor TimeDistributedDense::call(const SymbolicTensor& inputs) {
  if (inputs.ndim() != 3 || inputs.shape().back() != W_.shape()[0])
    incompatible_input(inputs.shape(),
                       "expected ndim=3 with axis -1 of value " + std::to_string(W_.shape()[0]));
  SymbolicTensor y = K::dot(inputs, W_);  // (samples, timesteps, output_dim)
  if (bias_) y = y + b_;
  SymbolicTensor output = activation_fn_(y);
  if (activity_regularizer_) add_loss(activity_regularizer_(output));
  return output;
}

Shape TimeDistributedDense::compute_output_shape(const Shape& input_shape) const {
  if (input_shape.size() != 3)
    incompatible_input(input_shape, "expected ndim=3 (samples, timesteps, input_dim)");
  return {input_shape[0], input_shape[1], output_dim_};
}

nlohmann::json TimeDistributedDense::get_config() const {
  nlohmann::json config = Layer::get_config();
  config["output_dim"] = output_dim_;
  config["init"] = initializers::serialize(init_);
  config["activation"] = activation_.name.empty() ? "linear" : activation_.name;
  config["W_regularizer"] = W_regularizer_.get_config();
  config["b_regularizer"] = b_regularizer_.get_config();
  config["activity_regularizer"] = activity_regularizer_.get_config();
  config["W_constraint"] = W_constraint_.get_config();
  config["b_constraint"] = b_constraint_.get_config();
  config["bias"] = bias_;
  config["input_dim"] = detail::optional_json(input_dim_);
  config["input_length"] = detail::optional_json(input_length_);
  return config;
}

LayerPtr TimeDistributedDense::from_config(const nlohmann::json& config) {
  detail::ConfigReader r(config, "TimeDistributedDense");
  TimeDistributedDenseOptions o;
  r.common(o);
  o.output_dim = r.integer("output_dim", 0);
  o.init = r.initializer("init", "glorot_uniform");
  o.activation = r.activation<ActivationArg>("activation");
  o.W_regularizer = r.regularizer("W_regularizer");
  o.b_regularizer = r.regularizer("b_regularizer");
  o.activity_regularizer = r.regularizer("activity_regularizer");
  o.W_constraint = r.constraint("W_constraint");
  o.b_constraint = r.constraint("b_constraint");
  o.bias = r.boolean("bias", true);
  o.input_dim = r.optional_integer("input_dim");
  o.input_length = r.optional_integer("input_length");
  r.find("weights");
  return r.done(std::make_shared<TimeDistributedDense>(o));
}

}  // namespace keras::layers
