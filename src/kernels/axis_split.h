// A shape seen around one axis, as the kernels that move data along an axis (concatenate, slice,
// gather, ...) walk it on every backend.
#pragma once

#include <cstddef>
#include <cstdint>

#include "keras/tensor/tensor.h"
#include "ops/shape.h"

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

// A slice along one axis of `full` (the slice `part`-shaped) as rows of bytes: `outer` rows of
// `row` bytes in the full tensor, each holding `body` bytes of the slice from byte `head` on.
struct SliceRows {
  std::int64_t outer = 1, head = 0, body = 0, row = 0;
};
inline SliceRows slice_rows(const Shape& full, const Shape& part, const ops::SliceAttrs& slice,
                            std::size_t element_bytes) {
  const int axis = positive_axis(slice.axis, full.size());
  std::int64_t inner = 1;
  SliceRows r;
  split_at(full, axis, r.outer, inner);
  const std::int64_t bytes = static_cast<std::int64_t>(element_bytes) * inner;
  const std::int64_t dim = full[static_cast<std::size_t>(axis)];
  r.head = ops::slice_bounds(slice, dim).first * bytes;
  r.body = part[static_cast<std::size_t>(axis)] * bytes;
  r.row = dim * bytes;
  return r;
}

}  // namespace keras::kernels
