// Keras's core layers: Dense, Activation, Dropout, Masking, Flatten, Reshape, Permute,
// RepeatVector, Lambda, ActivityRegularization, and Keras 1's Highway, MaxoutDense and
// TimeDistributedDense.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "keras/activations.h"
#include "keras/constraints.h"
#include "keras/engine/layer.h"
#include "keras/layers/schema.h"
#include "keras/regularizers.h"

namespace keras::layers {

// An activation given by name ("relu") or as a function of backend ops.
struct ActivationArg {
  ActivationArg() = default;
  ActivationArg(const char* name) : name(name) {}  // NOLINT: implicit, as Keras takes strings
  ActivationArg(std::string name) : name(std::move(name)) {}                            // NOLINT
  ActivationArg(activations::ActivationFunction function, std::string name = "custom")  // NOLINT
      : name(std::move(name)), function(std::move(function)) {}

  std::string name;  // empty: linear
  activations::ActivationFunction function;
  // The function to apply; resolves the name, throwing for unknown names.
  activations::ActivationFunction resolve() const;
};

// Fields follow Keras's argument order, so C++20 designated initialisers read like Keras calls:
//   Dense({.units = 64, .input_dim = 100})   or   Dense(32, {.activation = "relu"}).
// `arguments` is the schema (keras/layers/schema.h): Keras 2 names, Keras 1 spellings.
struct DenseOptions {
  std::int64_t units = 0;
  ActivationArg activation{};
  bool use_bias = true;
  std::string kernel_initializer = "glorot_uniform";
  std::string bias_initializer = "zeros";
  regularizers::Regularizer kernel_regularizer{};
  regularizers::Regularizer bias_regularizer{};
  regularizers::Regularizer activity_regularizer{};
  constraints::Constraint kernel_constraint{};
  constraints::Constraint bias_constraint{};
  std::optional<std::int64_t> input_dim{};
  std::optional<Shape> input_shape{};
  std::optional<Shape> batch_input_shape{};
  std::string name{};
  bool trainable = true;
  std::vector<Tensor> weights{};  // initial [kernel, bias]

  template <typename Schema>
  static void arguments(Schema& s) {
    using schema::ArgKind;
    using O = DenseOptions;
    s.arg("units", &O::units, {.required = true, .keras1 = {{"output_dim"}}});
    s.arg("activation", &O::activation);
    s.arg("use_bias", &O::use_bias, {.keras1 = {{"bias"}}});
    s.arg("kernel_initializer", &O::kernel_initializer,
          {.kind = ArgKind::initializer, .keras1 = {{"init"}}});
    s.arg("bias_initializer", &O::bias_initializer, {.kind = ArgKind::initializer});
    s.arg("kernel_regularizer", &O::kernel_regularizer, {.keras1 = {{"W_regularizer"}}});
    s.arg("bias_regularizer", &O::bias_regularizer, {.keras1 = {{"b_regularizer"}}});
    s.arg("activity_regularizer", &O::activity_regularizer);
    s.arg("kernel_constraint", &O::kernel_constraint, {.keras1 = {{"W_constraint"}}});
    s.arg("bias_constraint", &O::bias_constraint, {.keras1 = {{"b_constraint"}}});
  }
};

class Dense : public Layer {
 public:
  explicit Dense(DenseOptions options);
  Dense(std::int64_t units, DenseOptions options = {});

  KERAS_LAYER_CLASS(Dense)
  void build(const Shape& input_shape) override;
  SymbolicTensor call(const SymbolicTensor& inputs) override;
  Shape compute_output_shape(const Shape& input_shape) const override;
  nlohmann::json get_config() const override;
  static LayerPtr from_config(const nlohmann::json& config);

  std::int64_t units() const { return options_.units; }
  const SymbolicTensor& kernel() const { return kernel_; }
  const SymbolicTensor& bias() const { return bias_; }

 private:
  DenseOptions options_;
  activations::ActivationFunction activation_fn_;
  SymbolicTensor kernel_, bias_;
};

struct ActivationOptions {
  ActivationArg activation{};
  std::optional<Shape> input_shape{};
  std::optional<Shape> batch_input_shape{};
  std::string name{};

