// What stateful recurrent layers (Recurrent, RNN) share: the batch size their state variables
// take, or Keras's error.
#pragma once

#include <stdexcept>

#include "keras/engine/layer.h"

namespace keras::layers::detail {

inline std::int64_t stateful_batch_size(const Layer& layer, const Shape& input_shape) {
  const std::int64_t batch =
      layer.batch_input_shape() ? (*layer.batch_input_shape())[0] : input_shape[0];
  if (batch < 0)
    throw std::invalid_argument(
        "If a RNN is stateful, it needs to know its batch size. Specify the batch size of your "
        "input tensors: pass a `batch_input_shape` (or `batch_size`) argument to the first "
        "layer of your model (layer " +
        layer.name() + ", input shape " + shape_to_string(input_shape) + ")");
  return batch;
}

}  // namespace keras::layers::detail
