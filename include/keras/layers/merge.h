// Keras's merge layers: Keras 2's Add, Subtract, Multiply, Average, Maximum, Minimum,
// Concatenate and Dot (and their functional forms add(), concatenate(), ...), and Keras 1's
// Merge layer and merge() function with modes sum, mul, concat, ave, max, dot, cos or a function
// of backend ops. Each is called on a list of tensors:
//   auto merged = Concatenate()({a, b});      auto merged = merge({a, b}, {.mode = "concat"});
#pragma once

#include <cstdint>
#include <functional>
#include <initializer_list>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "keras/engine/layer.h"
#include "keras/layers/schema.h"

namespace keras::layers {

// The arguments of Keras 2's elementwise merges: none of their own, only the keywords every
// layer takes (Keras's **kwargs).
struct MergeLayerOptions {
  std::string name{};
  bool trainable = true;
  std::optional<Shape> input_shape{};
  std::optional<Shape> batch_input_shape{};

  template <typename Schema>
  static void arguments(Schema&) {}
};

// Keras 2's _Merge: an elementwise merge of at least two tensors of compatible shapes (numpy
// broadcasting); masks are combined with a logical and.
class ElementwiseMerge : public Layer {
 public:
  SymbolicTensor call(const SymbolicTensor& inputs) override;  // raises: merges need a list
  void build_list(const std::vector<Shape>& input_shapes) override;
  std::vector<SymbolicTensor> call_list(const std::vector<SymbolicTensor>& inputs,
                                        const std::vector<SymbolicTensor>& masks) override;
  std::vector<Shape> compute_output_shape_list(
      const std::vector<Shape>& input_shapes) const override;
  std::vector<SymbolicTensor> compute_mask_list(
      const std::vector<SymbolicTensor>& inputs,
      const std::vector<SymbolicTensor>& masks) const override;

 protected:
  ElementwiseMerge(const std::string& class_name, const MergeLayerOptions& options);
  virtual SymbolicTensor merge_function(const std::vector<SymbolicTensor>& inputs) const = 0;
  virtual std::size_t exact_inputs() const { return 0; }  // 0: two or more
};

class Add : public ElementwiseMerge {
 public:
  explicit Add(MergeLayerOptions options = {}) : ElementwiseMerge("Add", options) {}
  KERAS_LAYER_CLASS(Add)
  static std::shared_ptr<Layer> from_config(const nlohmann::json& config);

 protected:
  SymbolicTensor merge_function(const std::vector<SymbolicTensor>& inputs) const override;
};

class Subtract : public ElementwiseMerge {
 public:
  explicit Subtract(MergeLayerOptions options = {}) : ElementwiseMerge("Subtract", options) {}
  KERAS_LAYER_CLASS(Subtract)
  static std::shared_ptr<Layer> from_config(const nlohmann::json& config);

 protected:
  SymbolicTensor merge_function(const std::vector<SymbolicTensor>& inputs) const override;
  std::size_t exact_inputs() const override { return 2; }
};

class Multiply : public ElementwiseMerge {
 public:
  explicit Multiply(MergeLayerOptions options = {}) : ElementwiseMerge("Multiply", options) {}
  KERAS_LAYER_CLASS(Multiply)
  static std::shared_ptr<Layer> from_config(const nlohmann::json& config);

 protected:
  SymbolicTensor merge_function(const std::vector<SymbolicTensor>& inputs) const override;
};

class Average : public ElementwiseMerge {
 public:
  explicit Average(MergeLayerOptions options = {}) : ElementwiseMerge("Average", options) {}
  KERAS_LAYER_CLASS(Average)
  static std::shared_ptr<Layer> from_config(const nlohmann::json& config);

 protected:
  SymbolicTensor merge_function(const std::vector<SymbolicTensor>& inputs) const override;
};

class Maximum : public ElementwiseMerge {
 public:
  explicit Maximum(MergeLayerOptions options = {}) : ElementwiseMerge("Maximum", options) {}
  KERAS_LAYER_CLASS(Maximum)
  static std::shared_ptr<Layer> from_config(const nlohmann::json& config);

 protected:
  SymbolicTensor merge_function(const std::vector<SymbolicTensor>& inputs) const override;
};

class Minimum : public ElementwiseMerge {
 public:
  explicit Minimum(MergeLayerOptions options = {}) : ElementwiseMerge("Minimum", options) {}
  KERAS_LAYER_CLASS(Minimum)
  static std::shared_ptr<Layer> from_config(const nlohmann::json& config);

 protected:
  SymbolicTensor merge_function(const std::vector<SymbolicTensor>& inputs) const override;
};

struct ConcatenateOptions {
  int axis = -1;
  std::string name{};
  bool trainable = true;
  std::optional<Shape> input_shape{};
  std::optional<Shape> batch_input_shape{};

