// Keras's advanced activation layers (keras/layers/advanced_activations.py, 2.2.4): LeakyReLU,
// PReLU, ELU, ThresholdedReLU, Softmax, ReLU, and Keras 1.2.2's ParametricSoftplus and SReLU.
// Each options struct's `arguments` is its schema (keras/layers/schema.h).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "keras/constraints.h"
#include "keras/engine/layer.h"
#include "keras/layers/schema.h"
#include "keras/regularizers.h"

namespace keras::layers {

struct LeakyReLUOptions {
  double alpha = 0.3;
  std::optional<Shape> input_shape{};
  std::optional<Shape> batch_input_shape{};
  std::string name{};

  template <typename Schema>
  static void arguments(Schema& s) {
    s.arg("alpha", &LeakyReLUOptions::alpha);
  }
};

// x for x >= 0, alpha * x below.
class LeakyReLU : public Layer {
 public:
  explicit LeakyReLU(LeakyReLUOptions options = {});
  explicit LeakyReLU(double alpha, LeakyReLUOptions options = {});
  KERAS_LAYER_CLASS(LeakyReLU)
  SymbolicTensor call(const SymbolicTensor& inputs) override;
  nlohmann::json get_config() const override;
  static LayerPtr from_config(const nlohmann::json& config);

 private:
  LeakyReLUOptions options_;
};

struct PReLUOptions {
  std::string alpha_initializer = "zeros";
  regularizers::Regularizer alpha_regularizer{};
  constraints::Constraint alpha_constraint{};
  std::vector<int> shared_axes{};  // 1-based axes along which alpha is shared
  std::optional<Shape> input_shape{};
  std::optional<Shape> batch_input_shape{};
  std::string name{};
  bool trainable = true;
  std::vector<Tensor> weights{};  // initial values, in get_weights() order

  template <typename Schema>
  static void arguments(Schema& s) {
    using O = PReLUOptions;
    s.arg("alpha_initializer", &O::alpha_initializer,
          {.kind = schema::ArgKind::initializer, .keras1 = {{"init"}}});
    s.arg("alpha_regularizer", &O::alpha_regularizer);
    s.arg("alpha_constraint", &O::alpha_constraint);
    s.arg("shared_axes", &O::shared_axes);
  }
};

// relu(x) - alpha * relu(-x), with a learned alpha per feature (shape input_shape[1:], 1 on the
// shared axes).
class PReLU : public Layer {
 public:
  explicit PReLU(PReLUOptions options = {});
  KERAS_LAYER_CLASS(PReLU)
  void build(const Shape& input_shape) override;
  SymbolicTensor call(const SymbolicTensor& inputs) override;
  nlohmann::json get_config() const override;
  static LayerPtr from_config(const nlohmann::json& config);
  const SymbolicTensor& alpha() const { return alpha_; }

 private:
  PReLUOptions options_;
  SymbolicTensor alpha_;
};

struct ELUOptions {
  double alpha = 1.0;
  std::optional<Shape> input_shape{};
  std::optional<Shape> batch_input_shape{};
  std::string name{};

  template <typename Schema>
  static void arguments(Schema& s) {
    s.arg("alpha", &ELUOptions::alpha);
  }
};

// x for x > 0, alpha * (exp(x) - 1) below.
class ELU : public Layer {
 public:
  explicit ELU(ELUOptions options = {});
  explicit ELU(double alpha, ELUOptions options = {});
  KERAS_LAYER_CLASS(ELU)
  SymbolicTensor call(const SymbolicTensor& inputs) override;
  nlohmann::json get_config() const override;
  static LayerPtr from_config(const nlohmann::json& config);

 private:
  ELUOptions options_;
};

struct ThresholdedReLUOptions {
  double theta = 1.0;
  std::optional<Shape> input_shape{};
  std::optional<Shape> batch_input_shape{};
  std::string name{};

  template <typename Schema>
  static void arguments(Schema& s) {
    s.arg("theta", &ThresholdedReLUOptions::theta);
  }
};

// x for x > theta, 0 otherwise.
class ThresholdedReLU : public Layer {
 public:
  explicit ThresholdedReLU(ThresholdedReLUOptions options = {});
  explicit ThresholdedReLU(double theta, ThresholdedReLUOptions options = {});
  KERAS_LAYER_CLASS(ThresholdedReLU)
  SymbolicTensor call(const SymbolicTensor& inputs) override;
  nlohmann::json get_config() const override;
  static LayerPtr from_config(const nlohmann::json& config);

 private:
  ThresholdedReLUOptions options_;
};

struct SoftmaxOptions {
  int axis = -1;
  std::optional<Shape> input_shape{};
  std::optional<Shape> batch_input_shape{};
  std::string name{};

