// Keras's BatchNormalization.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "keras/constraints.h"
#include "keras/engine/layer.h"
#include "keras/layers/schema.h"
#include "keras/regularizers.h"

namespace keras::layers {

// Keras 2.2.4's arguments, in order; `arguments` is the schema (Keras 1: beta_init,
// gamma_init, and mode).
struct BatchNormalizationOptions {
  int axis = -1;
  double momentum = 0.99;
  double epsilon = 1e-3;
  bool center = true;
  bool scale = true;
  std::string beta_initializer = "zeros";
  std::string gamma_initializer = "ones";
  std::string moving_mean_initializer = "zeros";
  std::string moving_variance_initializer = "ones";
  regularizers::Regularizer beta_regularizer{};
  regularizers::Regularizer gamma_regularizer{};
  constraints::Constraint beta_constraint{};
  constraints::Constraint gamma_constraint{};
  std::optional<Shape> input_shape{};
  std::optional<Shape> batch_input_shape{};
  std::string name{};
  bool trainable = true;
  std::vector<Tensor> weights{};  // initial values, in get_weights() order
  // Keras 1.2.2's mode: 0 (unset) is Keras 2's layer; 1 normalizes each sample over its last
  // axis, (x - mean) / (sqrt(var + epsilon) + epsilon) * gamma + beta; 2 normalizes with the
  // batch's statistics in training and inference alike (the moving statistics stay as they are).
  // Written in the config only for 1 and 2.
  std::optional<int> mode{};

  template <typename Schema>
  static void arguments(Schema& s) {
    using O = BatchNormalizationOptions;
    using schema::ArgKind;
    s.arg("axis", &O::axis);
    s.arg("momentum", &O::momentum);
    s.arg("epsilon", &O::epsilon);
    s.arg("center", &O::center);
    s.arg("scale", &O::scale);
    s.arg("beta_initializer", &O::beta_initializer,
          {.kind = ArgKind::initializer, .keras1 = {{"beta_init"}}});
    s.arg("gamma_initializer", &O::gamma_initializer,
          {.kind = ArgKind::initializer, .keras1 = {{"gamma_init"}}});
    s.arg("moving_mean_initializer", &O::moving_mean_initializer, {.kind = ArgKind::initializer});
    s.arg("moving_variance_initializer", &O::moving_variance_initializer,
          {.kind = ArgKind::initializer});
    s.arg("beta_regularizer", &O::beta_regularizer);
    s.arg("gamma_regularizer", &O::gamma_regularizer);
    s.arg("beta_constraint", &O::beta_constraint);
    s.arg("gamma_constraint", &O::gamma_constraint);
    s.arg("mode", &O::mode, {.keras1_only = true});
  }
};

// Training: normalizes with the batch's mean and (biased) variance over every axis but `axis`,
// and moves moving_mean / moving_variance (the unbiased variance) towards them by 1 - momentum,
// as updates of the compiled training step. Inference: uses the moving statistics. Keras 1's
// modes 1 and 2: see BatchNormalizationOptions::mode.
// Weights: gamma, beta, moving_mean, moving_variance (the last two non-trainable).
class BatchNormalization : public Layer {
 public:
  explicit BatchNormalization(BatchNormalizationOptions options = {});
  static std::shared_ptr<Layer> from_config(const nlohmann::json& config);

  KERAS_LAYER_CLASS(BatchNormalization)
  void build(const Shape& input_shape) override;
  SymbolicTensor call(const SymbolicTensor& inputs) override;
  nlohmann::json get_config() const override;

  const SymbolicTensor& gamma() const { return gamma_; }
  const SymbolicTensor& beta() const { return beta_; }
  const SymbolicTensor& moving_mean() const { return moving_mean_; }
  const SymbolicTensor& moving_variance() const { return moving_variance_; }

 private:
  BatchNormalizationOptions options_;
  SymbolicTensor gamma_, beta_, moving_mean_, moving_variance_;
};

}  // namespace keras::layers
