#include <stdexcept>

#include "keras/layers/core.h"
#include "layers/config_json.h"

namespace keras::layers {

MaxoutDense::MaxoutDense(std::int64_t output_dim, MaxoutDenseOptions options)
    : MaxoutDense([&] {
        options.output_dim = output_dim;
        return options;
      }()) {}

MaxoutDense::MaxoutDense(MaxoutDenseOptions o)
    : Layer("MaxoutDense", layer_arguments(o)),
      output_dim_(o.output_dim),
      nb_feature_(o.nb_feature),
      init_(o.init),
      W_regularizer_(o.W_regularizer),
      b_regularizer_(o.b_regularizer),
      activity_regularizer_(o.activity_regularizer),
      W_constraint_(o.W_constraint),
      b_constraint_(o.b_constraint),
      bias_(o.bias),
      input_dim_(o.input_dim) {
  if (output_dim_ <= 0)
    throw std::invalid_argument("MaxoutDense needs a positive `output_dim`, got " +
                                std::to_string(output_dim_));
  if (nb_feature_ <= 0)
    throw std::invalid_argument("MaxoutDense needs a positive `nb_feature`, got " +
                                std::to_string(nb_feature_));
  initializers::get(init_);
}

void MaxoutDense::build(const Shape& input_shape) {
  if (input_shape.size() != 2) incompatible_input(input_shape, "expected ndim=2");
  std::int64_t input_dim = input_shape[1];
  if (input_dim < 0)
    incompatible_input(input_shape, "the last dimension of the inputs should be defined");
  if (input_dim_ && *input_dim_ != input_dim)
    incompatible_input(input_shape, "expected axis -1 of input shape to have value " +
                                        std::to_string(*input_dim_));
  W_ = add_weight("W", {nb_feature_, input_dim, output_dim_}, initializers::get(init_), true,
                  W_regularizer_.function(), W_constraint_.function());
  if (bias_)
    b_ = add_weight("b", {nb_feature_, output_dim_}, initializers::zeros(), true,
                    b_regularizer_.function(), b_constraint_.function());
}

SymbolicTensor MaxoutDense::call(const SymbolicTensor& inputs) {
  std::int64_t input_dim = W_.shape()[1];
  if (inputs.shape().back() != input_dim)
    incompatible_input(inputs.shape(), "expected axis -1 of input shape to have value " +
                                           std::to_string(input_dim));
  // One matmul for all features: W as (input_dim, nb_feature * output_dim).
  SymbolicTensor w =
      K::reshape(K::permute_dimensions(W_, {1, 0, 2}), {input_dim, nb_feature_ * output_dim_});
  SymbolicTensor y = K::reshape(K::dot(inputs, w), {-1, nb_feature_, output_dim_});
  if (bias_) y = y + b_;
  SymbolicTensor output = K::max(y, {1});
  if (activity_regularizer_) add_loss(activity_regularizer_(output));
  return output;
}

Shape MaxoutDense::compute_output_shape(const Shape& input_shape) const {
  return {input_shape.empty() ? -1 : input_shape[0], output_dim_};
}

nlohmann::json MaxoutDense::get_config() const {
  nlohmann::json config = Layer::get_config();
  config["output_dim"] = output_dim_;
  config["init"] = initializers::serialize(init_);
  config["nb_feature"] = nb_feature_;
  config["W_regularizer"] = W_regularizer_.get_config();
  config["b_regularizer"] = b_regularizer_.get_config();
  config["activity_regularizer"] = activity_regularizer_.get_config();
  config["W_constraint"] = W_constraint_.get_config();
  config["b_constraint"] = b_constraint_.get_config();
  config["bias"] = bias_;
  config["input_dim"] = detail::optional_json(input_dim_);
  return config;
}

LayerPtr MaxoutDense::from_config(const nlohmann::json& config) {
  detail::ConfigReader r(config, "MaxoutDense");
  MaxoutDenseOptions o;
  r.common(o);
  o.output_dim = r.integer("output_dim", 0);
  o.nb_feature = r.integer("nb_feature", 4);
  o.init = r.initializer("init", "glorot_uniform");
  o.W_regularizer = r.regularizer("W_regularizer");
  o.b_regularizer = r.regularizer("b_regularizer");
  o.activity_regularizer = r.regularizer("activity_regularizer");
  o.W_constraint = r.constraint("W_constraint");
  o.b_constraint = r.constraint("b_constraint");
  o.bias = r.boolean("bias", true);
  o.input_dim = r.optional_integer("input_dim");
  r.find("weights");
  return r.done(std::make_shared<MaxoutDense>(o));
}

}  // namespace keras::layers
