// The scalar definition of every elementwise op, shared by the reference kernels (one element at
// a time) and the cpu fused loops (one op over a chunk, so the compiler vectorises it).
#pragma once

#include <algorithm>
#include <cmath>

#include "keras/backend/graph.h"

// The cuda kernels (src/kernels/cuda/elementwise.cu) call the same definitions on the device.
#if defined(__CUDACC__)
#define KERAS_HOST_DEVICE __host__ __device__
#else
#define KERAS_HOST_DEVICE
#endif

namespace keras::kernels {

using backend::OpKind;

template <OpKind Op, typename T>
KERAS_HOST_DEVICE inline T unary_op(T x, double alpha, double beta) {
  using backend::OpKind;
  const T a = static_cast<T>(alpha);
  const T b = static_cast<T>(beta);
  if constexpr (Op == OpKind::kNeg)
    return -x;
  else if constexpr (Op == OpKind::kExp)
    return std::exp(x);
  else if constexpr (Op == OpKind::kLog)
    return std::log(x);
  else if constexpr (Op == OpKind::kSqrt)
    return std::sqrt(x);
  else if constexpr (Op == OpKind::kSquare)
    return x * x;
  else if constexpr (Op == OpKind::kAbs)
    return x < T(0) ? -x : x;
  else if constexpr (Op == OpKind::kSign)
    return static_cast<T>((x > T(0)) - (x < T(0)));
  else if constexpr (Op == OpKind::kRelu) {
    // Keras: relu(x) clipped to max_value (when >= 0), minus alpha * relu(-x). The comparisons
    // are written so that NaN propagates, as in TensorFlow.
    T positive = x < T(0) ? T(0) : x;
    if (beta >= 0) positive = positive > b ? b : positive;
    return alpha != 0 ? positive - a * (x < T(0) ? -x : T(0)) : positive;
  } else if constexpr (Op == OpKind::kSigmoid)
    return T(1) / (T(1) + std::exp(-x));
  else if constexpr (Op == OpKind::kHardSigmoid) {
    T y = static_cast<T>(0.2) * x + static_cast<T>(0.5);
    return y < T(0) ? T(0) : (y > T(1) ? T(1) : y);
  } else if constexpr (Op == OpKind::kTanh)
    return std::tanh(x);
  else if constexpr (Op == OpKind::kSoftplus)
    return x > T(20) ? x : std::log1p(std::exp(x));
  else if constexpr (Op == OpKind::kSoftsign)
    return x / (T(1) + (x < T(0) ? -x : x));
  else if constexpr (Op == OpKind::kElu)
    return x > T(0) ? x : a * (std::exp(x) - T(1));
  else if constexpr (Op == OpKind::kClip)
    return x < a ? a : (x > b ? b : x);
  else if constexpr (Op == OpKind::kRound)
    return std::nearbyint(x);  // the default rounding mode: half to even
  else if constexpr (Op == OpKind::kSin)
    return std::sin(x);
  else if constexpr (Op == OpKind::kCos)
    return std::cos(x);
  else if constexpr (Op == OpKind::kStopGradient)
    return x;
  else
    static_assert(Op == OpKind::kNeg, "not a unary elementwise op");
}

template <OpKind Op, typename T>
KERAS_HOST_DEVICE inline T binary_op(T x, T y) {
  using backend::OpKind;
  if constexpr (Op == OpKind::kAdd)
    return x + y;
  else if constexpr (Op == OpKind::kSub)
    return x - y;
  else if constexpr (Op == OpKind::kMul)
    return x * y;
  else if constexpr (Op == OpKind::kDiv)
    return x / y;
  else if constexpr (Op == OpKind::kPow)
    return static_cast<T>(std::pow(x, y));
  else if constexpr (Op == OpKind::kMaximum)
    return x > y ? x : y;
  else if constexpr (Op == OpKind::kMinimum)
    return x < y ? x : y;
  else if constexpr (Op == OpKind::kEqual)
    return static_cast<T>(x == y);
  else if constexpr (Op == OpKind::kNotEqual)
    return static_cast<T>(x != y);
  else if constexpr (Op == OpKind::kGreater)
    return static_cast<T>(x > y);
  else if constexpr (Op == OpKind::kGreaterEqual)
    return static_cast<T>(x >= y);
  else if constexpr (Op == OpKind::kLess)
    return static_cast<T>(x < y);
  else if constexpr (Op == OpKind::kLessEqual)
    return static_cast<T>(x <= y);
  else
    static_assert(Op == OpKind::kAdd, "not a binary elementwise op");
}

// Calls f(std::integral_constant<OpKind, op>{}) for a runtime unary / binary op.
// clang-format off
#define KERAS_UNARY_OPS(X)                                                                  \
  X(kNeg)                                                                                   \
  X(kExp) X(kLog) X(kSqrt) X(kSquare) X(kAbs) X(kSign) X(kRelu) X(kSigmoid) X(kHardSigmoid) \
      X(kTanh) X(kSoftplus) X(kSoftsign) X(kElu) X(kClip) X(kRound) X(kSin) X(kCos)        \
      X(kStopGradient)
#define KERAS_BINARY_OPS(X)                                                                  \
  X(kAdd)                                                                                    \
  X(kSub) X(kMul) X(kDiv) X(kPow) X(kMaximum) X(kMinimum) X(kEqual) X(kNotEqual) X(kGreater) \
      X(kGreaterEqual) X(kLess) X(kLessEqual)
// clang-format on

template <typename F>
inline void with_static_op(OpKind op, F&& f) {
  switch (op) {
#define KERAS_CASE(name)                               \
  case OpKind::name:                                   \
    f(std::integral_constant<OpKind, OpKind::name>{}); \
    return;
    KERAS_UNARY_OPS(KERAS_CASE)
    KERAS_BINARY_OPS(KERAS_CASE)
#undef KERAS_CASE
    default:
      return;
  }
}

}  // namespace keras::kernels
