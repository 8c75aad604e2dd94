#include <stdexcept>

#include "keras/layers/core.h"
#include "layers/config_json.h"

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
      units_(o.units != 0 ? o.units : o.output_dim),
      activation_(o.activation),
      activation_fn_(o.activation.resolve()),
      use_bias_(o.bias.value_or(o.use_bias)),
      kernel_initializer_(o.init.empty() ? o.kernel_initializer : o.init),
      bias_initializer_(o.bias_initializer),
      input_dim_(o.input_dim),
      kernel_regularizer_(o.W_regularizer ? o.W_regularizer : o.kernel_regularizer),
      bias_regularizer_(o.b_regularizer ? o.b_regularizer : o.bias_regularizer),
      activity_regularizer_(o.activity_regularizer),
      kernel_constraint_(o.W_constraint ? o.W_constraint : o.kernel_constraint),
      bias_constraint_(o.b_constraint ? o.b_constraint : o.bias_constraint) {
  supports_masking_ = true;  // Dense applies to the last axis: timestep masks pass through
  if (units_ <= 0)
    throw std::invalid_argument("Dense needs a positive `units` (Keras 1: `output_dim`), got " +
                                std::to_string(units_));
  initializers::get(kernel_initializer_);  // unknown names fail here, not at build time
  initializers::get(bias_initializer_);
}

void Dense::build(const Shape& input_shape) {
  if (input_shape.size() < 2) incompatible_input(input_shape, "expected min_ndim=2");
  std::int64_t input_dim = input_shape.back();
  if (input_dim < 0)
    incompatible_input(input_shape,
                       "the last dimension of the inputs to `Dense` should be defined");
  if (input_dim_ && *input_dim_ != input_dim)
    incompatible_input(input_shape, "expected axis -1 of input shape to have value " +
                                        std::to_string(*input_dim_));
  kernel_ = add_weight("kernel", {input_dim, units_}, initializers::get(kernel_initializer_), true,
                       kernel_regularizer_.function(), kernel_constraint_.function());
  if (use_bias_)
    bias_ = add_weight("bias", {units_}, initializers::get(bias_initializer_), true,
                       bias_regularizer_.function(), bias_constraint_.function());
}

SymbolicTensor Dense::call(const SymbolicTensor& inputs) {
  if (inputs.shape().back() != kernel_.shape()[0])
    incompatible_input(inputs.shape(), "expected axis -1 of input shape to have value " +
                                           std::to_string(kernel_.shape()[0]));
  SymbolicTensor output = backend::dot(inputs, kernel_);
  if (use_bias_) output = output + bias_;
  output = activation_fn_(output);
  if (activity_regularizer_) add_loss(activity_regularizer_(output));
  return output;
}

Shape Dense::compute_output_shape(const Shape& input_shape) const {
  Shape out = input_shape;
  out.back() = units_;
  return out;
}

nlohmann::json Dense::get_config() const {
  nlohmann::json config = Layer::get_config();
  config["units"] = units_;
  config["activation"] = activation_.name.empty() ? "linear" : activation_.name;
  config["use_bias"] = use_bias_;
  config["kernel_initializer"] = initializers::serialize(kernel_initializer_);
  config["bias_initializer"] = initializers::serialize(bias_initializer_);
  config["kernel_regularizer"] = kernel_regularizer_.get_config();
  config["bias_regularizer"] = bias_regularizer_.get_config();
  config["activity_regularizer"] = activity_regularizer_.get_config();
  config["kernel_constraint"] = kernel_constraint_.get_config();
  config["bias_constraint"] = bias_constraint_.get_config();
  return config;
}

LayerPtr Dense::from_config(const nlohmann::json& config) {
  detail::ConfigReader r(config, "Dense");
  DenseOptions o;
  r.common(o);
  o.units = r.integer("units", r.integer("output_dim", 0));
  o.activation = r.activation<ActivationArg>("activation");
  o.use_bias = r.boolean("use_bias", r.boolean("bias", true));
  o.kernel_initializer =
      r.initializer("kernel_initializer", r.initializer("init", "glorot_uniform"));
  o.bias_initializer = r.initializer("bias_initializer", "zeros");
  o.kernel_regularizer = r.regularizer("kernel_regularizer", "W_regularizer");
  o.bias_regularizer = r.regularizer("bias_regularizer", "b_regularizer");
  o.activity_regularizer = r.regularizer("activity_regularizer");
  o.kernel_constraint = r.constraint("kernel_constraint", "W_constraint");
  o.bias_constraint = r.constraint("bias_constraint", "b_constraint");
  o.input_dim = r.optional_integer("input_dim");
  r.find("weights");  // Keras 1 writes `weights: null`; values come from the weights file
  return r.done(std::make_shared<Dense>(o));
}

}  // namespace keras::layers
