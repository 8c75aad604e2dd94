#include <stdexcept>

#include "keras/layers/advanced_activations.h"
#include "layers/config_json.h"

namespace keras::layers {

PReLU::PReLU(PReLUOptions o)
    : Layer("PReLU", layer_arguments(o)),
      alpha_initializer_(o.init.empty() ? o.alpha_initializer : o.init),
      alpha_regularizer_(o.alpha_regularizer),
      alpha_constraint_(o.alpha_constraint),
      shared_axes_(o.shared_axes) {
  supports_masking_ = true;
  initializers::get(alpha_initializer_);
  for (int axis : shared_axes_)
    if (axis < 1)
      throw std::invalid_argument("PReLU: `shared_axes` are 1-based non-batch axes, got " +
                                  std::to_string(axis));
}

void PReLU::build(const Shape& input_shape) {
  if (input_shape.size() < 2) incompatible_input(input_shape, "expected min_ndim=2");
  Shape param_shape(input_shape.begin() + 1, input_shape.end());
  for (int axis : shared_axes_) {
    if (static_cast<std::size_t>(axis) >= input_shape.size())
      incompatible_input(input_shape, "shared axis " + std::to_string(axis) +
                                          " is beyond the input's last axis " +
                                          std::to_string(input_shape.size() - 1));
    param_shape[static_cast<std::size_t>(axis - 1)] = 1;
  }
  for (auto d : param_shape)
    if (d < 0)
      incompatible_input(input_shape, "every non-batch dimension that is not shared must be known");
  alpha_ = add_weight("alpha", param_shape, initializers::get(alpha_initializer_), true,
                      alpha_regularizer_.function(), alpha_constraint_.function());
}

SymbolicTensor PReLU::call(const SymbolicTensor& inputs) {
  return K::relu(inputs) - alpha_ * K::relu(-inputs);
}

nlohmann::json PReLU::get_config() const {
  nlohmann::json config = Layer::get_config();
  config["alpha_initializer"] = initializers::serialize(alpha_initializer_);
  config["alpha_regularizer"] = alpha_regularizer_.get_config();
  config["alpha_constraint"] = alpha_constraint_.get_config();
  config["shared_axes"] =
      shared_axes_.empty() ? nlohmann::json(nullptr) : nlohmann::json(shared_axes_);
  return config;
}

LayerPtr PReLU::from_config(const nlohmann::json& config) {
  detail::ConfigReader r(config, "PReLU");
  PReLUOptions o;
  r.common(o);
  o.alpha_initializer = r.initializer("alpha_initializer", r.initializer("init", "zeros"));
  o.alpha_regularizer = r.regularizer("alpha_regularizer");
  o.alpha_constraint = r.constraint("alpha_constraint");
  if (r.has("shared_axes")) {
    const nlohmann::json& axes = r.require("shared_axes");
    if (axes.is_number_integer())
      o.shared_axes = {axes.get<int>()};
    else
      o.shared_axes = r.ints("shared_axes");
  }
  r.find("shared_axes");
  r.find("weights");
  return r.done(std::make_shared<PReLU>(o));
}

}  // namespace keras::layers
