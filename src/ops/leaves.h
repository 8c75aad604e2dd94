// The attributes of the leaf ops (leaves.cpp): Placeholder, Variable and Constant.
#pragma once

#include "keras/backend/graph.h"

namespace keras::ops {

// The leaf's given shape (-1 for unknown dimensions) and dtype.
struct LeafAttrs {
  static constexpr const char* kName = "LeafAttrs";
  Shape shape;
  DType dtype = DType::float32;
};

}  // namespace keras::ops
