#include <cmath>
#include <stdexcept>
#include <utility>

#include "keras/layers/noise.h"
#include "layers/schema_config.h"

namespace keras::layers {

GaussianNoise::GaussianNoise(double stddev, GaussianNoiseOptions options)
    : GaussianNoise([&] {
        options.stddev = stddev;
        return std::move(options);
      }()) {}

GaussianNoise::GaussianNoise(GaussianNoiseOptions options)
    : Layer("GaussianNoise", layer_arguments(options)), options_(std::move(options)) {
  const double stddev = options_.stddev;
  supports_masking_ = true;
  if (!(stddev >= 0) || !std::isfinite(stddev))
    throw std::invalid_argument("GaussianNoise: `stddev` must be a finite number >= 0, got " +
                                std::to_string(stddev));
}

SymbolicTensor GaussianNoise::call(const SymbolicTensor& inputs) {
  if (options_.stddev == 0) return inputs;
  return K::in_train_phase(inputs + K::random_normal_like(inputs, 0.0, options_.stddev), inputs);
}

nlohmann::json GaussianNoise::get_config() const {
  return detail::config_with_arguments(Layer::get_config(), options_);
}

LayerPtr GaussianNoise::from_config(const nlohmann::json& config) {
  return detail::layer_from_config<GaussianNoise, GaussianNoiseOptions>(config, "GaussianNoise");
}

}  // namespace keras::layers
