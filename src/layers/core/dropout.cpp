#include <stdexcept>

#include "keras/layers/core.h"

namespace keras::layers {

Dropout::Dropout(double rate, DropoutOptions options)
    : Layer("Dropout", layer_arguments(options)), rate_(rate), seed_(options.seed) {
  supports_masking_ = true;
  if (rate < 0 || rate >= 1)
    throw std::invalid_argument("Dropout: `rate` must be in [0, 1), got " + std::to_string(rate));
}

SymbolicTensor Dropout::call(const SymbolicTensor& inputs) {
  if (rate_ == 0) return inputs;
  return backend::in_train_phase(backend::dropout(inputs, rate_, seed_), inputs);
}

nlohmann::json Dropout::get_config() const {
  nlohmann::json config = Layer::get_config();
  config["rate"] = rate_;
  config["noise_shape"] = nullptr;
  config["seed"] = seed_ ? nlohmann::json(*seed_) : nlohmann::json(nullptr);
  return config;
}

}  // namespace keras::layers
