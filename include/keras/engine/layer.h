// keras::Layer — Keras's layer lifecycle: a config-only constructor, build(input_shape) creating
// weights with add_weight, call(inputs) adding graph nodes, compute_output_shape and get_config.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
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

class Layer {
 public:
  virtual ~Layer();
  Layer(const Layer&) = delete;
  Layer& operator=(const Layer&) = delete;
  Layer(Layer&&) = default;  // so `model.add(Dense(64))` can take the temporary
  Layer& operator=(Layer&&) = default;

  virtual std::string class_name() const = 0;
  const std::string& name() const { return name_; }
  bool trainable() const { return trainable_; }
  void set_trainable(bool trainable) { trainable_ = trainable; }
  bool built() const { return built_; }

  // Keras's lifecycle. build() may create weights; call() adds graph nodes.
  virtual void build(const Shape& input_shape);
  virtual SymbolicTensor call(const SymbolicTensor& inputs) = 0;
  virtual Shape compute_output_shape(const Shape& input_shape) const { return input_shape; }
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

  // Builds on first use, checks the input against the layer's spec, and records the call.
  SymbolicTensor operator()(const SymbolicTensor& inputs);

  // Weights, in creation order (Keras's order in files and get_weights).
  SymbolicTensor add_weight(const std::string& name, const Shape& shape,
                            const initializers::Initializer& initializer, bool trainable = true,
                            const WeightRegularizer& regularizer = {},
                            const WeightConstraint& constraint = {});
  std::vector<SymbolicTensor> weights() const;
  std::vector<SymbolicTensor> trainable_weights() const;
  std::vector<SymbolicTensor> non_trainable_weights() const;
  std::vector<Tensor> get_weights() const;
  void set_weights(const std::vector<Tensor>& weights);
  std::int64_t count_params() const;
  // The constraint of each constrained weight, applied after optimizer updates.
  std::vector<std::pair<SymbolicTensor, WeightConstraint>> constraints() const;

  // Keras's layer losses (weight and activity regularization), added to the model's loss.
  void add_loss(const SymbolicTensor& loss) { losses_.push_back(loss); }
  const std::vector<SymbolicTensor>& losses() const { return losses_; }

  // embedding, normalization and recurrent
  // Keras's layer updates: assignments the compiled functions make after every batch. State
  // updates (a stateful RNN's states) run when training, testing and predicting, the others
  // (batch normalization's moving statistics) when training only.
  void add_update(const SymbolicTensor& variable, const SymbolicTensor& new_value,
                  bool state = false);
  std::vector<backend::Update> updates() const;        // all of them
  std::vector<backend::Update> state_updates() const;  // the state updates only
  // The dtype a model's input placeholder takes when this layer comes first (Embedding: int32).
  virtual DType input_dtype() const { return backend::floatx(); }
  // Stateful layers (Keras's `stateful=True` RNNs) keep states between batches; reset_states
  // sets them to zeros.
  virtual bool stateful() const { return false; }
  virtual void reset_states() {}

  // The batch input shape given at construction (input_shape, batch_input_shape, input_dim...).
  const std::optional<Shape>& batch_input_shape() const { return batch_input_shape_; }

  // The tensors of the layer's single call (Keras raises if it was called several times).
  const SymbolicTensor& input() const;
  const SymbolicTensor& output() const;
  Shape input_shape() const { return input().shape(); }
  Shape output_shape() const { return output().shape(); }

 protected:
  Layer(const std::string& class_name, const LayerArguments& arguments);
  // Throws Keras's "Input 0 is incompatible with layer ..." message.
  [[noreturn]] void incompatible_input(const Shape& input_shape,
                                       const std::string& expectation) const;
  void set_batch_input_shape(Shape shape) { batch_input_shape_ = std::move(shape); }
  bool supports_masking_ = false;
  // embedding, normalization and recurrent
  // Takes on the weights, losses and updates of a wrapped layer (Bidirectional).
  void adopt(const Layer& inner);

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
  std::vector<Weight> weights_;
  std::vector<SymbolicTensor> inputs_, outputs_;  // one per call
  std::vector<SymbolicTensor> losses_;
  std::vector<std::pair<backend::Update, bool>> updates_;  // (update, is a state update)
};

using LayerPtr = std::shared_ptr<Layer>;

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
