#include <stdexcept>

#include "keras/layers/core.h"
#include "layers/config_json.h"

namespace keras::layers {

Highway::Highway(HighwayOptions o)
    : Layer("Highway", layer_arguments(o)),
      init_(o.init),
      transform_bias_(o.transform_bias),
      activation_(o.activation),
      activation_fn_(o.activation.resolve()),
      W_regularizer_(o.W_regularizer),
      b_regularizer_(o.b_regularizer),
      activity_regularizer_(o.activity_regularizer),
      W_constraint_(o.W_constraint),
      b_constraint_(o.b_constraint),
      bias_(o.bias),
      input_dim_(o.input_dim) {
  initializers::get(init_);  // unknown names fail here, not at build time
}

void Highway::build(const Shape& input_shape) {
  if (input_shape.size() != 2) incompatible_input(input_shape, "expected ndim=2");
  std::int64_t dim = input_shape[1];
  if (dim < 0)
    incompatible_input(input_shape, "the last dimension of the inputs should be defined");
  if (input_dim_ && *input_dim_ != dim)
    incompatible_input(input_shape, "expected axis -1 of input shape to have value " +
                                        std::to_string(*input_dim_));
  auto init = initializers::get(init_);
  // Keras 1's weight order: W, b, W_carry, b_carry.
  W_ = add_weight("W", {dim, dim}, init, true, W_regularizer_.function(), W_constraint_.function());
  if (bias_)
    b_ = add_weight("b", {dim}, initializers::zeros(), true, b_regularizer_.function(),
                    b_constraint_.function());
  W_carry_ = add_weight("W_carry", {dim, dim}, init);
  if (bias_) b_carry_ = add_weight("b_carry", {dim}, initializers::constant(transform_bias_));
}

SymbolicTensor Highway::call(const SymbolicTensor& inputs) {
  if (inputs.shape().back() != W_.shape()[0])
    incompatible_input(inputs.shape(), "expected axis -1 of input shape to have value " +
                                           std::to_string(W_.shape()[0]));
  SymbolicTensor carry = K::dot(inputs, W_carry_);
  if (bias_) carry = carry + b_carry_;
  SymbolicTensor transform_weight = K::sigmoid(carry);
  SymbolicTensor y = K::dot(inputs, W_);
  if (bias_) y = y + b_;
  SymbolicTensor output = activation_fn_(y) * transform_weight + (1.0 - transform_weight) * inputs;
  if (activity_regularizer_) add_loss(activity_regularizer_(output));
  return output;
}

nlohmann::json Highway::get_config() const {
  nlohmann::json config = Layer::get_config();
  config["init"] = initializers::serialize(init_);
  config["transform_bias"] = transform_bias_;
  config["activation"] = activation_.name.empty() ? "linear" : activation_.name;
  config["W_regularizer"] = W_regularizer_.get_config();
  config["b_regularizer"] = b_regularizer_.get_config();
  config["activity_regularizer"] = activity_regularizer_.get_config();
  config["W_constraint"] = W_constraint_.get_config();
  config["b_constraint"] = b_constraint_.get_config();
  config["bias"] = bias_;
  config["input_dim"] = detail::optional_json(input_dim_);
  return config;
}

LayerPtr Highway::from_config(const nlohmann::json& config) {
  detail::ConfigReader r(config, "Highway");
  HighwayOptions o;
  r.common(o);
  o.init = r.initializer("init", "glorot_uniform");
  o.transform_bias = r.number("transform_bias", -2.0);
  o.activation = r.activation<ActivationArg>("activation");
  o.W_regularizer = r.regularizer("W_regularizer");
  o.b_regularizer = r.regularizer("b_regularizer");
  o.activity_regularizer = r.regularizer("activity_regularizer");
  o.W_constraint = r.constraint("W_constraint");
  o.b_constraint = r.constraint("b_constraint");
  o.bias = r.boolean("bias", true);
  o.input_dim = r.optional_integer("input_dim");
  r.find("weights");
  return r.done(std::make_shared<Highway>(o));
}

}  // namespace keras::layers
