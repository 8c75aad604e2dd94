// keras::regularizers — Keras 2.2.4's weight and activity penalties (keras/regularizers.py):
// L1L2(l1, l2)(x) = sum(l1 |x|) + sum(l2 x^2). The factories return the L1L2 struct, which is a
// WeightRegularizer (callable) and keeps its parameters for get_config. Keras 1's names
// (l1l2, activity_l1, activity_l2, activity_l1l2) build the same penalty.
#pragma once

#include <concepts>
#include <string>
#include <utility>

#include <nlohmann/json.hpp>

#include "keras/engine/layer.h"

namespace keras::regularizers {

struct L1L2 {
  double l1 = 0.0;
  double l2 = 0.0;
  SymbolicTensor operator()(const SymbolicTensor& x) const;
  // {"l1": ..., "l2": ...}
  nlohmann::json get_config() const;
};

L1L2 l1(double l = 0.01);
L1L2 l2(double l = 0.01);
L1L2 l1_l2(double l1 = 0.01, double l2 = 0.01);
// Keras 1 spellings.
L1L2 l1l2(double l1 = 0.01, double l2 = 0.01);
inline L1L2 activity_l1(double l = 0.01) {
  return l1(l);
}
inline L1L2 activity_l2(double l = 0.01) {
  return l2(l);
}
inline L1L2 activity_l1l2(double l1 = 0.01, double l2 = 0.01) {
  return l1l2(l1, l2);
}

// A layer's regularizer argument: none, an L1L2, a name for get(), or any callable of backend ops.
// Keeps what a layer config needs ({"class_name": "L1L2", "config": {...}}).
class Regularizer {
 public:
  Regularizer() = default;
  Regularizer(L1L2 penalty);                                         // NOLINT: implicit, as Keras
  Regularizer(const char* name) : Regularizer(std::string(name)) {}  // NOLINT
  Regularizer(const std::string& name);                              // NOLINT
  template <typename F>
  requires(std::is_invocable_r_v<SymbolicTensor, F, const SymbolicTensor&> &&
           !std::same_as<std::decay_t<F>, L1L2> && !std::same_as<std::decay_t<F>, Regularizer>)
      Regularizer(F function, std::string name = "custom")  // NOLINT
      : function_(std::move(function)), class_name_(std::move(name)) {}

  explicit operator bool() const { return static_cast<bool>(function_); }
  SymbolicTensor operator()(const SymbolicTensor& x) const { return function_(x); }
  const WeightRegularizer& function() const { return function_; }
  // null when there is no regularizer.
  nlohmann::json get_config() const;

 private:
  WeightRegularizer function_;
  std::string class_name_;
  nlohmann::json config_ = nlohmann::json::object();
};

// By name, with the defaults of the factories: "l1", "l2", "l1_l2", "L1L2" (all zero, as
// Keras's L1L2()), Keras 1's "l1l2", "activity_l1", "activity_l2", "activity_l1l2". Throws
// std::invalid_argument listing the valid names.
L1L2 get(const std::string& name);
// From {"class_name": "L1L2", "config": {"l1": ..., "l2": ...}} or a name; null gives none.
Regularizer from_config(const nlohmann::json& config);

}  // namespace keras::regularizers
