// The attributes of the elementwise family (elementwise.cpp); the other elementwise ops have none.
#pragma once

#include "keras/backend/graph.h"

namespace keras::ops {

// Relu (alpha: the negative slope, beta: max_value, < 0 for none), Elu (alpha) and Clip (alpha:
// the minimum, beta: the maximum). The fused elementwise groups read them through this struct.
struct UnaryAttrs {
  static constexpr const char* kName = "UnaryAttrs";
  double alpha = 0;
  double beta = 0;
};

// The UnaryAttrs of a unary op's attributes; zeros for the ops that take none.
inline UnaryAttrs unary_params(const backend::OpAttrs& attrs) {
  const UnaryAttrs* params = attrs.get_if<UnaryAttrs>();
  return params ? *params : UnaryAttrs{};
}

// Cast: the target dtype.
struct CastAttrs {
  static constexpr const char* kName = "CastAttrs";
  DType dtype = DType::float32;
};

// An elementwise activation the compiler fused into a FusedDense or Conv node (kCount: linear),
// with its UnaryAttrs.
struct FusedActivation {
  backend::OpKind op = backend::OpKind::kCount;
  double alpha = 0;
  double beta = 0;
};

}  // namespace keras::ops
