#include <stdexcept>

#include "backend/reshape_like.h"
#include "keras/layers/wrappers.h"

namespace keras::layers {

TimeDistributed::TimeDistributed(LayerPtr layer, TimeDistributedOptions o)
    : Layer("TimeDistributed", layer_arguments(o)), layer_(std::move(layer)) {
  if (!layer_) throw std::invalid_argument("TimeDistributed: the wrapped layer is null");
  supports_masking_ = true;
}

Shape TimeDistributed::inner_shape(const Shape& input_shape) const {
  if (input_shape.size() < 3)
    incompatible_input(input_shape, "expected ndim>=3 (batch, timesteps, ...)");
  Shape inner{input_shape[0]};
  inner.insert(inner.end(), input_shape.begin() + 2, input_shape.end());
  return inner;
}

void TimeDistributed::build(const Shape& input_shape) {
  inner_shape(input_shape);
}

SymbolicTensor TimeDistributed::call(const SymbolicTensor& inputs) {
  const Shape& shape = inputs.shape();
  const std::int64_t timesteps = shape[1];
  Shape flat{-1};
  for (std::size_t d = 2; d < shape.size(); ++d) {
    if (shape[d] < 0) incompatible_input(shape, "the dimensions after the timesteps must be known");
    flat.push_back(shape[d]);
  }
  SymbolicTensor y = (*layer_)(K::reshape(inputs, flat));
  Shape out{-1, timesteps};
  for (std::size_t d = 1; d < y.shape().size(); ++d) out.push_back(y.shape()[d]);
  if (timesteps >= 0) return K::reshape(y, out);
  // Variable-length sequences: batch and timesteps come from the inputs when the function runs.
  std::vector<int> like_axes(out.size(), -1);
  like_axes[0] = 0;
  like_axes[1] = 1;
  return K::reshape_like(y, out, inputs, like_axes);
}

Shape TimeDistributed::compute_output_shape(const Shape& input_shape) const {
  Shape child = layer_->compute_output_shape(inner_shape(input_shape));
  Shape out{input_shape[0], input_shape[1]};
  out.insert(out.end(), child.begin() + 1, child.end());
  return out;
}

nlohmann::json TimeDistributed::get_config() const {
  nlohmann::json config = Layer::get_config();
  config["layer"] = {{"class_name", layer_->class_name()}, {"config", layer_->get_config()}};
  return config;
}

std::shared_ptr<Layer> TimeDistributed::from_config(
    const nlohmann::json& config,
    const std::function<LayerPtr(const nlohmann::json&)>& layer_factory) {
  TimeDistributedOptions o;
  o.name = config.value("name", std::string());
  o.trainable = config.value("trainable", true);
  if (config.contains("batch_input_shape")) {
    Shape shape;
    for (const auto& d : config["batch_input_shape"])
      shape.push_back(d.is_null() ? -1 : d.get<std::int64_t>());
    o.batch_input_shape = shape;
  }
  LayerPtr inner = layer_factory(config.at("layer"));
  if (!inner) throw std::invalid_argument("TimeDistributed config: the factory made no layer");
  return std::make_shared<TimeDistributed>(inner, o);
}

std::vector<SymbolicTensor> TimeDistributed::weights() const {
  return layer_->weights();
}
std::vector<SymbolicTensor> TimeDistributed::trainable_weights() const {
  return trainable() ? layer_->trainable_weights() : std::vector<SymbolicTensor>{};
}
std::vector<SymbolicTensor> TimeDistributed::non_trainable_weights() const {
  return trainable() ? layer_->non_trainable_weights() : layer_->weights();
}
std::vector<Tensor> TimeDistributed::get_weights() const {
  return layer_->get_weights();
}
void TimeDistributed::set_weights(const std::vector<Tensor>& weights) {
  layer_->set_weights(weights);
}
std::int64_t TimeDistributed::count_params() const {
  return layer_->count_params();
}
std::vector<std::pair<SymbolicTensor, WeightConstraint>> TimeDistributed::constraints() const {
  return layer_->constraints();
}
std::vector<SymbolicTensor> TimeDistributed::losses() const {
  std::vector<SymbolicTensor> out = Layer::losses();
  for (auto& l : layer_->losses()) out.push_back(l);
  return out;
}

}  // namespace keras::layers
