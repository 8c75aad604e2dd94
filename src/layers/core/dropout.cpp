#include <algorithm>
#include <stdexcept>
#include <utility>

#include "keras/layers/core.h"
#include "layers/noise/noise_shape.h"
#include "layers/schema_config.h"

namespace keras::layers {

Dropout::Dropout(DropoutOptions options)
    : Layer("Dropout", layer_arguments(options)), options_(std::move(options)) {
  supports_masking_ = true;
  // Keras 2.2.4 clips the rate into [0, 1] (Dropout(p=3) is Dropout(1.0)); a rate of 1 drops
  // nothing (call() applies dropout only for 0 < rate < 1).
  options_.rate = std::min(1.0, std::max(0.0, options_.rate));
  detail::check_noise_shape(options_.noise_shape, "Dropout");
}

Dropout::Dropout(double rate, DropoutOptions options)
    : Dropout([&] {
        options.rate = rate;
        return std::move(options);
      }()) {}

SymbolicTensor Dropout::call(const SymbolicTensor& inputs) {
  if (options_.rate <= 0 || options_.rate >= 1) return inputs;
  SymbolicTensor like =
      detail::noise_like(inputs, options_.noise_shape, class_name() + " " + name());
  // A smaller mask (noise_shape with 1s) is drawn on ones of its shape and broadcast.
  SymbolicTensor dropped =
      like == inputs ? K::dropout(inputs, options_.rate, options_.seed)
                     : inputs * K::dropout(K::ones_like(like), options_.rate, options_.seed);
  return K::in_train_phase(dropped, inputs);
}

nlohmann::json Dropout::get_config() const {
  nlohmann::json config = detail::config_with_arguments(Layer::get_config(), options_);
  config["noise_shape"] = detail::noise_shape_json(options_.noise_shape);
  return config;
}

LayerPtr Dropout::from_config(const nlohmann::json& config) {
  return detail::layer_from_config<Dropout, DropoutOptions>(config, "Dropout");
}

}  // namespace keras::layers
