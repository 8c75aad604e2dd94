// keras::Layer — Keras's layer lifecycle: a config-only constructor, build(input_shape) creating
// weights with add_weight, call(inputs) adding graph nodes, compute_output_shape and get_config.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "keras/backend/backend.h"
#include "keras/backend/function.h"
#include "keras/initializers.h"
#include "keras/tensor/tensor.h"

namespace keras {

using backend::SymbolicTensor;

// A penalty on a weight, added to the model's loss (keras::regularizers builds them).
using WeightRegularizer = std::function<SymbolicTensor(const SymbolicTensor& weight)>;
// A projection applied to a weight after every optimizer update (keras::constraints builds them).
using WeightConstraint = std::function<SymbolicTensor(const SymbolicTensor& new_weight)>;

// The arguments every Keras layer accepts (Keras's Layer **kwargs), shared by the option structs.
struct LayerArguments {
  std::string name{};                        // default: snake_case class name + "_" + counter
  std::optional<Shape> input_shape{};        // without the batch dimension
  std::optional<Shape> batch_input_shape{};  // with it; -1 for None
  std::optional<std::int64_t> batch_size{};
  bool trainable = true;
  // Keras's `weights=`: the layer's initial weight values, set (shape-checked) once it is built.
  std::vector<Tensor> weights{};
};

// The common arguments of a layer's option struct (any struct with name, input_shape and
// batch_input_shape fields; trainable, input_dim and Keras 1's input_length where it has them).
template <typename Options>
LayerArguments layer_arguments(const Options& options) {
  LayerArguments args;
  args.name = options.name;
  args.input_shape = options.input_shape;
  args.batch_input_shape = options.batch_input_shape;
  if constexpr (requires { options.trainable; }) args.trainable = options.trainable;
  if constexpr (requires { options.weights; }) args.weights = options.weights;
  if constexpr (requires { options.input_dim; }) {
    // Keras: input_dim stands for input_shape (input_length, input_dim) in sequence layers,
    // (input_dim,) elsewhere. Embedding's input_dim is a vocabulary size: it must not use this.
    if (!options.input_shape && options.input_dim) {
      if constexpr (requires { options.input_length; })
        args.input_shape = Shape{options.input_length.value_or(-1), *options.input_dim};
      else
        args.input_shape = Shape{*options.input_dim};
    }
  }
  return args;
}

class Layer;
using LayerPtr = std::shared_ptr<Layer>;

// Keras's tensor._keras_history: the layer, call (node) and output index that made a tensor.
struct KerasHistory {
  LayerPtr layer;  // owning: a tensor keeps the layer that made it alive
  int node_index = 0;
  int tensor_index = 0;
};

// The engine's tensor, what Keras calls a Keras tensor: a graph tensor (what backend ops read
// and make) with what the engine attaches to it, the layer call that made it (Keras's
// _keras_history) and its mask (_keras_mask). Layer calls, Input() and models make and take
// these; backend ops ignore the attachments (a backend op's result has neither). Two engine
// tensors may share one graph tensor (a layer that returns its input unchanged), each with its
// own history. A plain graph tensor converts to one that no layer made (a layer may be called on
// a backend op's result, as in Keras); so a layer's output kept in a SymbolicTensor variable has
// lost its history (keep it as auto or KerasTensor).
class KerasTensor : public SymbolicTensor {
 public:
  KerasTensor() = default;
  KerasTensor(SymbolicTensor tensor)  // NOLINT: implicit, a tensor no layer made
      : SymbolicTensor(std::move(tensor)) {}
  // The output `tensor_index` of call `node_index` of `layer`, with its mask (undefined: none).
  static KerasTensor made_by(SymbolicTensor tensor, SymbolicTensor mask, LayerPtr layer,
                             int node_index, int tensor_index);

  // The layer call that made this tensor; null for a tensor no layer call made.
  const KerasHistory* keras_history() const { return history_.get(); }
  // The mask a layer call gave this tensor; undefined when it has none.
  const SymbolicTensor& keras_mask() const { return mask_; }
  // This tensor with another mask (Keras's layer(x, mask=m) reads m in place of x's).
  KerasTensor with_mask(SymbolicTensor mask) const;

