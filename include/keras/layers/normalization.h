// Keras's BatchNormalization.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "keras/constraints.h"
#include "keras/engine/layer.h"
#include "keras/regularizers.h"

namespace keras::layers {

// Keras 2.2.4's arguments, in order; Keras 1's `mode` (0 only) and `beta_init` / `gamma_init`.
struct BatchNormalizationOptions {
  int axis = -1;
  double momentum = 0.99;
  double epsilon = 1e-3;
  bool center = true;
  bool scale = true;
  std::string beta_initializer = "zeros";
  std::string beta_init{};  // Keras 1 name of beta_initializer
  std::string gamma_initializer = "ones";
  std::string gamma_init{};  // Keras 1 name of gamma_initializer
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
  int axis_;
  double momentum_, epsilon_;
  bool center_, scale_;
  std::string beta_initializer_, gamma_initializer_, moving_mean_initializer_,
      moving_variance_initializer_;
  regularizers::Regularizer beta_regularizer_, gamma_regularizer_;
  constraints::Constraint beta_constraint_, gamma_constraint_;
  SymbolicTensor gamma_, beta_, moving_mean_, moving_variance_;
};

}  // namespace keras::layers
