// The recurrent sequence kernels' pieces that also compile for the device (the cuda kernels,
// kernels/recurrent_steps.h): the cells' activations and the view of a Recurrent node's operands
// (kernels/recurrent.h describes the layouts).
#pragma once

#include <cmath>
#include <cstdint>
#include <string>

#include "kernels/elementwise_math.h"  // KERAS_HOST_DEVICE
#include "kernels/kernel.h"
#include "ops/recurrent.h"

namespace keras::kernels::rnn {

inline int gates(int cell) {
  return cell == 2 ? 4 : (cell == 1 ? 3 : 1);
}
inline int width(int cell, bool reset_after) {
  return cell == 2 ? 6 : (cell == 1 ? (reset_after ? 5 : 4) : 1);
}

// Where each optional input sits in a Recurrent node's input list.
struct InputIndex {
  int h0 = -1, c0 = -1, mask = -1, dropout = -1, bias = -1, kernel = -1, kernel_bias = -1;
  int count = 2;
  explicit InputIndex(const ops::RecurrentAttrs& a) {
    if (a.initial_state) {
      h0 = count++;
      if (a.cell == 2) c0 = count++;
    }
    if (a.mask) mask = count++;
    if (a.recurrent_mask) dropout = count++;
    if (a.reset_after) bias = count++;
    if (a.projects_input) {
      kernel = count++;
      kernel_bias = count++;
    }
  }
};

// The activations the kernels compute, each defined once: its Keras name, its op (kCount:
// linear), the function and its derivative from the activation's output y. The layers take the
// step-by-step path (cell_graph.cpp) for any other activation.
namespace activation {
struct Linear {
  static constexpr OpKind kOp = OpKind::kCount;
  static constexpr const char* kName = "linear";
  template <typename T>
  KERAS_HOST_DEVICE static T forward(T x) {
    return x;
  }
  template <typename T>
  KERAS_HOST_DEVICE static T derivative(T) {
    return T(1);
  }
};
struct Tanh {
  static constexpr OpKind kOp = OpKind::kTanh;
  static constexpr const char* kName = "tanh";
  template <typename T>
  KERAS_HOST_DEVICE static T forward(T x) {
    return std::tanh(x);
  }
  template <typename T>
  KERAS_HOST_DEVICE static T derivative(T y) {
    return T(1) - y * y;
  }
};
struct Sigmoid {
  static constexpr OpKind kOp = OpKind::kSigmoid;
  static constexpr const char* kName = "sigmoid";
  template <typename T>
  KERAS_HOST_DEVICE static T forward(T x) {
    return T(1) / (T(1) + std::exp(-x));
  }
  template <typename T>
  KERAS_HOST_DEVICE static T derivative(T y) {
    return y * (T(1) - y);
  }
};
struct HardSigmoid {
  static constexpr OpKind kOp = OpKind::kHardSigmoid;
  static constexpr const char* kName = "hard_sigmoid";
  template <typename T>
  KERAS_HOST_DEVICE static T forward(T x) {
    T y = static_cast<T>(0.2) * x + static_cast<T>(0.5);
    return y < T(0) ? T(0) : (y > T(1) ? T(1) : y);
  }
  template <typename T>
  KERAS_HOST_DEVICE static T derivative(T y) {
    return y > T(0) && y < T(1) ? static_cast<T>(0.2) : T(0);
  }
};
struct Relu {
  static constexpr OpKind kOp = OpKind::kRelu;
  static constexpr const char* kName = "relu";
  template <typename T>
  KERAS_HOST_DEVICE static T forward(T x) {
    return x < T(0) ? T(0) : x;  // NaN propagates
  }
  template <typename T>
  KERAS_HOST_DEVICE static T derivative(T y) {
    return y > T(0) ? T(1) : T(0);
  }
};
struct Elu {  // alpha 1, Keras's 'elu' activation
  static constexpr OpKind kOp = OpKind::kElu;
  static constexpr const char* kName = "elu";
  template <typename T>
  KERAS_HOST_DEVICE static T forward(T x) {
    return x > T(0) ? x : std::expm1(x);
  }
  template <typename T>
  KERAS_HOST_DEVICE static T derivative(T y) {
    return y > T(0) ? T(1) : y + T(1);
  }
};
struct Softplus {
  static constexpr OpKind kOp = OpKind::kSoftplus;
  static constexpr const char* kName = "softplus";
  template <typename T>
  KERAS_HOST_DEVICE static T forward(T x) {
    return x > T(0) ? x + std::log1p(std::exp(-x)) : std::log1p(std::exp(x));
  }
  template <typename T>
  KERAS_HOST_DEVICE static T derivative(T y) {  // sigmoid(x) = 1 - exp(-softplus(x))
    return -std::expm1(-y);
  }
};
struct Softsign {
  static constexpr OpKind kOp = OpKind::kSoftsign;
  static constexpr const char* kName = "softsign";
  template <typename T>
  KERAS_HOST_DEVICE static T forward(T x) {
    return x / (T(1) + std::abs(x));
  }
  template <typename T>
  KERAS_HOST_DEVICE static T derivative(T y) {  // 1 / (1 + |x|)^2 = (1 - |y|)^2
    const T r = T(1) - std::abs(y);
    return r * r;
  }
};
struct Exponential {
  static constexpr OpKind kOp = OpKind::kExp;
  static constexpr const char* kName = "exponential";
  template <typename T>
  KERAS_HOST_DEVICE static T forward(T x) {
    return std::exp(x);
  }
  template <typename T>
  KERAS_HOST_DEVICE static T derivative(T y) {
    return y;
  }
};

// A list of definitions, resolved from an OpKind at run time (on the host or the device).
template <typename... A>
struct List {
  // with(op, body): calls body(A{}) with the definition of `op`; false when none is `op`.
  template <typename Body>
  static bool with(OpKind op, Body&& body) {
    return ((op == A::kOp ? (body(A{}), true) : false) || ...);
  }
  static std::string names() {
    std::string out;
    ((out += (out.empty() ? "" : ", ") + std::string(A::kName)), ...);
    return out;
  }
  // The identity (forward) and 1 (derivative) for an op not in the list.
  template <typename T>
  KERAS_HOST_DEVICE static T forward(OpKind op, T x) {
    T y = x;
    (void)((op == A::kOp ? (y = A::template forward<T>(x), true) : false) || ...);
    return y;
  }
  template <typename T>
  KERAS_HOST_DEVICE static T derivative(OpKind op, T y) {
    T d = T(1);
    (void)((op == A::kOp ? (d = A::template derivative<T>(y), true) : false) || ...);
    return d;
  }
};
using All = List<Tanh, Sigmoid, HardSigmoid, Relu, Elu, Softplus, Softsign, Exponential, Linear>;
}  // namespace activation

// One value (the identity for an activation the kernels do not compute).
template <typename T>
KERAS_HOST_DEVICE inline T activate(OpKind op, T x) {
  return activation::All::forward(op, x);
}
// The derivative from the activation's output y (1 for an activation the kernels do not compute).
template <typename T>
KERAS_HOST_DEVICE inline T derivative(OpKind op, T y) {
  return activation::All::derivative(op, y);
}

// Everything the kernels read, as typed pointers with their row strides.
template <typename T>
struct View {
  int cell;
  OpKind act, rec_act;
  bool backwards, reset_after;
  bool last_only;  // Recurrent's output is its last step: the others go round `ring` (2 steps)
  std::int64_t B, Tn, u, G, S, GR;  // GR: the width of a row of RecurrentGrad's output
  const T *x, *U, *h0 = nullptr, *c0 = nullptr, *mask = nullptr, *drop = nullptr, *rb = nullptr;
  T* ring = nullptr;  // set by the kernel from its scratch where last_only
  // projects_input: x is (T, B, D), projected by w_in (D, G) and b_in (G) step by step.
  std::int64_t D = 0;
  const T *w_in = nullptr, *b_in = nullptr;

