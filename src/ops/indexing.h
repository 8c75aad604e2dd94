// The attributes of the indexing family (indexing.cpp); Gather and GatherGrad have none.
#pragma once

#include <cstdint>

#include "keras/backend/graph.h"

namespace keras::ops {

// OneHot: the number of classes and the output's dtype.
struct OneHotAttrs {
  static constexpr const char* kName = "OneHotAttrs";
  std::int64_t count = 0;
  DType dtype = DType::float32;
};

}  // namespace keras::ops
