#include <utility>

#include "keras/layers/core.h"
#include "layers/schema_config.h"

namespace keras::layers {

namespace K = keras::backend;

Masking::Masking(MaskingOptions options)
    : Layer("Masking", layer_arguments(options)), options_(std::move(options)) {
  supports_masking_ = true;
}

Masking::Masking(double mask_value, MaskingOptions options)
    : Masking([&] {
        options.mask_value = mask_value;
        return std::move(options);
      }()) {}

// A timestep is kept when any of its features differs from mask_value (Keras's K.any over the
// last axis).
SymbolicTensor Masking::compute_mask(const SymbolicTensor& inputs, const SymbolicTensor&) const {
  return K::max(K::not_equal(inputs, K::constant(options_.mask_value, inputs.dtype())), {-1});
}

SymbolicTensor Masking::call(const SymbolicTensor& inputs) {
  SymbolicTensor keep =
      K::max(K::not_equal(inputs, K::constant(options_.mask_value, inputs.dtype())), {-1}, true);
  return inputs * K::cast(keep, inputs.dtype());
}

nlohmann::json Masking::get_config() const {
  return detail::config_with_arguments(Layer::get_config(), options_);
}

LayerPtr Masking::from_config(const nlohmann::json& config) {
  return detail::layer_from_config<Masking, MaskingOptions>(config, "Masking");
}

}  // namespace keras::layers
