#include "keras/layers/advanced_activations.h"
#include "layers/config_json.h"

namespace keras::layers {

LeakyReLU::LeakyReLU(LeakyReLUOptions options)
    : Layer("LeakyReLU", layer_arguments(options)), alpha_(options.alpha) {
  supports_masking_ = true;
}

LeakyReLU::LeakyReLU(double alpha, LeakyReLUOptions options)
    : LeakyReLU([&] {
        options.alpha = alpha;
        return options;
      }()) {}

SymbolicTensor LeakyReLU::call(const SymbolicTensor& inputs) {
  return K::relu(inputs, alpha_);
}

nlohmann::json LeakyReLU::get_config() const {
  nlohmann::json config = Layer::get_config();
  config["alpha"] = alpha_;
  return config;
}

LayerPtr LeakyReLU::from_config(const nlohmann::json& config) {
  detail::ConfigReader r(config, "LeakyReLU");
  LeakyReLUOptions o;
  r.common(o);
  o.alpha = r.number("alpha", 0.3);
  return r.done(std::make_shared<LeakyReLU>(o));
}

}  // namespace keras::layers
