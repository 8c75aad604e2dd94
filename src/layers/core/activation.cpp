#include <utility>

#include "keras/layers/core.h"
#include "layers/schema_config.h"

namespace keras::layers {

Activation::Activation(ActivationOptions options)
    : Layer("Activation", layer_arguments(options)),
      options_(std::move(options)),
      activation_fn_(options_.activation.resolve()) {
  supports_masking_ = true;
}

Activation::Activation(ActivationArg activation, ActivationOptions options)
    : Activation([&] {
        options.activation = std::move(activation);
        return std::move(options);
      }()) {}

SymbolicTensor Activation::call(const SymbolicTensor& inputs) {
  return activation_fn_(inputs);
}

nlohmann::json Activation::get_config() const {
  return detail::config_with_arguments(Layer::get_config(), options_);
}

LayerPtr Activation::from_config(const nlohmann::json& config) {
  return detail::layer_from_config<Activation, ActivationOptions>(config, "Activation");
}

}  // namespace keras::layers
