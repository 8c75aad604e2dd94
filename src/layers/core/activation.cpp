#include "keras/layers/core.h"

namespace keras::layers {

namespace {
LayerArguments activation_arguments(const ActivationOptions& o) {
  LayerArguments args;
  args.name = o.name;
  args.input_shape = o.input_shape;
  args.batch_input_shape = o.batch_input_shape;
  return args;
}
}  // namespace

Activation::Activation(ActivationArg activation, ActivationOptions options)
    : Layer("Activation", activation_arguments(options)),
      activation_(std::move(activation)),
      activation_fn_(activation_.resolve()) {}

SymbolicTensor Activation::call(const SymbolicTensor& inputs) { return activation_fn_(inputs); }

nlohmann::json Activation::get_config() const {
  nlohmann::json config = Layer::get_config();
  config["activation"] = activation_.name.empty() ? "linear" : activation_.name;
  return config;
}

}  // namespace keras::layers
