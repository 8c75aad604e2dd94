#include <cmath>
#include <stdexcept>
#include <utility>

#include "keras/layers/noise.h"
#include "layers/schema_config.h"

namespace keras::layers {

GaussianDropout::GaussianDropout(double rate, GaussianDropoutOptions options)
    : GaussianDropout([&] {
        options.rate = rate;
        return std::move(options);
      }()) {}

GaussianDropout::GaussianDropout(GaussianDropoutOptions options)
    : Layer("GaussianDropout", layer_arguments(options)), options_(std::move(options)) {
  const double rate = options_.rate;
  supports_masking_ = true;
  if (!(rate >= 0 && rate < 1))
    throw std::invalid_argument("GaussianDropout: `rate` (Keras 1: `p`) must be in [0, 1), got " +
                                std::to_string(rate));
}

SymbolicTensor GaussianDropout::call(const SymbolicTensor& inputs) {
  if (options_.rate == 0) return inputs;
  double stddev = std::sqrt(options_.rate / (1.0 - options_.rate));
  return K::in_train_phase(inputs * K::random_normal_like(inputs, 1.0, stddev), inputs);
}

nlohmann::json GaussianDropout::get_config() const {
  return detail::config_with_arguments(Layer::get_config(), options_);
}

LayerPtr GaussianDropout::from_config(const nlohmann::json& config) {
  return detail::layer_from_config<GaussianDropout, GaussianDropoutOptions>(config,
                                                                            "GaussianDropout");
}

}  // namespace keras::layers
