// The attributes of the shape family (shape.cpp).
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "keras/backend/graph.h"

namespace keras::ops {

// Reshape(x[, like]): the target shape (one -1 allowed); with `like`, like_axes[i] >= 0 takes
// target dimension i from like's dimension like_axes[i].
struct ReshapeAttrs {
  static constexpr const char* kName = "ReshapeAttrs";
  Shape shape;
  std::vector<int> like_axes;
};

// Transpose: the permutation.
struct TransposeAttrs {
  static constexpr const char* kName = "TransposeAttrs";
  std::vector<int> axes;
};

// Concatenate: the axis the inputs are joined along.
struct ConcatenateAttrs {
  static constexpr const char* kName = "ConcatenateAttrs";
  int axis = 0;
};

// Slice and SliceGrad: [begin, end) along `axis` (negative bounds count from the end);
// to_end: the slice runs to the end of the axis and `end` is not read (x[a:] on an axis whose
// size is known only at run time).
struct SliceAttrs {
  static constexpr const char* kName = "SliceAttrs";
  int axis = 0;
  std::int64_t begin = 0;
  std::int64_t end = 0;
  bool to_end = false;
};

// Slice's [begin, end) on an axis of `dim` elements: a bound below zero counts from the end, as
// Python's, and an end of 0 after a negative begin is the end of the axis (x[-1:] is begin -1,
// end 0), so a slice can name the last steps of an axis whose length is known only at run time.
inline std::pair<std::int64_t, std::int64_t> slice_bounds(const SliceAttrs& slice,
                                                          std::int64_t dim) {
  std::int64_t end = slice.end;
  if (slice.to_end || (slice.begin < 0 && end == 0)) end = dim;
  return {slice.begin < 0 ? slice.begin + dim : slice.begin, end < 0 ? end + dim : end};
}

// Pad: zeros before and after, per axis.
struct PadAttrs {
  static constexpr const char* kName = "PadAttrs";
  std::vector<std::int64_t> pad_begin;
  std::vector<std::int64_t> pad_end;
};

// Print: the text written before the value.
struct PrintAttrs {
  static constexpr const char* kName = "PrintAttrs";
  std::string message;
};

}  // namespace keras::ops
