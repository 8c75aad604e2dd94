// The attributes of the reduce family (reduce.cpp); SumLike has none.
#pragma once

#include <vector>

#include "keras/backend/graph.h"

namespace keras::ops {

// Sum, Mean, Max, Min, Prod and MeanGrad: the reduced axes (all when empty).
struct ReduceAttrs {
  static constexpr const char* kName = "ReduceAttrs";
  std::vector<int> axes;
  bool keepdims = false;
};

// ArgMax, ArgMin, Cumsum and Cumprod: the axis they run along (negative: from the end).
struct AxisAttrs {
  static constexpr const char* kName = "AxisAttrs";
  int axis = 0;
};

// BroadcastLike(g, x): g, reduced over `axes` of x, broadcast back to x's shape; with
// numpy_broadcast, g broadcast to x's shape by numpy's rules instead. MeanGrad(g, x), which runs
// the same kernel, takes them too (its Mean's axes and keepdims).
struct BroadcastLikeAttrs {
  static constexpr const char* kName = "BroadcastLikeAttrs";
  std::vector<int> axes;
  bool keepdims = false;
  bool numpy_broadcast = false;
};

}  // namespace keras::ops