  template <typename Schema>
  static void arguments(Schema& s) {
    s.arg("activation", &ActivationOptions::activation, {.required = true});
  }
};

class Activation : public Layer {
 public:
  explicit Activation(ActivationOptions options);
  explicit Activation(ActivationArg activation, ActivationOptions options = {});
  KERAS_LAYER_CLASS(Activation)
  SymbolicTensor call(const SymbolicTensor& inputs) override;
  nlohmann::json get_config() const override;
  static LayerPtr from_config(const nlohmann::json& config);

 private:
  ActivationOptions options_;
  activations::ActivationFunction activation_fn_;
};

struct DropoutOptions {
  double rate = 0.0;
  // The mask's shape, broadcast over the input ((None, 1, features): one mask for every
  // timestep); None (-1) entries take the input's dimension.
  std::optional<Shape> noise_shape{};
  std::optional<std::uint64_t> seed{};
  std::optional<Shape> input_shape{};
  std::optional<Shape> batch_input_shape{};
  std::string name{};

  template <typename Schema>
  static void arguments(Schema& s) {
    s.arg("rate", &DropoutOptions::rate, {.required = true, .keras1 = {{"p"}}});
    s.arg("noise_shape", &DropoutOptions::noise_shape);
    s.arg("seed", &DropoutOptions::seed);
  }
};

// Drops a fraction `rate` (Keras 1: `p`) of its inputs while training, scaling the rest by
// 1 / (1 - rate); the identity at inference.
class Dropout : public Layer {
 public:
  explicit Dropout(DropoutOptions options);
  explicit Dropout(double rate, DropoutOptions options = {});
  KERAS_LAYER_CLASS(Dropout)
  SymbolicTensor call(const SymbolicTensor& inputs) override;
  nlohmann::json get_config() const override;
  static LayerPtr from_config(const nlohmann::json& config);
  double rate() const { return options_.rate; }

 private:
  DropoutOptions options_;
};

struct MaskingOptions {
  double mask_value = 0.0;
  std::optional<Shape> input_shape{};
  std::optional<Shape> batch_input_shape{};
  std::string name{};

  template <typename Schema>
  static void arguments(Schema& s) {
    s.arg("mask_value", &MaskingOptions::mask_value);
  }
};

// Masks the timesteps whose features all equal mask_value: later layers that support masking skip
// them, and losses and metrics ignore them. The masked timesteps' features become zero.
class Masking : public Layer {
 public:
  explicit Masking(MaskingOptions options);
  explicit Masking(double mask_value = 0.0, MaskingOptions options = {});
  KERAS_LAYER_CLASS(Masking)
  SymbolicTensor call(const SymbolicTensor& inputs) override;
  SymbolicTensor compute_mask(const SymbolicTensor& inputs,
                              const SymbolicTensor& mask) const override;
  nlohmann::json get_config() const override;
  static LayerPtr from_config(const nlohmann::json& config);
  double mask_value() const { return options_.mask_value; }

 private:
  MaskingOptions options_;
};

struct FlattenOptions {
  std::string data_format{};  // "channels_last" (default) or "channels_first"
  std::optional<Shape> input_shape{};
  std::optional<Shape> batch_input_shape{};
  std::string name{};

  template <typename Schema>
  static void arguments(Schema& s) {
    s.arg("data_format", &FlattenOptions::data_format,
          {.kind = schema::ArgKind::data_format, .keras1 = {schema::dim_ordering()}});
  }
};

// (batch, d1, d2, ...) -> (batch, d1 * d2 * ...); channels_first moves the channel axis last first,
// so the order of features matches a channels_last model.
class Flatten : public Layer {
 public:
  explicit Flatten(FlattenOptions options = {});
  KERAS_LAYER_CLASS(Flatten)
  SymbolicTensor call(const SymbolicTensor& inputs) override;
  Shape compute_output_shape(const Shape& input_shape) const override;
  nlohmann::json get_config() const override;
  static LayerPtr from_config(const nlohmann::json& config);

 private:
  FlattenOptions options_;
};

struct ReshapeOptions {
  Shape target_shape{};
  std::optional<Shape> input_shape{};
  std::optional<Shape> batch_input_shape{};
  std::string name{};

