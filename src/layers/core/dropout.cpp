#include <stdexcept>

#include "keras/layers/core.h"
#include "layers/config_json.h"

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

LayerPtr Dropout::from_config(const nlohmann::json& config) {
  detail::ConfigReader r(config, "Dropout");
  DropoutOptions o;
  r.common(o);
  double rate = r.number("rate", r.number("p", -1.0));
  if (rate < 0) r.fail("rate", "is required (Keras 1: 'p')");
  if (r.find("noise_shape")) r.fail("noise_shape", "is not supported by keras.cpp's Dropout");
  if (r.has("seed")) o.seed = static_cast<std::uint64_t>(r.integer("seed", 0));
  r.find("seed");
  return r.done(std::make_shared<Dropout>(rate, o));
}

}  // namespace keras::layers