  explicit View(const KernelCall& call) {
    const auto& a = call.attrs_as<ops::RecurrentAttrs>();
    InputIndex idx(a);
    cell = a.cell;
    act = a.activation;
    rec_act = a.recurrent_activation;
    backwards = a.go_backwards;
    reset_after = a.reset_after;
    last_only = a.last_step_only;
    const Buffer& xb = call.inputs[0];
    Tn = xb.shape[0];
    B = xb.shape[1];
    u = call.inputs[1].shape[0];
    G = gates(cell) * u;
    S = width(cell, reset_after) * u;
    GR = G + (reset_after ? u : 0);
    x = xb.as<T>();
    U = call.inputs[1].as<T>();
    if (idx.h0 >= 0) h0 = call.inputs[static_cast<std::size_t>(idx.h0)].as<T>();
    if (idx.c0 >= 0) c0 = call.inputs[static_cast<std::size_t>(idx.c0)].as<T>();
    if (idx.mask >= 0) mask = call.inputs[static_cast<std::size_t>(idx.mask)].as<T>();
    if (idx.dropout >= 0) drop = call.inputs[static_cast<std::size_t>(idx.dropout)].as<T>();
    if (idx.bias >= 0) rb = call.inputs[static_cast<std::size_t>(idx.bias)].as<T>();
    if (idx.kernel >= 0) {
      D = xb.shape[2];
      w_in = call.inputs[static_cast<std::size_t>(idx.kernel)].as<T>();
      b_in = call.inputs[static_cast<std::size_t>(idx.kernel_bias)].as<T>();
    }
  }
  KERAS_HOST_DEVICE std::int64_t time(std::int64_t s) const { return backwards ? Tn - 1 - s : s; }
  // Where processing step s's states (B rows of S) are: in y, or, keeping the last step only, in
  // y for the last step and in the ring's two slots for the others.
  T* step_states(T* y, std::int64_t s) const {
    if (!last_only) return y + s * B * S;
    return s == Tn - 1 ? y : ring + (s % 2) * B * S;
  }
  const T* step_states(const T* y, std::int64_t s) const {
    return step_states(const_cast<T*>(y), s);
  }
  KERAS_HOST_DEVICE bool kept(std::int64_t b, std::int64_t t) const {
    return !mask || mask[b * Tn + t] != T(0);
  }
  // Element (b, j) of h_{s-1} and c_{s-1} (raw, as the states): y's h or c column of step s-1,
  // the initial state, or zero.
  KERAS_HOST_DEVICE T h_prev(const T* y, std::int64_t s, std::int64_t b, std::int64_t j) const {
    if (s > 0) return y[((s - 1) * B + b) * S + j];
    return h0 ? h0[b * u + j] : T(0);
  }
  KERAS_HOST_DEVICE T c_prev(const T* y, std::int64_t s, std::int64_t b, std::int64_t j) const {
    if (s > 0) return y[((s - 1) * B + b) * S + u + j];
    return c0 ? c0[b * u + j] : T(0);
  }
  // h times the recurrent dropout mask where it applies.
  KERAS_HOST_DEVICE T dropped(T h, std::int64_t b, std::int64_t j) const {
    return drop ? h * drop[b * u + j] : h;
  }
};

}  // namespace keras::kernels::rnn