  template <typename Schema>
  static void arguments(Schema& s) {
    s.arg("target_shape", &ReshapeOptions::target_shape, {.required = true});
  }
};

// Reshapes every sample to `target_shape` (without the batch axis; one -1 is inferred).
class Reshape : public Layer {
 public:
  explicit Reshape(ReshapeOptions options);
  explicit Reshape(Shape target_shape, ReshapeOptions options = {});
  KERAS_LAYER_CLASS(Reshape)
  SymbolicTensor call(const SymbolicTensor& inputs) override;
  Shape compute_output_shape(const Shape& input_shape) const override;
  nlohmann::json get_config() const override;
  static LayerPtr from_config(const nlohmann::json& config);
  const Shape& target_shape() const { return options_.target_shape; }

 private:
  ReshapeOptions options_;
};

struct PermuteOptions {
  std::vector<int> dims{};
  std::optional<Shape> input_shape{};
  std::optional<Shape> batch_input_shape{};
  std::string name{};

  template <typename Schema>
  static void arguments(Schema& s) {
    s.arg("dims", &PermuteOptions::dims, {.required = true});
  }
};

// Permutes the non-batch axes; `dims` are 1-based, as Keras: Permute({2, 1}) swaps axes 1 and 2.
class Permute : public Layer {
 public:
  explicit Permute(PermuteOptions options);
  explicit Permute(std::vector<int> dims, PermuteOptions options = {});
  KERAS_LAYER_CLASS(Permute)
  void build(const Shape& input_shape) override;
  SymbolicTensor call(const SymbolicTensor& inputs) override;
  Shape compute_output_shape(const Shape& input_shape) const override;
  nlohmann::json get_config() const override;
  static LayerPtr from_config(const nlohmann::json& config);

 private:
  PermuteOptions options_;
};

struct RepeatVectorOptions {
  std::int64_t n = 0;
  std::optional<Shape> input_shape{};
  std::optional<Shape> batch_input_shape{};
  std::string name{};

  template <typename Schema>
  static void arguments(Schema& s) {
    s.arg("n", &RepeatVectorOptions::n, {.required = true});
  }
};

// (batch, features) -> (batch, n, features).
class RepeatVector : public Layer {
 public:
  explicit RepeatVector(RepeatVectorOptions options);
  explicit RepeatVector(std::int64_t n, RepeatVectorOptions options = {});
  KERAS_LAYER_CLASS(RepeatVector)
  void build(const Shape& input_shape) override;
  SymbolicTensor call(const SymbolicTensor& inputs) override;
  Shape compute_output_shape(const Shape& input_shape) const override;
  nlohmann::json get_config() const override;
  static LayerPtr from_config(const nlohmann::json& config);

 private:
  RepeatVectorOptions options_;
};

using LambdaFunction = std::function<SymbolicTensor(const SymbolicTensor&)>;
using LambdaListFunction = std::function<SymbolicTensor(const std::vector<SymbolicTensor>&)>;
// A function of the inputs and the config's keyword `arguments`, called as Keras calls a Python
// function: function(inputs, **arguments) (one input: that tensor; several: the list).
using LambdaKeywordFunction = std::function<SymbolicTensor(
    const std::vector<SymbolicTensor>& inputs, const nlohmann::json& arguments)>;
using OutputShapeFunction = std::function<Shape(const Shape& input_shape)>;
using OutputShapeListFunction = std::function<Shape(const std::vector<Shape>& input_shapes)>;
using LambdaMaskFunction = std::function<SymbolicTensor(const std::vector<SymbolicTensor>& inputs,
                                                        const std::vector<SymbolicTensor>& masks)>;

// Lambda's `function`: of the input tensor, or of the list of input tensors (a Lambda called on
// several), with the name its config gives it. Keras writes a Python function's code, which
// C++ cannot run: a config's function comes back by name from the custom objects.
struct LambdaFunctionArg {
  LambdaFunctionArg() = default;
  LambdaFunctionArg(LambdaFunction function, std::string name = "lambda")  // NOLINT
      : name(std::move(name)), function(std::move(function)) {}
  LambdaFunctionArg(LambdaFunction function, LambdaListFunction list_function, std::string name)
      : name(std::move(name)),
        function(std::move(function)),
        list_function(std::move(list_function)) {}
  LambdaFunctionArg(LambdaKeywordFunction keyword_function, std::string name)
      : name(std::move(name)), keyword_function(std::move(keyword_function)) {}
  std::string name = "lambda";
  LambdaFunction function;
  LambdaListFunction list_function;
  LambdaKeywordFunction keyword_function;  // takes the layer's `arguments` (a config's function)

