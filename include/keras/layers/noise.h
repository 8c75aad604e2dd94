// Keras's noise layers (keras/layers/noise.py, 2.2.4): active in the training phase only, the
// identity at inference.
#pragma once

#include <optional>
#include <string>

#include "keras/engine/layer.h"

namespace keras::layers {

struct GaussianNoiseOptions {
  std::optional<Shape> input_shape{};
  std::optional<Shape> batch_input_shape{};
  std::string name{};
};

// Adds N(0, stddev) noise while training.
class GaussianNoise : public Layer {
 public:
  explicit GaussianNoise(double stddev, GaussianNoiseOptions options = {});
  std::string class_name() const override { return "GaussianNoise"; }
  SymbolicTensor call(const SymbolicTensor& inputs) override;
  nlohmann::json get_config() const override;
  static LayerPtr from_config(const nlohmann::json& config);

 private:
  double stddev_;
};

struct GaussianDropoutOptions {
  std::optional<Shape> input_shape{};
  std::optional<Shape> batch_input_shape{};
  std::string name{};
};

// Multiplies by N(1, sqrt(rate / (1 - rate))) noise while training. `rate` is Keras 1's `p`.
class GaussianDropout : public Layer {
 public:
  explicit GaussianDropout(double rate, GaussianDropoutOptions options = {});
  std::string class_name() const override { return "GaussianDropout"; }
  SymbolicTensor call(const SymbolicTensor& inputs) override;
  nlohmann::json get_config() const override;
  static LayerPtr from_config(const nlohmann::json& config);

 private:
  double rate_;
};

}  // namespace keras::layers
