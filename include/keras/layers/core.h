// Keras's core layers: Dense, Activation, Dropout.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "keras/activations.h"
#include "keras/engine/layer.h"

namespace keras::layers {

// An activation given by name ("relu") or as a function of backend ops.
struct ActivationArg {
  ActivationArg() = default;
  ActivationArg(const char* name) : name(name) {}  // NOLINT: implicit, as Keras takes strings
  ActivationArg(std::string name) : name(std::move(name)) {}  // NOLINT
  ActivationArg(activations::ActivationFunction function, std::string name = "custom")  // NOLINT
      : name(std::move(name)), function(std::move(function)) {}

  std::string name;  // empty: linear
  activations::ActivationFunction function;
  // The function to apply; resolves the name, throwing for unknown names.
  activations::ActivationFunction resolve() const;
};

// Fields follow Keras's argument order, so C++20 designated initialisers read like Keras calls:
//   Dense({.output_dim = 64, .input_dim = 100})   or   Dense(32, {.activation = "relu"}).
struct DenseOptions {
  std::int64_t units = 0;
  std::int64_t output_dim = 0;  // Keras 1 name of units
  ActivationArg activation{};
  bool use_bias = true;
  std::optional<bool> bias{};  // Keras 1 name of use_bias
  std::string kernel_initializer = "glorot_uniform";
  std::string init{};  // Keras 1 name of kernel_initializer
  std::string bias_initializer = "zeros";
  std::optional<std::int64_t> input_dim{};
  std::optional<Shape> input_shape{};
  std::optional<Shape> batch_input_shape{};
  std::string name{};
  bool trainable = true;
};

class Dense : public Layer {
 public:
  explicit Dense(DenseOptions options);
  Dense(std::int64_t units, DenseOptions options = {});

  std::string class_name() const override { return "Dense"; }
  void build(const Shape& input_shape) override;
  SymbolicTensor call(const SymbolicTensor& inputs) override;
  Shape compute_output_shape(const Shape& input_shape) const override;
  nlohmann::json get_config() const override;

  std::int64_t units() const { return units_; }
  const SymbolicTensor& kernel() const { return kernel_; }
  const SymbolicTensor& bias() const { return bias_; }

 private:
  std::int64_t units_;
  ActivationArg activation_;
  activations::ActivationFunction activation_fn_;
  bool use_bias_;
  std::string kernel_initializer_, bias_initializer_;
  std::optional<std::int64_t> input_dim_;
  SymbolicTensor kernel_, bias_;
};

struct ActivationOptions {
  std::optional<Shape> input_shape{};
  std::optional<Shape> batch_input_shape{};
  std::string name{};
};

class Activation : public Layer {
 public:
  explicit Activation(ActivationArg activation, ActivationOptions options = {});
  std::string class_name() const override { return "Activation"; }
  SymbolicTensor call(const SymbolicTensor& inputs) override;
  nlohmann::json get_config() const override;

 private:
  ActivationArg activation_;
  activations::ActivationFunction activation_fn_;
};

struct DropoutOptions {
  std::optional<std::uint64_t> seed{};
  std::optional<Shape> input_shape{};
  std::optional<Shape> batch_input_shape{};
  std::string name{};
};

// Drops a fraction `rate` (Keras 1: `p`) of its inputs while training, scaling the rest by
// 1 / (1 - rate); the identity at inference.
class Dropout : public Layer {
 public:
  explicit Dropout(double rate, DropoutOptions options = {});
  std::string class_name() const override { return "Dropout"; }
  SymbolicTensor call(const SymbolicTensor& inputs) override;
  nlohmann::json get_config() const override;
  double rate() const { return rate_; }

 private:
  double rate_;
  std::optional<std::uint64_t> seed_;
};

}  // namespace keras::layers
