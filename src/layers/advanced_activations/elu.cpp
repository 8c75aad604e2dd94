#include "keras/layers/advanced_activations.h"
#include "layers/config_json.h"

namespace keras::layers {

ELU::ELU(ELUOptions options) : Layer("ELU", layer_arguments(options)), alpha_(options.alpha) {
  supports_masking_ = true;
}

ELU::ELU(double alpha, ELUOptions options)
    : ELU([&] {
        options.alpha = alpha;
        return options;
      }()) {}

SymbolicTensor ELU::call(const SymbolicTensor& inputs) {
  return K::elu(inputs, alpha_);
}

nlohmann::json ELU::get_config() const {
  nlohmann::json config = Layer::get_config();
  config["alpha"] = alpha_;
  return config;
}

LayerPtr ELU::from_config(const nlohmann::json& config) {
  detail::ConfigReader r(config, "ELU");
  ELUOptions o;
  r.common(o);
  o.alpha = r.number("alpha", 1.0);
  return r.done(std::make_shared<ELU>(o));
}

}  // namespace keras::layers
