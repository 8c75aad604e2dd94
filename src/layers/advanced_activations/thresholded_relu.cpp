#include "keras/layers/advanced_activations.h"
#include "layers/config_json.h"

namespace keras::layers {

ThresholdedReLU::ThresholdedReLU(ThresholdedReLUOptions options)
    : Layer("ThresholdedReLU", layer_arguments(options)), theta_(options.theta) {
  supports_masking_ = true;
}

ThresholdedReLU::ThresholdedReLU(double theta, ThresholdedReLUOptions options)
    : ThresholdedReLU([&] {
        options.theta = theta;
        return options;
      }()) {}

SymbolicTensor ThresholdedReLU::call(const SymbolicTensor& inputs) {
  return inputs * K::greater(inputs, K::constant(theta_, inputs.dtype()));
}

nlohmann::json ThresholdedReLU::get_config() const {
  nlohmann::json config = Layer::get_config();
  config["theta"] = theta_;
  return config;
}

LayerPtr ThresholdedReLU::from_config(const nlohmann::json& config) {
  detail::ConfigReader r(config, "ThresholdedReLU");
  ThresholdedReLUOptions o;
  r.common(o);
  o.theta = r.number("theta", 1.0);
  return r.done(std::make_shared<ThresholdedReLU>(o));
}

}  // namespace keras::layers
