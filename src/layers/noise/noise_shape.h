// Keras's `noise_shape` of the dropout layers (Dropout, AlphaDropout): the shape of the random
// mask, which multiplies the input with broadcasting; None (-1) entries take the input's
// dimension, as Keras 2.2.4's Dropout._get_noise_shape does.
#pragma once

#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "keras/engine/layer.h"

namespace keras::layers::detail {

// Checks a noise_shape given to `layer`'s constructor: every entry None (-1) or positive.
void check_noise_shape(const std::optional<Shape>& noise_shape, const std::string& layer);

// A tensor shaped as the mask (`inputs` sliced to size 1 on the axes where the noise shape is
// 1), or `inputs` itself when there is no noise shape or it asks for one draw per element.
// Throws, naming `layer`, when the noise shape has another rank than the input or does not
// broadcast to it.
SymbolicTensor noise_like(const SymbolicTensor& inputs, const std::optional<Shape>& noise_shape,
                          const std::string& layer);

// get_config's noise_shape as Keras writes it: null, or a list with null for None.
nlohmann::json noise_shape_json(const std::optional<Shape>& noise_shape);

}  // namespace keras::layers::detail
