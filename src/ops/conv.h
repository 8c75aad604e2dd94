// The attributes of the conv family (conv.cpp): one entry per spatial dimension.
#pragma once

#include <cstdint>
#include <vector>

#include "keras/backend/graph.h"
#include "ops/elementwise.h"

namespace keras::ops {

// Conv, ConvGradInput and ConvGradKernel: the forward convolution's geometry; the gradients'
// output shape; the activation the compiler fused into a Conv (with its bias).
struct ConvAttrs {
  static constexpr const char* kName = "ConvAttrs";
  std::vector<std::int64_t> strides;
  std::vector<std::int64_t> dilation;
  std::vector<std::int64_t> pad_begin;  // explicit zero padding before / after
  std::vector<std::int64_t> pad_end;
  std::int64_t groups = 1;  // input and output channels split into this many groups
  FusedActivation activation;
  Shape shape;  // ConvGradInput: x's shape; ConvGradKernel: the kernel's
};

}  // namespace keras::ops
