#include <utility>

#include "keras/layers/advanced_activations.h"
#include "layers/schema_config.h"

namespace keras::layers {

LeakyReLU::LeakyReLU(LeakyReLUOptions options)
    : Layer("LeakyReLU", layer_arguments(options)), options_(std::move(options)) {
  supports_masking_ = true;
}

LeakyReLU::LeakyReLU(double alpha, LeakyReLUOptions options)
    : LeakyReLU([&] {
        options.alpha = alpha;
        return std::move(options);
      }()) {}

SymbolicTensor LeakyReLU::call(const SymbolicTensor& inputs) {
  return K::relu(inputs, options_.alpha);
}

nlohmann::json LeakyReLU::get_config() const {
  return detail::config_with_arguments(Layer::get_config(), options_);
}

LayerPtr LeakyReLU::from_config(const nlohmann::json& config) {
  return detail::layer_from_config<LeakyReLU, LeakyReLUOptions>(config, "LeakyReLU");
}

}  // namespace keras::layers
