// Keras's layer wrappers: TimeDistributed applies a layer (or a whole model) to every timestep
// of its input, the seed's `TimeDistributed(model)(input_sequences)`.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "keras/engine/layer.h"

namespace keras::layers {

struct TimeDistributedOptions {
  std::optional<Shape> input_shape{};  // (timesteps, ...) without the batch dimension
  std::optional<Shape> batch_input_shape{};
  std::string name{};
  bool trainable = true;
};

// (batch, timesteps, ...) -> (batch, timesteps, ...layer output): the wrapped layer sees
// (batch * timesteps, ...) and its weights are shared by every timestep. The number of timesteps
// must be known.
class TimeDistributed : public Layer {
 public:
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

  std::string class_name() const override { return "TimeDistributed"; }
  void build(const Shape& input_shape) override;
  SymbolicTensor call(const SymbolicTensor& inputs) override;
  Shape compute_output_shape(const Shape& input_shape) const override;
  nlohmann::json get_config() const override;
  // The wrapped layer comes from `layer_factory`, called with {"class_name", "config"}.
  static std::shared_ptr<Layer> from_config(
      const nlohmann::json& config,
      const std::function<LayerPtr(const nlohmann::json&)>& layer_factory);
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
};

}  // namespace keras::layers
