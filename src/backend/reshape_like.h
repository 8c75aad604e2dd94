// Reshape to a shape that takes some dimensions from another tensor at run time, for layers whose
// inputs have several unknown dimensions (variable-length sequences: batch and time).
#pragma once

#include <vector>

#include "keras/backend/backend.h"

namespace keras::backend {

// x reshaped to `target`, where target[i] is like's dimension like_axes[i] when that is >= 0
// (known when the function runs), and one remaining -1 is inferred. Only like's shape is read.
SymbolicTensor reshape_like(const SymbolicTensor& x, Shape target, const SymbolicTensor& like,
                            std::vector<int> like_axes);

}  // namespace keras::backend
