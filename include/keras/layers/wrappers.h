// Keras's layer wrappers: their base Wrapper (also of Bidirectional, keras/layers/recurrent.h,
// and of wrappers written in Python), and TimeDistributed, which applies a layer (or a whole
// model) to every timestep of its input, the seed's `TimeDistributed(model)(input_sequences)`.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "keras/engine/layer.h"
#include "keras/layers/schema.h"

namespace keras::layers {

// A wrapper's `layer` argument (Keras's Wrapper(layer)): the layer or model it wraps. In a
// config, {"class_name", "config"}: layers::serialize, and layers::deserialize with the custom
// objects visible then.
struct WrappedLayerArg {
  WrappedLayerArg() = default;
  WrappedLayerArg(LayerPtr layer) : layer(std::move(layer)) {}  // NOLINT: implicit, as Keras
  template <typename L>
  requires std::is_base_of_v<Layer, L> WrappedLayerArg(std::shared_ptr<L> layer)  // NOLINT
      : layer(std::move(layer)) {}
  LayerPtr layer;

  nlohmann::json config_value() const;
  static WrappedLayerArg from_config_value(const nlohmann::json& value);
};

// Keras's Wrapper: a layer around another layer (TimeDistributed, Bidirectional, wrappers
// written in Python). The wrapped layers' weights, losses and updates are the wrapper's (after
// any of its own); get_config holds the wrapped layer as {"class_name", "config"} under "layer".
class Wrapper : public Layer {
 public:
  const LayerPtr& layer() const { return layer_; }
  // Keras's Wrapper.build: the wrapper is built; the wrapped layer builds when the wrapper's call
  // uses it.
  void build(const Shape& input_shape) override;
  nlohmann::json get_config() const override;

  std::vector<SymbolicTensor> weights() const override;
  std::vector<SymbolicTensor> trainable_weights() const override;
  std::vector<SymbolicTensor> non_trainable_weights() const override;
  std::vector<Tensor> get_weights() const override;
  void set_weights(const std::vector<Tensor>& weights) override;
  std::int64_t count_params() const override;
  std::vector<std::pair<SymbolicTensor, WeightConstraint>> constraints() const override;
  std::vector<SymbolicTensor> losses() const override;
  std::vector<std::pair<backend::Update, bool>> tagged_updates() const override;

 protected:
  Wrapper(const std::string& class_name, LayerPtr layer, const LayerArguments& arguments);
  // The layers whose weights are the wrapper's: the wrapped one (Bidirectional: forward and
  // backward).
  virtual std::vector<LayerPtr> wrapped_layers() const { return {layer_}; }
  LayerPtr layer_;
};

// TimeDistributed's arguments (the schema: include/keras/layers/schema.h).
struct TimeDistributedOptions {
  WrappedLayerArg layer{};
  // Keras's weights=: the wrapped layer's initial weights, set when it is first called.
  std::vector<Tensor> weights{};
  std::optional<Shape> input_shape{};  // (timesteps, ...) without the batch dimension
  std::optional<Shape> batch_input_shape{};
  std::string name{};
  bool trainable = true;

  template <typename Schema>
  static void arguments(Schema& s) {
    s.arg("layer", &TimeDistributedOptions::layer, {.required = true});
  }
};

// (batch, timesteps, ...) -> (batch, timesteps, ...layer output): the wrapped layer sees
// (batch * timesteps, ...) and its weights are shared by every timestep. The number of timesteps
// must be known.
class TimeDistributed : public Wrapper {
 public:
  explicit TimeDistributed(TimeDistributedOptions options);
  TimeDistributed(LayerPtr layer, TimeDistributedOptions options = {});
  // A layer by value (TimeDistributed(Dense(8))) or any shared_ptr to a layer or model.
  template <typename L, typename = std::enable_if_t<std::is_base_of_v<Layer, std::decay_t<L>> &&
                                                    !std::is_lvalue_reference_v<L>>>
  explicit TimeDistributed(L&& layer, TimeDistributedOptions options = {})
      : TimeDistributed(LayerPtr(std::make_shared<std::decay_t<L>>(std::move(layer))),
                        std::move(options)) {}
  template <typename L, typename = std::enable_if_t<std::is_base_of_v<Layer, L>>>
  TimeDistributed(std::shared_ptr<L> layer, TimeDistributedOptions options = {})
      : TimeDistributed(LayerPtr(std::move(layer)), std::move(options)) {}

  KERAS_LAYER_CLASS(TimeDistributed)
  void build(const Shape& input_shape) override;
  SymbolicTensor call(const SymbolicTensor& inputs) override;
  // The wrapped layer gets the mask with batch and timesteps merged, as its inputs.
  SymbolicTensor call_masked(const SymbolicTensor& inputs, const SymbolicTensor& mask) override;
  // Keras 2.2.4: with the batch size unknown, the wrapped layer's mask of each step (a Masking
  // or Embedding(mask_zero) inside), or else the input mask reduced to (batch, timesteps);
  // with a fixed batch size, the input mask.
  SymbolicTensor compute_mask(const SymbolicTensor& inputs,
                              const SymbolicTensor& mask) const override;
  Shape compute_output_shape(const Shape& input_shape) const override;
  // The wrapped layer's (an Embedding inside reads int32 indices).
  DType input_dtype() const override { return layer_->input_dtype(); }
  nlohmann::json get_config() const override;
  static std::shared_ptr<Layer> from_config(const nlohmann::json& config);

 private:
  Shape inner_shape(const Shape& input_shape) const;
  std::vector<Tensor> pending_weights_;  // weights=, until the wrapped layer is built
};

}  // namespace keras::layers
