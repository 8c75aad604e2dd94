// The attributes of the pool family (pool.cpp): one entry per spatial dimension.
#pragma once

#include <cstdint>
#include <vector>

#include "keras/backend/graph.h"

namespace keras::ops {

// MaxPool, MaxPoolGrad, AvgPool and AvgPoolGrad: the forward pooling's geometry; AvgPoolGrad's
// output shape (the pooled input's).
struct PoolAttrs {
  static constexpr const char* kName = "PoolAttrs";
  std::vector<std::int64_t> window;
  std::vector<std::int64_t> strides;
  std::vector<std::int64_t> pad_begin;  // explicit zero padding before / after
  std::vector<std::int64_t> pad_end;
  Shape shape;  // AvgPoolGrad
};

}  // namespace keras::ops
