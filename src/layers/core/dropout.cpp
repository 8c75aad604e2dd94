#include <stdexcept>
#include <utility>

#include "keras/layers/core.h"
#include "layers/schema_config.h"

namespace keras::layers {

Dropout::Dropout(DropoutOptions options)
    : Layer("Dropout", layer_arguments(options)), options_(std::move(options)) {
  supports_masking_ = true;
  if (options_.rate < 0 || options_.rate >= 1)
    throw std::invalid_argument("Dropout: `rate` must be in [0, 1), got " +
                                std::to_string(options_.rate));
  if (options_.noise_shape)
    throw std::invalid_argument(
        "Dropout: keras.cpp draws one mask value per input element; `noise_shape` must be None");
}

Dropout::Dropout(double rate, DropoutOptions options)
    : Dropout([&] {
        options.rate = rate;
        return std::move(options);
      }()) {}

SymbolicTensor Dropout::call(const SymbolicTensor& inputs) {
  if (options_.rate == 0) return inputs;
  return backend::in_train_phase(backend::dropout(inputs, options_.rate, options_.seed), inputs);
}

nlohmann::json Dropout::get_config() const {
  return detail::config_with_arguments(Layer::get_config(), options_);
}

LayerPtr Dropout::from_config(const nlohmann::json& config) {
  return detail::layer_from_config<Dropout, DropoutOptions>(config, "Dropout");
}

}  // namespace keras::layers
