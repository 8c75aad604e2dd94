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
// gamma_init, and mode 0 only).
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
    s.keras1_dropped({"mode", 0,
                      "The `mode` argument of `BatchNormalization` no longer exists. `mode=1` "
                      "and `mode=2` are no longer supported."});
  }
};

// Training: normalizes with the batch's mean and (biased) variance over every axis but `axis`,
// and moves moving_mean / moving_variance (the unbiased variance) towards them by 1 - momentum,
// as updates of the compiled training step. Inference: uses the moving statistics.
// Weights: gamma, beta, moving_mean, moving_variance (the last two non-trainable).
class BatchNormalization : public Layer {
 public:
  explicit BatchNormalization(BatchNormalizationOptions options = {});
  static std::shared_ptr<Layer> from_config(const nlohmann::json& config);

  std::string class_name() const override { return "BatchNormalization"; }
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