 private:
  std::shared_ptr<const KerasHistory> history_;
  SymbolicTensor mask_;
};

// Plain graph tensors as engine tensors that no layer made (KerasTensor(x) for each).
std::vector<KerasTensor> keras_tensors(const std::vector<SymbolicTensor>& tensors);
// The graph tensors of engine tensors (their histories and masks left behind).
std::vector<SymbolicTensor> graph_tensors(const std::vector<KerasTensor>& tensors);

// Keras's Node: one call of a layer on its input tensors. A layer keeps one per call (a shared
// layer has several). Outputs are held weakly (their masks are kept): a tensor keeps the layer
// that made it alive, not the other way round.
struct LayerNode {
  std::vector<KerasTensor> input_tensors;
  std::vector<std::weak_ptr<backend::Node>> output_tensors;
  std::vector<SymbolicTensor> output_masks;
  std::vector<Shape> input_shapes, output_shapes;
  // Keras's node.arguments: the keyword arguments of the call ({"training": true}), written in
  // the model config's inbound nodes and given to the call again when the model is rebuilt.
  nlohmann::json arguments = nlohmann::json::object();
};

// One ownership rule: a layer that is called on tensors lives in a shared pointer (a LayerPtr),
// which the histories of its outputs hold, as Keras tensors keep their layer alive. A layer object
// made on its own (`Dense(64)`) is a configuration that becomes shared when it is first called as
// a temporary (`x = Dense(64)(x)`), added to a model, or moved with
// `std::move(layer).into_shared()`. Each concrete layer class says how it moves into a shared
// pointer with one line in its class:
//   KERAS_LAYER_CLASS(Dense)            // class_name() "Dense", and the move
//   KERAS_LAYER_SHAREABLE(Conv2D)       // the move only (class_name() given elsewhere)
#define KERAS_LAYER_SHAREABLE(Type)                      \
  ::keras::LayerPtr move_to_shared() && override {       \
    return ::std::make_shared<Type>(::std::move(*this)); \
  }
#define KERAS_LAYER_CLASS(Type)             \
  std::string class_name() const override { \
    return #Type;                           \
  }                                         \
  KERAS_LAYER_SHAREABLE(Type)

class Layer : public std::enable_shared_from_this<Layer> {
 public:
  virtual ~Layer();
  Layer(const Layer&) = delete;
  Layer& operator=(const Layer&) = delete;
  // Moves a layer's configuration (and weights, if built) before it is shared; a called layer is
  // shared and stays where its shared pointer put it.
  Layer(Layer&& other) noexcept = default;
  Layer& operator=(Layer&&) = default;

  // This layer in a shared pointer: itself if it is already shared, else a new shared layer that
  // this one's contents move into (of the same class: see KERAS_LAYER_CLASS).
  LayerPtr into_shared() &&;

  virtual std::string class_name() const = 0;
  const std::string& name() const { return name_; }
  bool trainable() const { return trainable_; }
  void set_trainable(bool trainable) { trainable_ = trainable; }
  bool built() const { return built_; }

  // Keras's lifecycle. build() may create weights; call() adds graph nodes.
  virtual void build(const Shape& input_shape);
  virtual SymbolicTensor call(const SymbolicTensor& inputs) = 0;
  virtual Shape compute_output_shape(const Shape& input_shape) const { return input_shape; }
  // Keras 1's name of compute_output_shape.
  Shape get_output_shape_for(const Shape& input_shape) const {
    return compute_output_shape(input_shape);
  }
  // Keras's masks: each call reads the mask its input carries (set by a Masking layer, say) and
  // gives its output compute_mask's result. A layer that supports masking passes the mask on
  // unless it overrides compute_mask; one that does not refuses a masked input.
  bool supports_masking() const { return supports_masking_; }
  virtual SymbolicTensor compute_mask(const SymbolicTensor& inputs,
                                      const SymbolicTensor& mask) const;
  // Mask-aware layers override this; by default the mask is not needed to compute the output.
  virtual SymbolicTensor call_masked(const SymbolicTensor& inputs, const SymbolicTensor& /*mask*/) {
    return call(inputs);
  }
  virtual nlohmann::json get_config() const;

