// Keras's layer wrappers: TimeDistributed applies a layer (or a whole model) to every timestep
// of its input, the seed's `TimeDistributed(model)(input_sequences)`.
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
class TimeDistributed : public Layer {
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
  Shape compute_output_shape(const Shape& input_shape) const override;
  nlohmann::json get_config() const override;
  static std::shared_ptr<Layer> from_config(const nlohmann::json& config);
  const LayerPtr& layer() const { return layer_; }

  // The wrapped layer's weights are this layer's.
  std::vector<SymbolicTensor> weights() const override;
  std::vector<SymbolicTensor> trainable_weights() const override;
  std::vector<SymbolicTensor> non_trainable_weights() const override;
  std::vector<Tensor> get_weights() const override;
  void set_weights(const std::vector<Tensor>& weights) override;
  std::int64_t count_params() const override;
  std::vector<std::pair<SymbolicTensor, WeightConstraint>> constraints() const override;
  std::vector<SymbolicTensor> losses() const override;

 private:
  Shape inner_shape(const Shape& input_shape) const;
  LayerPtr layer_;
  std::vector<Tensor> pending_weights_;  // weights=, until the wrapped layer is built
};

}  // namespace keras::layers
