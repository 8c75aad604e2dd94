// Keras's noise layers (keras/layers/noise.py, 2.2.4): active in the training phase only, the
// identity at inference.
#pragma once

#include <cstdint>
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
  KERAS_LAYER_CLASS(GaussianNoise)
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
  KERAS_LAYER_CLASS(GaussianDropout)
  SymbolicTensor call(const SymbolicTensor& inputs) override;
  nlohmann::json get_config() const override;
  static LayerPtr from_config(const nlohmann::json& config);

 private:
  GaussianDropoutOptions options_;
};

struct AlphaDropoutOptions {
  double rate = 0.0;
  std::optional<Shape> noise_shape{};  // the mask's shape; None (-1) entries: the input's
  std::optional<std::uint64_t> seed{};
  std::optional<Shape> input_shape{};
  std::optional<Shape> batch_input_shape{};
  std::string name{};

  template <typename Schema>
  static void arguments(Schema& s) {
    s.arg("rate", &AlphaDropoutOptions::rate, {.required = true});
    s.arg("noise_shape", &AlphaDropoutOptions::noise_shape);
    s.arg("seed", &AlphaDropoutOptions::seed);
  }
};

// Keras 2.2.4's AlphaDropout (self-normalizing networks): while training, a fraction `rate` of
// the inputs is set to SELU's negative saturation value -alpha * scale, then an affine map
// a * x + b restores the mean and variance of zero-mean, unit-variance inputs; the identity at
// inference.
class AlphaDropout : public Layer {
 public:
  explicit AlphaDropout(AlphaDropoutOptions options);
  explicit AlphaDropout(double rate, AlphaDropoutOptions options = {});
  KERAS_LAYER_CLASS(AlphaDropout)
  SymbolicTensor call(const SymbolicTensor& inputs) override;
  nlohmann::json get_config() const override;
  static LayerPtr from_config(const nlohmann::json& config);
  double rate() const { return options_.rate; }

 private:
  AlphaDropoutOptions options_;
};

}  // namespace keras::layers
