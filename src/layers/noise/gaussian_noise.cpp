#include <cmath>
#include <stdexcept>

#include "keras/layers/noise.h"
#include "layers/config_json.h"

namespace keras::layers {

GaussianNoise::GaussianNoise(double stddev, GaussianNoiseOptions options)
    : Layer("GaussianNoise", layer_arguments(options)), stddev_(stddev) {
  supports_masking_ = true;
  if (!(stddev >= 0) || !std::isfinite(stddev))
    throw std::invalid_argument("GaussianNoise: `stddev` must be a finite number >= 0, got " +
                                std::to_string(stddev));
}

SymbolicTensor GaussianNoise::call(const SymbolicTensor& inputs) {
  if (stddev_ == 0) return inputs;
  return K::in_train_phase(inputs + K::random_normal_like(inputs, 0.0, stddev_), inputs);
}

nlohmann::json GaussianNoise::get_config() const {
  nlohmann::json config = Layer::get_config();
  config["stddev"] = stddev_;
  return config;
}

LayerPtr GaussianNoise::from_config(const nlohmann::json& config) {
  detail::ConfigReader r(config, "GaussianNoise");
  GaussianNoiseOptions o;
  r.common(o);
  double stddev = r.number("stddev", r.number("sigma", -1.0));
  if (stddev < 0) r.fail("stddev", "is required (Keras 1: 'sigma')");
  return r.done(std::make_shared<GaussianNoise>(stddev, o));
}

}  // namespace keras::layers