  nlohmann::json config_value() const { return name; }
  static LambdaFunctionArg from_config_value(const nlohmann::json& value);
};

// Lambda's `output_shape`: the shape without the batch axis (Keras's tuple), or a function of the
// input shape(s), batch axis included, giving the whole output shape; unset: inferred by
// running the function on placeholders.
struct LambdaOutputShapeArg {
  LambdaOutputShapeArg() = default;
  LambdaOutputShapeArg(Shape shape) : shape(std::move(shape)) {}  // NOLINT
  LambdaOutputShapeArg(std::initializer_list<std::int64_t> shape) : shape(Shape(shape)) {}
  LambdaOutputShapeArg(OutputShapeFunction function, std::string name = "output_shape")  // NOLINT
      : function(std::move(function)), name(std::move(name)) {}
  std::optional<Shape> shape;
  OutputShapeFunction function;
  OutputShapeListFunction list_function;  // of a list of input shapes (several inputs)
  std::string name;                       // the function's, for the config

  bool is_function() const { return function || list_function; }
  // The shape (null for unknown dimensions), the function's name, or null.
  nlohmann::json config_value() const;
  static LambdaOutputShapeArg from_config_value(const nlohmann::json& value);
};

// Lambda's `mask`: a function of (inputs, masks) giving the output's mask; unset: no mask.
// Configs do not hold it (Keras 2.2.4 writes none).
struct LambdaMaskArg {
  LambdaMaskFunction function;
  nlohmann::json config_value() const { return nullptr; }
  static LambdaMaskArg from_config_value(const nlohmann::json& value);
};

// Lambda's `arguments`: keyword arguments the function is called with (a Python function's;
// C++ functions take none), kept for the config where JSON holds them.
struct LambdaArgumentsArg {
  nlohmann::json values = nlohmann::json::object();
  nlohmann::json config_value() const { return values; }
  static LambdaArgumentsArg from_config_value(const nlohmann::json& value);
};

// Lambda's arguments in Keras 2.2.4's order (the schema):
//   Lambda({.function = {square, "square"}, .output_shape = Shape{4}})
struct LambdaOptions {
  LambdaFunctionArg function{};
  LambdaOutputShapeArg output_shape{};
  LambdaMaskArg mask{};
  LambdaArgumentsArg arguments_{};  // Keras's `arguments`
  std::optional<Shape> input_shape{};
  std::optional<Shape> batch_input_shape{};
  std::string name{};
  bool trainable = true;

  template <typename Schema>
  static void arguments(Schema& s) {
    using O = LambdaOptions;
    s.arg("function", &O::function, {.required = true});
    s.arg("output_shape", &O::output_shape);
    s.arg("mask", &O::mask);
    s.arg("arguments", &O::arguments_);
  }
};

// Wraps a function of backend ops as a layer: Lambda([](auto& x) { return K::square(x); }), or
// of a list of tensors (called on several).
class Lambda : public Layer {
 public:
  explicit Lambda(LambdaOptions options);
  explicit Lambda(LambdaFunction function, LambdaOptions options = {});
  KERAS_LAYER_CLASS(Lambda)
  SymbolicTensor call(const SymbolicTensor& inputs) override;
  Shape compute_output_shape(const Shape& input_shape) const override;
  SymbolicTensor compute_mask(const SymbolicTensor& inputs,
                              const SymbolicTensor& mask) const override;
  void build_list(const std::vector<Shape>&) override {}
  std::vector<SymbolicTensor> call_list(const std::vector<SymbolicTensor>& inputs,
                                        const std::vector<SymbolicTensor>& masks) override;
  std::vector<Shape> compute_output_shape_list(
      const std::vector<Shape>& input_shapes) const override;
  std::vector<SymbolicTensor> compute_mask_list(
      const std::vector<SymbolicTensor>& inputs,
      const std::vector<SymbolicTensor>& masks) const override;
  nlohmann::json get_config() const override;
  static LayerPtr from_config(const nlohmann::json& config);

