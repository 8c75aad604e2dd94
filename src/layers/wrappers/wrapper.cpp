// Keras's Wrapper: the wrapped layers' weights, losses and updates are the wrapper's.
#include <stdexcept>
#include <utility>

#include "keras/layers/serialization.h"
#include "keras/layers/wrappers.h"

namespace keras::layers {

Wrapper::Wrapper(const std::string& class_name, LayerPtr layer, const LayerArguments& arguments)
    : Layer(class_name, arguments), layer_(std::move(layer)) {
  if (!layer_) throw std::invalid_argument(class_name + ": the wrapped layer is null");
}

void Wrapper::build(const Shape&) {}

nlohmann::json Wrapper::get_config() const {
  nlohmann::json config = Layer::get_config();
  config["layer"] = serialize(*layer_);
  return config;
}

std::vector<SymbolicTensor> Wrapper::weights() const {
  std::vector<SymbolicTensor> out = Layer::weights();
  for (const LayerPtr& inner : wrapped_layers())
    for (auto& w : inner->weights()) out.push_back(w);
  return out;
}

std::vector<SymbolicTensor> Wrapper::trainable_weights() const {
  std::vector<SymbolicTensor> out = Layer::trainable_weights();
  if (!trainable()) return out;
  for (const LayerPtr& inner : wrapped_layers())
    for (auto& w : inner->trainable_weights()) out.push_back(w);
  return out;
}

std::vector<SymbolicTensor> Wrapper::non_trainable_weights() const {
  std::vector<SymbolicTensor> out = Layer::non_trainable_weights();
  for (const LayerPtr& inner : wrapped_layers())
    for (auto& w : trainable() ? inner->non_trainable_weights() : inner->weights())
      out.push_back(w);
  return out;
}

std::vector<Tensor> Wrapper::get_weights() const {
  std::vector<Tensor> out = Layer::get_weights();
  for (const LayerPtr& inner : wrapped_layers())
    for (auto& w : inner->get_weights()) out.push_back(std::move(w));
  return out;
}

void Wrapper::set_weights(const std::vector<Tensor>& weights) {
  const std::size_t expected = this->weights().size();
  if (weights.size() != expected)
    throw std::invalid_argument("You called `set_weights(weights)` on layer \"" + name() +
                                "\" with a weight list of length " +
                                std::to_string(weights.size()) + ", but the layer was expecting " +
                                std::to_string(expected) + " weights.");
  auto next = weights.begin();
  auto take = [&next](std::size_t n) {
    std::vector<Tensor> part(next, next + static_cast<std::ptrdiff_t>(n));
    next += static_cast<std::ptrdiff_t>(n);
    return part;
  };
  Layer::set_weights(take(Layer::weights().size()));
  for (const LayerPtr& inner : wrapped_layers()) inner->set_weights(take(inner->weights().size()));
}

std::int64_t Wrapper::count_params() const {
  std::int64_t total = Layer::count_params();
  for (const LayerPtr& inner : wrapped_layers()) total += inner->count_params();
  return total;
}

std::vector<std::pair<SymbolicTensor, WeightConstraint>> Wrapper::constraints() const {
  std::vector<std::pair<SymbolicTensor, WeightConstraint>> out = Layer::constraints();
  for (const LayerPtr& inner : wrapped_layers())
    for (auto& c : inner->constraints()) out.push_back(std::move(c));
  return out;
}

std::vector<SymbolicTensor> Wrapper::losses() const {
  std::vector<SymbolicTensor> out = Layer::losses();
  for (const LayerPtr& inner : wrapped_layers())
    for (auto& l : inner->losses()) out.push_back(l);
  return out;
}

std::vector<std::pair<backend::Update, bool>> Wrapper::tagged_updates() const {
  std::vector<std::pair<backend::Update, bool>> out = Layer::tagged_updates();
  for (const LayerPtr& inner : wrapped_layers())
    for (auto& u : inner->tagged_updates()) out.push_back(std::move(u));
  return out;
}

}  // namespace keras::layers