  // Builds on first use, checks the input against the layer's spec, and records the call. The
  // layer must be shared (see into_shared); a temporary is moved into a shared pointer first.
  KerasTensor operator()(const KerasTensor& inputs) &;
  KerasTensor operator()(const KerasTensor& inputs) &&;
  // A call on a list of tensors (merge layers, models of several inputs): one output.
  KerasTensor operator()(const std::vector<KerasTensor>& inputs) &;
  KerasTensor operator()(const std::vector<KerasTensor>& inputs) &&;
  // A call on a list of tensors, returning every output (a model of several outputs).
  std::vector<KerasTensor> apply(const std::vector<KerasTensor>& inputs) &;
  std::vector<KerasTensor> apply(const std::vector<KerasTensor>& inputs) &&;
  // A call with Keras's keyword arguments, kept in the call's node: {"training": true} (or
  // false) traces the call with the learning phase fixed, so that Dropout(0.5) applied with it
  // drops at inference too. A null value is the default.
  std::vector<KerasTensor> apply(const std::vector<KerasTensor>& inputs,
                                 const nlohmann::json& arguments) &;

  // The list forms of the lifecycle, for layers of several inputs or outputs (merge layers,
  // models). The defaults take a list of one tensor to the single-tensor forms above.
  virtual void build_list(const std::vector<Shape>& input_shapes);
  virtual std::vector<SymbolicTensor> call_list(const std::vector<SymbolicTensor>& inputs,
                                                const std::vector<SymbolicTensor>& masks);
  virtual std::vector<Shape> compute_output_shape_list(
      const std::vector<Shape>& input_shapes) const;
  virtual std::vector<SymbolicTensor> compute_mask_list(
      const std::vector<SymbolicTensor>& inputs, const std::vector<SymbolicTensor>& masks) const;

  // Weights, in creation order (Keras's order in files and get_weights).
  SymbolicTensor add_weight(const std::string& name, const Shape& shape,
                            const initializers::Initializer& initializer, bool trainable = true,
                            const WeightRegularizer& regularizer = {},
                            const WeightConstraint& constraint = {});
  // Virtual so that a model used as a layer reports the weights of its layers.
  virtual std::vector<SymbolicTensor> weights() const;
  virtual std::vector<SymbolicTensor> trainable_weights() const;
  virtual std::vector<SymbolicTensor> non_trainable_weights() const;
  virtual std::vector<Tensor> get_weights() const;
  virtual void set_weights(const std::vector<Tensor>& weights);
  virtual std::int64_t count_params() const;
  // The constraint of each constrained weight, applied after optimizer updates.
  virtual std::vector<std::pair<SymbolicTensor, WeightConstraint>> constraints() const;

  // Keras's layer losses (weight and activity regularization), added to the model's loss.
  void add_loss(const SymbolicTensor& loss) { losses_.push_back(loss); }
  virtual std::vector<SymbolicTensor> losses() const { return losses_; }

  // embedding, normalization and recurrent
  // Keras's layer updates: assignments the compiled functions make after every batch. State
  // updates (a stateful RNN's states) run when training, testing and predicting, the others
  // (batch normalization's moving statistics) when training only.
  void add_update(const SymbolicTensor& variable, const SymbolicTensor& new_value,
                  bool state = false);
  std::vector<backend::Update> updates() const;        // all of them
  std::vector<backend::Update> state_updates() const;  // the state updates only
  // Each update with whether it is a state update; a model reports its layers'.
  virtual std::vector<std::pair<backend::Update, bool>> tagged_updates() const { return updates_; }
  // The dtype a model's input placeholder takes when this layer comes first (Embedding: int32).
  virtual DType input_dtype() const { return backend::floatx(); }
  // Stateful layers (Keras's `stateful=True` RNNs) keep states between batches; reset_states
  // sets them to zeros.
  virtual bool stateful() const { return false; }
  virtual void reset_states() {}

  // The batch input shape given at construction (input_shape, batch_input_shape, input_dim...).
  const std::optional<Shape>& batch_input_shape() const { return batch_input_shape_; }

  // The tensors of the layer's single call (Keras raises if it was called several times).
  const KerasTensor& input() const;
  KerasTensor output() const;
  Shape input_shape() const { return input().shape(); }
  Shape output_shape() const { return output().shape(); }

