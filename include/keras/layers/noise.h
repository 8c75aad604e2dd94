// Keras's noise layers (keras/layers/noise.py, 2.2.4): active in the training phase only, the
// identity at inference.
#pragma once

#include <optional>
#include <string>

#include "keras/engine/layer.h"
#include "keras/layers/schema.h"

namespace keras::layers {

struct GaussianNoiseOptions {
  double stddev = 0.0;
  std::optional<Shape> input_shape{};
  std::optional<Shape> batch_input_shape{};
  std::string name{};

  template <typename Schema>
  static void arguments(Schema& s) {
    s.arg("stddev", &GaussianNoiseOptions::stddev, {.required = true, .keras1 = {{"sigma"}}});
  }
};

// Adds N(0, stddev) noise while training.
class GaussianNoise : public Layer {
 public:
  explicit GaussianNoise(GaussianNoiseOptions options);
  explicit GaussianNoise(double stddev, GaussianNoiseOptions options = {});
  std::string class_name() const override { return "GaussianNoise"; }
  SymbolicTensor call(const SymbolicTensor& inputs) override;
  nlohmann::json get_config() const override;
  static LayerPtr from_config(const nlohmann::json& config);

 private:
  GaussianNoiseOptions options_;
};

struct GaussianDropoutOptions {
  double rate = 0.0;
  std::optional<Shape> input_shape{};
  std::optional<Shape> batch_input_shape{};
  std::string name{};

  template <typename Schema>
  static void arguments(Schema& s) {
    s.arg("rate", &GaussianDropoutOptions::rate, {.required = true, .keras1 = {{"p"}}});
  }
};

// Multiplies by N(1, sqrt(rate / (1 - rate))) noise while training. `rate` is Keras 1's `p`.
class GaussianDropout : public Layer {
 public:
  explicit GaussianDropout(GaussianDropoutOptions options);
  explicit GaussianDropout(double rate, GaussianDropoutOptions options = {});
  std::string class_name() const override { return "GaussianDropout"; }
  SymbolicTensor call(const SymbolicTensor& inputs) override;
  nlohmann::json get_config() const override;
  static LayerPtr from_config(const nlohmann::json& config);

 private:
  GaussianDropoutOptions options_;
};

}  // namespace keras::layers
