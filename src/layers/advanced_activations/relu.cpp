#include <stdexcept>
#include <utility>

#include "keras/layers/advanced_activations.h"
#include "layers/schema_config.h"

namespace keras::layers {

ReLU::ReLU(ReLUOptions options)
    : Layer("ReLU", layer_arguments(options)), options_(std::move(options)) {
  supports_masking_ = true;
  if (options_.max_value && *options_.max_value < 0)
    throw std::invalid_argument("max_value of Relu layer cannot be negative value: " +
                                std::to_string(*options_.max_value));
  if (options_.negative_slope < 0)
    throw std::invalid_argument("negative_slope of Relu layer cannot be negative value: " +
                                std::to_string(options_.negative_slope));
}

// Keras 2.2.4's K.relu(x, alpha=negative_slope, max_value, threshold).
SymbolicTensor ReLU::call(const SymbolicTensor& inputs) {
  const double threshold = options_.threshold, slope = options_.negative_slope;
  auto constant = [&](double v) { return K::constant(v, inputs.dtype()); };
  SymbolicTensor x;
  if (threshold != 0) {
    x = inputs * K::cast(K::greater(inputs, constant(threshold)), inputs.dtype());
    if (options_.max_value)
      x = K::minimum(K::maximum(x, constant(0)), constant(*options_.max_value));
  } else {
    x = K::relu(inputs, 0.0, options_.max_value.value_or(-1.0));
  }
  if (slope != 0) x = x - constant(slope) * K::relu(constant(threshold) - inputs);
  return x;
}

nlohmann::json ReLU::get_config() const {
  return detail::config_with_arguments(Layer::get_config(), options_);
}

LayerPtr ReLU::from_config(const nlohmann::json& config) {
  return detail::layer_from_config<ReLU, ReLUOptions>(config, "ReLU");
}

}  // namespace keras::layers