  template <typename Schema>
  static void arguments(Schema& s) {
    s.arg("axis", &ConcatenateOptions::axis);
  }
};

class Concatenate : public Layer {
 public:
  explicit Concatenate(ConcatenateOptions options = {});
  explicit Concatenate(int axis, ConcatenateOptions options = {});
  KERAS_LAYER_CLASS(Concatenate)
  SymbolicTensor call(const SymbolicTensor& inputs) override;
  void build_list(const std::vector<Shape>& input_shapes) override;
  std::vector<SymbolicTensor> call_list(const std::vector<SymbolicTensor>& inputs,
                                        const std::vector<SymbolicTensor>& masks) override;
  std::vector<Shape> compute_output_shape_list(
      const std::vector<Shape>& input_shapes) const override;
  std::vector<SymbolicTensor> compute_mask_list(
      const std::vector<SymbolicTensor>& inputs,
      const std::vector<SymbolicTensor>& masks) const override;
  nlohmann::json get_config() const override;
  static std::shared_ptr<Layer> from_config(const nlohmann::json& config);
  int axis() const { return options_.axis; }

 private:
  ConcatenateOptions options_;
};

struct DotOptions {
  std::vector<int> axes{};  // one axis for both inputs, or one per input
  bool normalize = false;   // cosine proximity: l2-normalise along the axes first
  std::string name{};
  bool trainable = true;
  std::optional<Shape> input_shape{};
  std::optional<Shape> batch_input_shape{};

  template <typename Schema>
  static void arguments(Schema& s) {
    s.arg("axes", &DotOptions::axes, {.required = true});
    s.arg("normalize", &DotOptions::normalize);
  }
};

class Dot : public Layer {
 public:
  explicit Dot(DotOptions options);
  explicit Dot(int axes, DotOptions options = {});
  KERAS_LAYER_CLASS(Dot)
  SymbolicTensor call(const SymbolicTensor& inputs) override;
  void build_list(const std::vector<Shape>& input_shapes) override;
  std::vector<SymbolicTensor> call_list(const std::vector<SymbolicTensor>& inputs,
                                        const std::vector<SymbolicTensor>& masks) override;
  std::vector<Shape> compute_output_shape_list(
      const std::vector<Shape>& input_shapes) const override;
  std::vector<SymbolicTensor> compute_mask_list(
      const std::vector<SymbolicTensor>& inputs,
      const std::vector<SymbolicTensor>& masks) const override;
  nlohmann::json get_config() const override;
  static std::shared_ptr<Layer> from_config(const nlohmann::json& config);

 private:
  std::pair<int, int> axes_for(const std::vector<Shape>& shapes) const;
  DotOptions options_;
};

// Keras 2's functional forms.
KerasTensor add(const std::vector<KerasTensor>& inputs, MergeLayerOptions options = {});
KerasTensor subtract(const std::vector<KerasTensor>& inputs, MergeLayerOptions options = {});
KerasTensor multiply(const std::vector<KerasTensor>& inputs, MergeLayerOptions options = {});
KerasTensor average(const std::vector<KerasTensor>& inputs, MergeLayerOptions options = {});
KerasTensor maximum(const std::vector<KerasTensor>& inputs, MergeLayerOptions options = {});
KerasTensor minimum(const std::vector<KerasTensor>& inputs, MergeLayerOptions options = {});
KerasTensor concatenate(const std::vector<KerasTensor>& inputs, int axis = -1,
                        ConcatenateOptions options = {});
KerasTensor dot(const std::vector<KerasTensor>& inputs, std::vector<int> axes,
                bool normalize = false, DotOptions options = {});

// Keras 1's merge mode: a name ("sum", "mul", "concat", "ave", "max", "dot", "cos") or a
// function of the list of tensors, written with backend ops.
using MergeFunction = std::function<SymbolicTensor(const std::vector<SymbolicTensor>&)>;
struct MergeMode {
  MergeMode(const char* name) : name(name) {}             // NOLINT: implicit, as Keras
  MergeMode(std::string name) : name(std::move(name)) {}  // NOLINT
  template <typename F>
  requires std::is_invocable_r_v < SymbolicTensor, F, const std::vector<SymbolicTensor>
  & > MergeMode(F function) : name("custom"), function(std::move(function)) {}  // NOLINT
  std::string name;
  MergeFunction function;

  // Its value in a config (keras/layers/schema.h): the name; a function, whose code a config
  // cannot hold, is written "lambda" (mode_type 'lambda') and cannot be read back.
  nlohmann::json config_value() const;
  static MergeMode from_config_value(const nlohmann::json& value);
};

// A custom mode's output shape (without the batch dimension), or a function of the input shapes
// (with it) giving the output shape (with it), as Keras 1's output_shape.
using MergeOutputShapeFunction = std::function<Shape(const std::vector<Shape>&)>;
struct OutputShapeArg {
  OutputShapeArg() = default;
  OutputShapeArg(Shape shape) : shape(std::move(shape)) {}  // NOLINT
  OutputShapeArg(std::initializer_list<std::int64_t> shape) : shape(Shape(shape)) {}
  template <typename F>
  requires std::is_invocable_r_v < Shape, F, const std::vector<Shape>
  & > OutputShapeArg(F function) : function(std::move(function)) {}  // NOLINT
  std::optional<Shape> shape;
  MergeOutputShapeFunction function;

