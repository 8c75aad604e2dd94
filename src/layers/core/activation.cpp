#include "keras/layers/core.h"
#include "layers/config_json.h"

namespace keras::layers {

Activation::Activation(ActivationArg activation, ActivationOptions options)
    : Layer("Activation", layer_arguments(options)),
      activation_(std::move(activation)),
      activation_fn_(activation_.resolve()) {
  supports_masking_ = true;
}

SymbolicTensor Activation::call(const SymbolicTensor& inputs) {
  return activation_fn_(inputs);
}

nlohmann::json Activation::get_config() const {
  nlohmann::json config = Layer::get_config();
  config["activation"] = activation_.name.empty() ? "linear" : activation_.name;
  return config;
}

LayerPtr Activation::from_config(const nlohmann::json& config) {
  detail::ConfigReader r(config, "Activation");
  ActivationOptions o;
  r.common(o);
  auto activation = r.activation<ActivationArg>("activation");
  return r.done(std::make_shared<Activation>(activation, o));
}

}  // namespace keras::layers
