#include "keras/layers/core.h"

namespace keras::layers {

namespace K = keras::backend;

Masking::Masking(double mask_value, MaskingOptions options)
    : Layer("Masking", layer_arguments(options)), mask_value_(mask_value) {
  supports_masking_ = true;
}

// A timestep is kept when any of its features differs from mask_value (Keras's K.any over the
// last axis).
SymbolicTensor Masking::compute_mask(const SymbolicTensor& inputs, const SymbolicTensor&) const {
  return K::max(K::not_equal(inputs, K::constant(mask_value_, inputs.dtype())), {-1});
}

SymbolicTensor Masking::call(const SymbolicTensor& inputs) {
  SymbolicTensor keep =
      K::max(K::not_equal(inputs, K::constant(mask_value_, inputs.dtype())), {-1}, true);
  return inputs * K::cast(keep, inputs.dtype());
}

nlohmann::json Masking::get_config() const {
  nlohmann::json config = Layer::get_config();
  config["mask_value"] = mask_value_;
  return config;
}

}  // namespace keras::layers