 private:
  // The function's output on `inputs` (one tensor, or the list form).
  SymbolicTensor apply_function(const std::vector<SymbolicTensor>& inputs) const;
  LambdaOptions options_;
};

struct ActivityRegularizationOptions {
  double l1 = 0.0;
  double l2 = 0.0;
  std::optional<Shape> input_shape{};
  std::optional<Shape> batch_input_shape{};
  std::string name{};

  template <typename Schema>
  static void arguments(Schema& s) {
    s.arg("l1", &ActivityRegularizationOptions::l1);
    s.arg("l2", &ActivityRegularizationOptions::l2);
  }
};

// The identity, adding sum(l1 |x|) + sum(l2 x^2) of its output to the model's loss.
class ActivityRegularization : public Layer {
 public:
  explicit ActivityRegularization(ActivityRegularizationOptions options = {});
  KERAS_LAYER_CLASS(ActivityRegularization)
  SymbolicTensor call(const SymbolicTensor& inputs) override;
  nlohmann::json get_config() const override;
  static LayerPtr from_config(const nlohmann::json& config);

 private:
  ActivityRegularizationOptions options_;
};

struct HighwayOptions {
  std::string init = "glorot_uniform";
  double transform_bias = -2.0;  // the initial value of b_carry
  ActivationArg activation{};
  regularizers::Regularizer W_regularizer{};
  regularizers::Regularizer b_regularizer{};
  regularizers::Regularizer activity_regularizer{};
  constraints::Constraint W_constraint{};
  constraints::Constraint b_constraint{};
  bool bias = true;
  std::optional<std::int64_t> input_dim{};
  std::optional<Shape> input_shape{};
  std::optional<Shape> batch_input_shape{};
  std::string name{};
  bool trainable = true;
  std::vector<Tensor> weights{};  // initial values, in get_weights() order

  template <typename Schema>
  static void arguments(Schema& s) {
    using O = HighwayOptions;
    s.arg("init", &O::init, {.kind = schema::ArgKind::initializer});
    s.arg("transform_bias", &O::transform_bias);
    s.arg("activation", &O::activation);
    s.arg("W_regularizer", &O::W_regularizer);
    s.arg("b_regularizer", &O::b_regularizer);
    s.arg("activity_regularizer", &O::activity_regularizer);
    s.arg("W_constraint", &O::W_constraint);
    s.arg("b_constraint", &O::b_constraint);
    s.arg("bias", &O::bias);
    s.arg("input_dim", &O::input_dim);
  }
};

// Keras 1's Highway: t = sigmoid(x W_carry + b_carry), y = t * activation(x W + b) + (1 - t) * x.
// Weights in Keras 1's order: W, b, W_carry, b_carry (W, W_carry without bias).
class Highway : public Layer {
 public:
  explicit Highway(HighwayOptions options = {});
  KERAS_LAYER_CLASS(Highway)
  void build(const Shape& input_shape) override;
  SymbolicTensor call(const SymbolicTensor& inputs) override;
  nlohmann::json get_config() const override;
  static LayerPtr from_config(const nlohmann::json& config);

 private:
  HighwayOptions options_;
  activations::ActivationFunction activation_fn_;
  SymbolicTensor W_, b_, W_carry_, b_carry_;
};

struct MaxoutDenseOptions {
  std::int64_t output_dim = 0;
  std::int64_t nb_feature = 4;
  std::string init = "glorot_uniform";
  regularizers::Regularizer W_regularizer{};
  regularizers::Regularizer b_regularizer{};
  regularizers::Regularizer activity_regularizer{};
  constraints::Constraint W_constraint{};
  constraints::Constraint b_constraint{};
  bool bias = true;
  std::optional<std::int64_t> input_dim{};
  std::optional<Shape> input_shape{};
  std::optional<Shape> batch_input_shape{};
  std::string name{};
  bool trainable = true;
  std::vector<Tensor> weights{};  // initial values, in get_weights() order

