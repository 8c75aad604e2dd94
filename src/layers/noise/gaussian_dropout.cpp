#include <cmath>
#include <stdexcept>

#include "keras/layers/noise.h"
#include "layers/config_json.h"

namespace keras::layers {

GaussianDropout::GaussianDropout(double rate, GaussianDropoutOptions options)
    : Layer("GaussianDropout", layer_arguments(options)), rate_(rate) {
  supports_masking_ = true;
  if (!(rate >= 0 && rate < 1))
    throw std::invalid_argument("GaussianDropout: `rate` (Keras 1: `p`) must be in [0, 1), got " +
                                std::to_string(rate));
}

SymbolicTensor GaussianDropout::call(const SymbolicTensor& inputs) {
  if (rate_ == 0) return inputs;
  double stddev = std::sqrt(rate_ / (1.0 - rate_));
  return K::in_train_phase(inputs * K::random_normal_like(inputs, 1.0, stddev), inputs);
}

nlohmann::json GaussianDropout::get_config() const {
  nlohmann::json config = Layer::get_config();
  config["rate"] = rate_;
  return config;
}

LayerPtr GaussianDropout::from_config(const nlohmann::json& config) {
  detail::ConfigReader r(config, "GaussianDropout");
  GaussianDropoutOptions o;
  r.common(o);
  double rate = r.number("rate", r.number("p", -1.0));
  if (rate < 0) r.fail("rate", "is required (Keras 1: 'p')");
  return r.done(std::make_shared<GaussianDropout>(rate, o));
}

}  // namespace keras::layers
