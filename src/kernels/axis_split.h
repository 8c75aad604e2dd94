// A shape seen around one axis, as the kernels that move data along an axis (concatenate, slice,
// gather, ...) walk it on every backend.
#pragma once

#include <cstddef>
#include <cstdint>

#include "keras/tensor/tensor.h"

namespace keras::kernels {

inline int positive_axis(int axis, std::size_t rank) {
  return axis < 0 ? axis + static_cast<int>(rank) : axis;
}

// (outer, inner) around `axis` of `shape`: the product of the dimensions before and after it.
inline void split_at(const Shape& shape, int axis, std::int64_t& outer, std::int64_t& inner) {
  outer = 1;
  inner = 1;
  for (int d = 0; d < axis; ++d) outer *= shape[static_cast<std::size_t>(d)];
  for (std::size_t d = static_cast<std::size_t>(axis) + 1; d < shape.size(); ++d) inner *= shape[d];
}

}  // namespace keras::kernels