  template <typename Schema>
  static void arguments(Schema& s) {
    using O = MaxoutDenseOptions;
    s.arg("output_dim", &O::output_dim, {.required = true});
    s.arg("nb_feature", &O::nb_feature);
    s.arg("init", &O::init, {.kind = schema::ArgKind::initializer});
    s.arg("W_regularizer", &O::W_regularizer);
    s.arg("b_regularizer", &O::b_regularizer);
    s.arg("activity_regularizer", &O::activity_regularizer);
    s.arg("W_constraint", &O::W_constraint);
    s.arg("b_constraint", &O::b_constraint);
    s.arg("bias", &O::bias);
    s.arg("input_dim", &O::input_dim);
  }
};

// Keras 1's MaxoutDense: the maximum over nb_feature dense projections,
// y = max_k (x W[k] + b[k]) with W (nb_feature, input_dim, output_dim), b (nb_feature, output_dim).
class MaxoutDense : public Layer {
 public:
  explicit MaxoutDense(MaxoutDenseOptions options);
  MaxoutDense(std::int64_t output_dim, MaxoutDenseOptions options = {});
  KERAS_LAYER_CLASS(MaxoutDense)
  void build(const Shape& input_shape) override;
  SymbolicTensor call(const SymbolicTensor& inputs) override;
  Shape compute_output_shape(const Shape& input_shape) const override;
  nlohmann::json get_config() const override;
  static LayerPtr from_config(const nlohmann::json& config);

 private:
  MaxoutDenseOptions options_;
  SymbolicTensor W_, b_;
};

struct TimeDistributedDenseOptions {
  std::int64_t output_dim = 0;
  std::string init = "glorot_uniform";
  ActivationArg activation{};
  regularizers::Regularizer W_regularizer{};
  regularizers::Regularizer b_regularizer{};
  regularizers::Regularizer activity_regularizer{};
  constraints::Constraint W_constraint{};
  constraints::Constraint b_constraint{};
  bool bias = true;
  std::optional<std::int64_t> input_dim{};
  std::optional<std::int64_t> input_length{};
  std::optional<Shape> input_shape{};
  std::optional<Shape> batch_input_shape{};
  std::string name{};
  bool trainable = true;
  std::vector<Tensor> weights{};  // initial values, in get_weights() order

  template <typename Schema>
  static void arguments(Schema& s) {
    using O = TimeDistributedDenseOptions;
    s.arg("output_dim", &O::output_dim, {.required = true});
    s.arg("init", &O::init, {.kind = schema::ArgKind::initializer});
    s.arg("activation", &O::activation);
    s.arg("W_regularizer", &O::W_regularizer);
    s.arg("b_regularizer", &O::b_regularizer);
    s.arg("activity_regularizer", &O::activity_regularizer);
    s.arg("W_constraint", &O::W_constraint);
    s.arg("b_constraint", &O::b_constraint);
    s.arg("bias", &O::bias);
    s.arg("input_dim", &O::input_dim);
    s.arg("input_length", &O::input_length);
  }
};

// Keras 1's TimeDistributedDense: the same Dense (W (input_dim, output_dim), b) applied to every
// timestep of a (batch, timesteps, input_dim) input.
class TimeDistributedDense : public Layer {
 public:
  explicit TimeDistributedDense(TimeDistributedDenseOptions options);
  TimeDistributedDense(std::int64_t output_dim, TimeDistributedDenseOptions options = {});
  KERAS_LAYER_CLASS(TimeDistributedDense)
  void build(const Shape& input_shape) override;
  SymbolicTensor call(const SymbolicTensor& inputs) override;
  Shape compute_output_shape(const Shape& input_shape) const override;
  nlohmann::json get_config() const override;
  static LayerPtr from_config(const nlohmann::json& config);

 private:
  TimeDistributedDenseOptions options_;
  activations::ActivationFunction activation_fn_;
  SymbolicTensor W_, b_;
};

}  // namespace keras::layers
