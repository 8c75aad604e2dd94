// The attributes of the normalization family (normalization.cpp).
#pragma once

#include <vector>

#include "keras/backend/graph.h"

namespace keras::ops {

// BatchNormStats, BatchNorm, BatchNormGrad and BatchNormGradParams: the channels' axis, epsilon,
// and (BatchNormGrad) whether the statistics are x's own, so that dx includes their derivative.
struct BatchNormAttrs {
  static constexpr const char* kName = "BatchNormAttrs";
  int axis = 0;
  double epsilon = 0;
  bool batch_stats = false;
};

// L2Normalize: the axis (one) it normalizes along, all when empty.
struct L2NormalizeAttrs {
  static constexpr const char* kName = "L2NormalizeAttrs";
  std::vector<int> axes;
};

}  // namespace keras::ops