  // Keras's per-call accessors: node_index counts the calls (0 is the first). The _at forms
  // return the first tensor of a call; the `inputs_at` / `outputs_at` forms all of them.
  const std::vector<LayerNode>& inbound_nodes() const { return nodes_; }
  KerasTensor get_input_at(int node_index) const;
  KerasTensor get_output_at(int node_index) const;
  Shape get_input_shape_at(int node_index) const;
  Shape get_output_shape_at(int node_index) const;
  std::vector<KerasTensor> get_inputs_at(int node_index) const;
  std::vector<KerasTensor> get_outputs_at(int node_index) const;
  // Keras's outbound nodes: the calls of other layers on this layer's outputs, each as the
  // calling layer and the index of that call among its calls, in call order (a layer called on
  // two of this layer's outputs appears twice). Consumers are held weakly; dead ones are skipped.
  std::vector<std::pair<LayerPtr, int>> outbound_nodes() const;

 protected:
  Layer(const std::string& class_name, const LayerArguments& arguments);
  // Throws Keras's "Input 0 is incompatible with layer ..." message.
  [[noreturn]] void incompatible_input(const Shape& input_shape,
                                       const std::string& expectation) const;
  void set_batch_input_shape(Shape shape) { batch_input_shape_ = std::move(shape); }
  void set_built(bool built) { built_ = built; }
  // Records a call (a node) on `inputs`; returns its outputs, each with its history and mask
  // (`output_masks`: one per output, or none for no masks).
  std::vector<KerasTensor> record_node(std::vector<KerasTensor> inputs,
                                       const std::vector<SymbolicTensor>& outputs,
                                       const std::vector<SymbolicTensor>& output_masks = {});
  bool supports_masking_ = false;
  // embedding, normalization and recurrent
  // Takes on the weights, losses and updates of a layer it wraps (Bidirectional, RNN's cells).
  void adopt(const Layer& inner);
  // The move of a layer into a shared pointer (KERAS_LAYER_SHAREABLE writes it per class).
  virtual LayerPtr move_to_shared() &&;

 private:
  struct Weight {
    SymbolicTensor variable;
    bool trainable;
    WeightConstraint constraint;
  };
  std::string name_;
  bool trainable_ = true;
  bool built_ = false;
  std::optional<Shape> batch_input_shape_;
  const LayerNode& node_at(int node_index, const char* what) const;
  // This layer's shared pointer, for a call; a clear error if it has none.
  LayerPtr shared_for_call() const;

  std::vector<Weight> weights_;
  std::vector<LayerNode> nodes_;                                // one per call
  std::vector<std::pair<std::weak_ptr<Layer>, int>> outbound_;  // see outbound_nodes()
  std::vector<SymbolicTensor> losses_;
  std::vector<std::pair<backend::Update, bool>> updates_;  // (update, is a state update)
  std::vector<Tensor> initial_weights_;                    // `weights=`, until built
};

// A named layer, shared: a handle that copies share, called like the layer and reaching its
// members with ->. The form for a layer that is called several times or read afterwards:
//   Shared dense = Dense(64, {.activation = "relu"});
//   auto y = dense(dense(x));
//   dense->get_weights();  model.add(dense);
template <typename L>
class Shared {
 public:
  Shared(L&& layer)  // NOLINT: implicit, for `Shared dense = Dense(64);`
      : layer_(std::static_pointer_cast<L>(std::move(layer).into_shared())) {}
  Shared(std::shared_ptr<L> layer) : layer_(std::move(layer)) {}  // NOLINT: a shared layer

  L* operator->() const { return layer_.get(); }
  L& operator*() const { return *layer_; }
  const std::shared_ptr<L>& ptr() const { return layer_; }
  template <typename Base>
  requires std::is_convertible_v<L*, Base*>
  operator std::shared_ptr<Base>() const {  // NOLINT: a LayerPtr wherever one is taken
    return layer_;
  }

  KerasTensor operator()(const KerasTensor& inputs) const { return (*layer_)(inputs); }
  KerasTensor operator()(const std::vector<KerasTensor>& inputs) const { return (*layer_)(inputs); }
  template <typename... Args>
  decltype(auto) operator()(const KerasTensor& inputs, Args&&... args) const {
    return (*layer_)(inputs, std::forward<Args>(args)...);  // a layer's own call forms
  }

 private:
  std::shared_ptr<L> layer_;
};

namespace backend {
// Keras's per-prefix counters for default names ("dense_1", "dense_2", ...).
int get_uid(const std::string& prefix);
void reset_uids();
// Resets the name counters, as Keras's K.clear_session() does.
void clear_session();
}  // namespace backend

namespace detail {
std::string to_snake_case(const std::string& class_name);
}

}  // namespace keras
