// The attributes of the shape family (shape.cpp).
#pragma once

#include <cstdint>
#include <string>
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

// Slice and SliceGrad: [begin, end) along `axis` (negative bounds count from the end).
struct SliceAttrs {
  static constexpr const char* kName = "SliceAttrs";
  int axis = 0;
  std::int64_t begin = 0;
  std::int64_t end = 0;
};

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
