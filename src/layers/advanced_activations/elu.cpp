#include <utility>

#include "keras/layers/advanced_activations.h"
#include "layers/schema_config.h"

namespace keras::layers {

ELU::ELU(ELUOptions options)
    : Layer("ELU", layer_arguments(options)), options_(std::move(options)) {
  supports_masking_ = true;
}

ELU::ELU(double alpha, ELUOptions options)
    : ELU([&] {
        options.alpha = alpha;
        return std::move(options);
      }()) {}

SymbolicTensor ELU::call(const SymbolicTensor& inputs) {
  return K::elu(inputs, options_.alpha);
}

nlohmann::json ELU::get_config() const {
  return detail::config_with_arguments(Layer::get_config(), options_);
}

LayerPtr ELU::from_config(const nlohmann::json& config) {
  return detail::layer_from_config<ELU, ELUOptions>(config, "ELU");
}

}  // namespace keras::layers
