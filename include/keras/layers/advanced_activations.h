// Keras's advanced activation layers (keras/layers/advanced_activations.py, 2.2.4): LeakyReLU,
// PReLU, ELU, ThresholdedReLU.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "keras/constraints.h"
#include "keras/engine/layer.h"
#include "keras/regularizers.h"

namespace keras::layers {

struct LeakyReLUOptions {
  double alpha = 0.3;
  std::optional<Shape> input_shape{};
  std::optional<Shape> batch_input_shape{};
  std::string name{};
};

// x for x >= 0, alpha * x below.
class LeakyReLU : public Layer {
 public:
  explicit LeakyReLU(LeakyReLUOptions options = {});
  explicit LeakyReLU(double alpha, LeakyReLUOptions options = {});
  std::string class_name() const override { return "LeakyReLU"; }
  SymbolicTensor call(const SymbolicTensor& inputs) override;
  nlohmann::json get_config() const override;
  static LayerPtr from_config(const nlohmann::json& config);

 private:
  double alpha_;
};

struct PReLUOptions {
  std::string alpha_initializer = "zeros";
  std::string init{};  // Keras 1 name of alpha_initializer
  regularizers::Regularizer alpha_regularizer{};
  constraints::Constraint alpha_constraint{};
  std::vector<int> shared_axes{};  // 1-based axes along which alpha is shared
  std::optional<Shape> input_shape{};
  std::optional<Shape> batch_input_shape{};
  std::string name{};
  bool trainable = true;
  std::vector<Tensor> weights{};  // initial values, in get_weights() order
};

// relu(x) - alpha * relu(-x), with a learned alpha per feature (shape input_shape[1:], 1 on the
// shared axes).
class PReLU : public Layer {
 public:
  explicit PReLU(PReLUOptions options = {});
  std::string class_name() const override { return "PReLU"; }
  void build(const Shape& input_shape) override;
  SymbolicTensor call(const SymbolicTensor& inputs) override;
  nlohmann::json get_config() const override;
  static LayerPtr from_config(const nlohmann::json& config);
  const SymbolicTensor& alpha() const { return alpha_; }

 private:
  std::string alpha_initializer_;
  regularizers::Regularizer alpha_regularizer_;
  constraints::Constraint alpha_constraint_;
  std::vector<int> shared_axes_;
  SymbolicTensor alpha_;
};

struct ELUOptions {
  double alpha = 1.0;
  std::optional<Shape> input_shape{};
  std::optional<Shape> batch_input_shape{};
  std::string name{};
};

// x for x > 0, alpha * (exp(x) - 1) below.
class ELU : public Layer {
 public:
  explicit ELU(ELUOptions options = {});
  explicit ELU(double alpha, ELUOptions options = {});
  std::string class_name() const override { return "ELU"; }
  SymbolicTensor call(const SymbolicTensor& inputs) override;
  nlohmann::json get_config() const override;
  static LayerPtr from_config(const nlohmann::json& config);

 private:
  double alpha_;
};

struct ThresholdedReLUOptions {
  double theta = 1.0;
  std::optional<Shape> input_shape{};
  std::optional<Shape> batch_input_shape{};
  std::string name{};
};

// x for x > theta, 0 otherwise.
class ThresholdedReLU : public Layer {
 public:
  explicit ThresholdedReLU(ThresholdedReLUOptions options = {});
  explicit ThresholdedReLU(double theta, ThresholdedReLUOptions options = {});
  std::string class_name() const override { return "ThresholdedReLU"; }
  SymbolicTensor call(const SymbolicTensor& inputs) override;
  nlohmann::json get_config() const override;
  static LayerPtr from_config(const nlohmann::json& config);

 private:
  double theta_;
};

}  // namespace keras::layers
