#include <stdexcept>

#include "keras/models.h"

namespace keras {

Sequential::Sequential(std::string name)
    : Model(name.empty() ? "sequential_" + std::to_string(backend::get_uid("sequential"))
                         : std::move(name)) {}

Sequential::Sequential(std::initializer_list<LayerRef> layers, std::string name)
    : Sequential(std::move(name)) {
  for (const auto& layer : layers) add(layer);
}

void Sequential::connect(const LayerPtr& layer) {
  SymbolicTensor x = outputs_.empty() ? inputs_.front() : outputs_.front();
  outputs_ = {(*layer)(x)};
}

void Sequential::add(LayerRef ref) {
  LayerPtr layer = std::move(ref.ptr);
  if (!layer) throw std::invalid_argument("Sequential::add: the layer is null");
  for (const auto& existing : layers_)
    if (existing->name() == layer->name())
      throw std::invalid_argument(
          "All layers added to a Sequential model should have unique names. Name \"" +
          layer->name() + "\" is already the name of a layer in this model.");
  if (layers_.empty() && layer->batch_input_shape()) {
    inputs_ = {backend::placeholder(*layer->batch_input_shape(), layer->input_dtype(),
                                    layer->name() + "_input")};
  }
  layers_.push_back(layer);
  if (!inputs_.empty()) connect(layer);  // shapes are checked as layers are added, as in Keras
}

void Sequential::pop() {
  if (layers_.empty()) throw std::logic_error("There are no layers in the model.");
  layers_.pop_back();
  if (layers_.empty()) inputs_.clear();
  outputs_.clear();
  if (!layers_.empty() && !inputs_.empty()) outputs_ = {layers_.back()->output()};
  invalidate_compilation();  // as in Keras, compile again after changing the stack
}

void Sequential::ensure_graph() {
  if (layers_.empty())
    throw std::logic_error("The model is empty: add layers before compiling or predicting.");
  if (inputs_.empty())
    throw std::invalid_argument(
        "The first layer in a Sequential model must get an `input_shape` or "
        "`batch_input_shape` argument (or `input_dim`); layer " +
        layers_.front()->name() + " has none.");
}

}  // namespace keras
