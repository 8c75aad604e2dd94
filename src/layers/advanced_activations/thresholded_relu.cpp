#include <utility>

#include "keras/layers/advanced_activations.h"
#include "layers/schema_config.h"

namespace keras::layers {

ThresholdedReLU::ThresholdedReLU(ThresholdedReLUOptions options)
    : Layer("ThresholdedReLU", layer_arguments(options)), options_(std::move(options)) {
  supports_masking_ = true;
}

ThresholdedReLU::ThresholdedReLU(double theta, ThresholdedReLUOptions options)
    : ThresholdedReLU([&] {
        options.theta = theta;
        return std::move(options);
      }()) {}

SymbolicTensor ThresholdedReLU::call(const SymbolicTensor& inputs) {
  return inputs * K::greater(inputs, K::constant(options_.theta, inputs.dtype()));
}

nlohmann::json ThresholdedReLU::get_config() const {
  return detail::config_with_arguments(Layer::get_config(), options_);
}

LayerPtr ThresholdedReLU::from_config(const nlohmann::json& config) {
  return detail::layer_from_config<ThresholdedReLU, ThresholdedReLUOptions>(config,
                                                                            "ThresholdedReLU");
}

}  // namespace keras::layers