  template <typename Schema>
  static void arguments(Schema& s) {
    s.arg("axis", &SoftmaxOptions::axis);
  }
};

// The softmax over `axis`, as Keras 2.2.4's activations.softmax (on 2-D inputs, the last axis).
class Softmax : public Layer {
 public:
  explicit Softmax(SoftmaxOptions options = {});
  KERAS_LAYER_CLASS(Softmax)
  SymbolicTensor call(const SymbolicTensor& inputs) override;
  nlohmann::json get_config() const override;
  static LayerPtr from_config(const nlohmann::json& config);

 private:
  SoftmaxOptions options_;
};

struct ReLUOptions {
  std::optional<double> max_value{};
  double negative_slope = 0.0;
  double threshold = 0.0;
  std::optional<Shape> input_shape{};
  std::optional<Shape> batch_input_shape{};
  std::string name{};

  template <typename Schema>
  static void arguments(Schema& s) {
    s.arg("max_value", &ReLUOptions::max_value);
    s.arg("negative_slope", &ReLUOptions::negative_slope);
    s.arg("threshold", &ReLUOptions::threshold);
  }
};

// Keras 2.2.4's ReLU: x above `threshold` (clipped to [0, max_value]), negative_slope *
// (x - threshold) at or below it.
class ReLU : public Layer {
 public:
  explicit ReLU(ReLUOptions options = {});
  KERAS_LAYER_CLASS(ReLU)
  SymbolicTensor call(const SymbolicTensor& inputs) override;
  nlohmann::json get_config() const override;
  static LayerPtr from_config(const nlohmann::json& config);

 private:
  ReLUOptions options_;
};

struct ParametricSoftplusOptions {
  double alpha_init = 0.2;
  double beta_init = 5.0;
  std::vector<int> shared_axes{};  // 1-based axes along which the parameters are shared
  std::optional<Shape> input_shape{};
  std::optional<Shape> batch_input_shape{};
  std::string name{};
  bool trainable = true;
  std::vector<Tensor> weights{};  // initial values: [alphas, betas]

  template <typename Schema>
  static void arguments(Schema& s) {
    using O = ParametricSoftplusOptions;
    s.arg("alpha_init", &O::alpha_init);
    s.arg("beta_init", &O::beta_init);
    s.arg("shared_axes", &O::shared_axes);
  }
};

// Keras 1.2.2's ParametricSoftplus: alphas * softplus(betas * x), with alphas and betas learned
// per feature (shape input_shape[1:], 1 on the shared axes), starting at alpha_init, beta_init.
class ParametricSoftplus : public Layer {
 public:
  explicit ParametricSoftplus(ParametricSoftplusOptions options = {});
  KERAS_LAYER_CLASS(ParametricSoftplus)
  void build(const Shape& input_shape) override;
  SymbolicTensor call(const SymbolicTensor& inputs) override;
  nlohmann::json get_config() const override;
  static LayerPtr from_config(const nlohmann::json& config);

 private:
  ParametricSoftplusOptions options_;
  SymbolicTensor alphas_, betas_;
};

struct SReLUOptions {
  // Keras 1 initializer names ('zero', 'one', 'glorot_uniform', ...), written so in the config.
  std::string t_left_init = "zero";
  std::string a_left_init = "glorot_uniform";
  std::string t_right_init = "glorot_uniform";
  std::string a_right_init = "one";
  std::vector<int> shared_axes{};  // 1-based axes along which the parameters are shared
  std::optional<Shape> input_shape{};
  std::optional<Shape> batch_input_shape{};
  std::string name{};
  bool trainable = true;
  std::vector<Tensor> weights{};  // initial values: [t_left, a_left, t_right, a_right]

  template <typename Schema>
  static void arguments(Schema& s) {
    using O = SReLUOptions;
    s.arg("t_left_init", &O::t_left_init);
    s.arg("a_left_init", &O::a_left_init);
    s.arg("t_right_init", &O::t_right_init);
    s.arg("a_right_init", &O::a_right_init);
    s.arg("shared_axes", &O::shared_axes);
  }
};

// Keras 1.2.2's S-shaped ReLU, with t_r = t_left + |t_right| (always right of t_left):
//   t_left + a_left (x - t_left)     for x <= t_left,
//   x                                between,
//   t_r + a_right (x - t_r)          for x >= t_r,
// its four parameters learned per feature (1 on the shared axes).
class SReLU : public Layer {
 public:
  explicit SReLU(SReLUOptions options = {});
  KERAS_LAYER_CLASS(SReLU)
  void build(const Shape& input_shape) override;
  SymbolicTensor call(const SymbolicTensor& inputs) override;
  nlohmann::json get_config() const override;
  static LayerPtr from_config(const nlohmann::json& config);

 private:
  SReLUOptions options_;
  SymbolicTensor t_left_, a_left_, t_right_, a_right_;
};

}  // namespace keras::layers