  // In a config: the shape (null for unknown dimensions), or null.
  nlohmann::json config_value() const;
  static OutputShapeArg from_config_value(const nlohmann::json& value);
};

// A custom mode's output mask, as Keras 1's output_mask: a function of the inputs' masks (a list
// with an undefined tensor where an input has none), called when any input has a mask.
using MergeMaskFunction = std::function<SymbolicTensor(const std::vector<SymbolicTensor>&)>;
struct OutputMaskArg {
  OutputMaskArg() = default;
  OutputMaskArg(MergeMaskFunction function) : function(std::move(function)) {}  // NOLINT
  MergeMaskFunction function;

  // In a config: null (a function cannot be written; Keras 1 writes its code).
  nlohmann::json config_value() const;
  static OutputMaskArg from_config_value(const nlohmann::json& value);
};

// Keras 1's `arguments`: keyword arguments for a Python mode function, kept for the config.
struct MergeArguments {
  nlohmann::json values = nullptr;

  nlohmann::json config_value() const { return values; }
  static MergeArguments from_config_value(const nlohmann::json& value) { return {value}; }
};

// Keras 1's Merge arguments, in its order (the layers are given separately). node_indices and
// tensor_indices choose, per layer merged, the call (default: its latest) and the output.
struct MergeOptions {
  MergeMode mode = "sum";
  int concat_axis = -1;
  std::vector<int> dot_axes{-1};
  OutputShapeArg output_shape{};
  OutputMaskArg output_mask{};
  MergeArguments mode_arguments{};  // Keras 1's `arguments`
  std::vector<int> node_indices{};
  std::vector<int> tensor_indices{};
  std::string name{};
  bool trainable = true;
  std::optional<Shape> input_shape{};
  std::optional<Shape> batch_input_shape{};

  template <typename Schema>
  static void arguments(Schema& s) {
    using O = MergeOptions;
    s.arg("mode", &O::mode);
    s.arg("concat_axis", &O::concat_axis);
    s.arg("dot_axes", &O::dot_axes);
    s.arg("output_shape", &O::output_shape);
    s.arg("output_mask", &O::output_mask);
    s.arg("arguments", &O::mode_arguments);
    s.arg("node_indices", &O::node_indices);
    s.arg("tensor_indices", &O::tensor_indices);
  }
};

// Keras 1's Merge: called on a list of tensors, or built over layers or models, whose outputs
// it merges at once (the seed's `Merge([left_branch, right_branch], mode='concat')`, the first
// layer of a Sequential that then takes one input per branch).
class Merge : public Layer {
 public:
  explicit Merge(MergeOptions options = {});
  Merge(std::vector<LayerPtr> layers, MergeOptions options = {});
  std::string class_name() const override { return "Merge"; }
  // Keras 1 merges the branches' outputs as the layer is made; here as it becomes shared (a
  // called layer is shared), which a Merge of layers made as a temporary or a Shared is.
  LayerPtr move_to_shared() && override;
  // Named modes only: a function mode cannot be rebuilt from its config.
  static std::shared_ptr<Layer> from_config(const nlohmann::json& config);
  SymbolicTensor call(const SymbolicTensor& inputs) override;
  void build_list(const std::vector<Shape>& input_shapes) override;
  std::vector<SymbolicTensor> call_list(const std::vector<SymbolicTensor>& inputs,
                                        const std::vector<SymbolicTensor>& masks) override;
  std::vector<Shape> compute_output_shape_list(
      const std::vector<Shape>& input_shapes) const override;
  std::vector<SymbolicTensor> compute_mask_list(
      const std::vector<SymbolicTensor>& inputs,
      const std::vector<SymbolicTensor>& masks) const override;
  nlohmann::json get_config() const override;

  // The branches' weights belong to a Merge built over layers (Keras 1).
  std::vector<SymbolicTensor> weights() const override;
  std::vector<SymbolicTensor> trainable_weights() const override;
  std::vector<SymbolicTensor> non_trainable_weights() const override;
  std::vector<Tensor> get_weights() const override;
  void set_weights(const std::vector<Tensor>& weights) override;
  std::int64_t count_params() const override;
  std::vector<std::pair<SymbolicTensor, WeightConstraint>> constraints() const override;
  std::vector<SymbolicTensor> losses() const override;
  const std::vector<LayerPtr>& branches() const { return layers_; }

 private:
  std::pair<int, int> dot_axes(const std::vector<Shape>& shapes) const;
  std::vector<LayerPtr> layers_;
  KerasTensor branches_output_;  // holds the merge of the branches (Keras 1 over layers)
  std::vector<KerasTensor> branch_tensors_;  // the branches' outputs, until merged
  MergeOptions options_;
};

// Keras 1's merge(): a Merge layer called on the tensors.
KerasTensor merge(const std::vector<KerasTensor>& inputs, MergeOptions options = {});

}  // namespace keras::layers
