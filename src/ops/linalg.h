// The attributes of the linalg family (linalg.cpp).
#pragma once

#include "keras/backend/graph.h"
#include "ops/elementwise.h"

namespace keras::ops {

// MatMul and BatchMatMul: each operand's matrix dimensions transposed first.
struct MatMulAttrs {
  static constexpr const char* kName = "MatMulAttrs";
  bool transpose_a = false;
  bool transpose_b = false;
};

// MatMul's or BatchMatMul's transposes; FusedDense, which shares MatMul's rule and kernels, has
// none.
inline MatMulAttrs matmul_transposes(backend::OpKind op, const backend::OpAttrs& attrs) {
  return op == backend::OpKind::kFusedDense ? MatMulAttrs{} : attrs.get<MatMulAttrs>(op);
}

// FusedDense (made by the compiler only): the activation applied after x W + b.
struct FusedDenseAttrs {
  static constexpr const char* kName = "FusedDenseAttrs";
  FusedActivation activation;
};

}  // namespace keras::ops
