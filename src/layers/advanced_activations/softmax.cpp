#include <utility>

#include "keras/layers/advanced_activations.h"
#include "layers/schema_config.h"

namespace keras::layers {

Softmax::Softmax(SoftmaxOptions options)
    : Layer("Softmax", layer_arguments(options)), options_(std::move(options)) {
  supports_masking_ = true;
}

// Keras 2.2.4's activations.softmax(x, axis): K.softmax (the last axis) on 2-D inputs, else
// exp(x - max(x, axis)) / sum(..., axis).
SymbolicTensor Softmax::call(const SymbolicTensor& inputs) {
  int ndim = inputs.ndim();
  if (ndim < 2)
    throw std::invalid_argument("Softmax: cannot apply softmax to a tensor that is 1D, got shape " +
                                shape_to_string(inputs.shape()));
  int axis = options_.axis < 0 ? options_.axis + ndim : options_.axis;
  if (axis < 0 || axis >= ndim)
    throw std::invalid_argument("Softmax: `axis` " + std::to_string(options_.axis) +
                                " is out of range for an input of rank " + std::to_string(ndim));
  if (ndim == 2 || axis == ndim - 1) return K::softmax(inputs);
  SymbolicTensor e = K::exp(inputs - K::max(inputs, {axis}, true));
  return e / K::sum(e, {axis}, true);
}

nlohmann::json Softmax::get_config() const {
  return detail::config_with_arguments(Layer::get_config(), options_);
}

LayerPtr Softmax::from_config(const nlohmann::json& config) {
  return detail::layer_from_config<Softmax, SoftmaxOptions>(config, "Softmax");
}

}  // namespace keras::layers
