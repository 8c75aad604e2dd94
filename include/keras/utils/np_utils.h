// keras.utils.np_utils: NumPy-style helpers on concrete tensors.
#pragma once

#include <cstdint>

#include "keras/tensor/tensor.h"

namespace keras::utils {

// Converts a tensor of class indices to a one-hot float32 matrix, as Keras 2.2.4's
// to_categorical. `y` may have any shape and dtype; float labels are truncated toward zero
// like NumPy's astype(int). `num_classes` -1 (or 0, Keras's "falsy") means max(y) + 1.
// The result has shape y.shape + (num_classes,), except that a trailing dimension of 1 is
// dropped first when y has rank > 1: (N, 1) -> (N, num_classes).
// Throws std::invalid_argument for a label < 0 or >= num_classes, a non-finite label, an
// undefined tensor, num_classes < -1, or inferring num_classes from an empty tensor.
Tensor to_categorical(const Tensor& y, std::int64_t num_classes = -1);

}  // namespace keras::utils
