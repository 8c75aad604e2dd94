// The attributes of the random family (random.cpp).
#pragma once

#include <cstdint>

#include "keras/backend/graph.h"

namespace keras::ops {

// DropoutMask: keep with probability 1 - rate, scaled by 1 / (1 - rate).
struct DropoutAttrs {
  static constexpr const char* kName = "DropoutAttrs";
  double rate = 0;
  std::uint64_t seed = 0;
};

// RandomNormal and TruncatedNormal (alpha: the mean, beta: the standard deviation) and
// RandomUniform (in [alpha, beta)).
struct RandomAttrs {
  static constexpr const char* kName = "RandomAttrs";
  double alpha = 0;
  double beta = 0;
  std::uint64_t seed = 0;
};

}  // namespace keras::ops
