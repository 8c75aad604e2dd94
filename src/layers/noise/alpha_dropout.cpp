#include <cmath>
#include <stdexcept>
#include <utility>

#include "keras/layers/noise.h"
#include "layers/noise/noise_shape.h"
#include "layers/schema_config.h"

namespace keras::layers {

AlphaDropout::AlphaDropout(double rate, AlphaDropoutOptions options)
    : AlphaDropout([&] {
        options.rate = rate;
        return std::move(options);
      }()) {}

AlphaDropout::AlphaDropout(AlphaDropoutOptions options)
    : Layer("AlphaDropout", layer_arguments(options)), options_(std::move(options)) {
  supports_masking_ = true;
  if (!(options_.rate >= 0 && options_.rate < 1))
    throw std::invalid_argument("AlphaDropout: `rate` must be in [0, 1), got " +
                                std::to_string(options_.rate));
  detail::check_noise_shape(options_.noise_shape, "AlphaDropout");
}

SymbolicTensor AlphaDropout::call(const SymbolicTensor& inputs) {
  const double rate = options_.rate;
  if (rate == 0) return inputs;
  SymbolicTensor like =
      detail::noise_like(inputs, options_.noise_shape, class_name() + " " + name());
  // SELU's constants: a dropped unit takes its negative saturation value alpha_p.
  const double alpha = 1.6732632423543772848170429916717;
  const double scale = 1.0507009873554804934193349852946;
  const double alpha_p = -alpha * scale;
  SymbolicTensor kept =
      K::cast(K::greater_equal(K::random_uniform_like(like, 0.0, 1.0, options_.seed),
                               K::constant(rate, like.dtype())),
              inputs.dtype());
  // The affine map that gives zero-mean, unit-variance inputs their moments back.
  const double a = 1.0 / std::sqrt((1 - rate) * (1 + rate * alpha_p * alpha_p));
  const double b = -a * alpha_p * rate;
  SymbolicTensor dropped = (inputs * kept + alpha_p * (1.0 - kept)) * a + b;
  return K::in_train_phase(dropped, inputs);
}

nlohmann::json AlphaDropout::get_config() const {
  nlohmann::json config = detail::config_with_arguments(Layer::get_config(), options_);
  config["noise_shape"] = detail::noise_shape_json(options_.noise_shape);
  return config;
}

LayerPtr AlphaDropout::from_config(const nlohmann::json& config) {
  return detail::layer_from_config<AlphaDropout, AlphaDropoutOptions>(config, "AlphaDropout");
}

}  // namespace keras::layers
