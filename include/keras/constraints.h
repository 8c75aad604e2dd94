// keras::constraints — Keras 2.2.4's weight projections (keras/constraints.py), applied to a
// weight after every optimizer update. With norms = sqrt(sum(w^2, axis, keepdims)):
//   MaxNorm:    w * clip(norms, 0, max_value) / (epsilon + norms)
//   NonNeg:     w * (w >= 0)
//   UnitNorm:   w / (epsilon + norms)
//   MinMaxNorm: w * (rate * clip(norms, min_value, max_value) + (1 - rate) * norms) / (epsilon +
//   norms)
// epsilon is K::epsilon(). The factories return structs that are WeightConstraints (callable) and
// keep their parameters for get_config. Keras 1 names: maxnorm, nonneg, unitnorm.
#pragma once

#include <concepts>
#include <string>
#include <utility>

#include <nlohmann/json.hpp>

#include "keras/engine/layer.h"

namespace keras::constraints {

struct MaxNorm {
  double max_value = 2.0;
  int axis = 0;
  SymbolicTensor operator()(const SymbolicTensor& w) const;
  nlohmann::json get_config() const;
};
struct NonNeg {
  SymbolicTensor operator()(const SymbolicTensor& w) const;
  nlohmann::json get_config() const { return nlohmann::json::object(); }
};
struct UnitNorm {
  int axis = 0;
  SymbolicTensor operator()(const SymbolicTensor& w) const;
  nlohmann::json get_config() const;
};
struct MinMaxNorm {
  double min_value = 0.0;
  double max_value = 1.0;
  double rate = 1.0;
  int axis = 0;
  SymbolicTensor operator()(const SymbolicTensor& w) const;
  nlohmann::json get_config() const;
};

MaxNorm max_norm(double max_value = 2.0, int axis = 0);
NonNeg non_neg();
UnitNorm unit_norm(int axis = 0);
MinMaxNorm min_max_norm(double min_value = 0.0, double max_value = 1.0, double rate = 1.0,
                        int axis = 0);
// Keras 1 spellings (MaxNorm's `m` is max_value).
inline MaxNorm maxnorm(double m = 2.0, int axis = 0) {
  return max_norm(m, axis);
}
inline NonNeg nonneg() {
  return non_neg();
}
inline UnitNorm unitnorm(int axis = 0) {
  return unit_norm(axis);
}

// A layer's constraint argument: none, one of the structs above, a name for get(), or any
// callable of backend ops. Keeps what a layer config needs ({"class_name": ..., "config": ...}).
class Constraint {
 public:
  Constraint() = default;
  Constraint(MaxNorm c) : Constraint(c, "MaxNorm", c.get_config()) {}        // NOLINT
  Constraint(NonNeg c) : Constraint(c, "NonNeg", c.get_config()) {}          // NOLINT
  Constraint(UnitNorm c) : Constraint(c, "UnitNorm", c.get_config()) {}      // NOLINT
  Constraint(MinMaxNorm c) : Constraint(c, "MinMaxNorm", c.get_config()) {}  // NOLINT
  Constraint(const char* name) : Constraint(std::string(name)) {}            // NOLINT
  Constraint(const std::string& name);                                       // NOLINT
  template <typename F>
  requires(std::is_invocable_r_v<SymbolicTensor, F, const SymbolicTensor&> &&
           !std::same_as<std::decay_t<F>, MaxNorm> && !std::same_as<std::decay_t<F>, NonNeg> &&
           !std::same_as<std::decay_t<F>, UnitNorm> && !std::same_as<std::decay_t<F>, MinMaxNorm> &&
           !std::same_as<std::decay_t<F>, Constraint>)
      Constraint(F function, std::string name = "custom")  // NOLINT
      : function_(std::move(function)), class_name_(std::move(name)) {}

  explicit operator bool() const { return static_cast<bool>(function_); }
  SymbolicTensor operator()(const SymbolicTensor& w) const { return function_(w); }
  const WeightConstraint& function() const { return function_; }
  // null when there is no constraint.
  nlohmann::json get_config() const;

 private:
  Constraint(WeightConstraint function, std::string class_name, nlohmann::json config)
      : function_(std::move(function)),
        class_name_(std::move(class_name)),
        config_(std::move(config)) {}
  WeightConstraint function_;
  std::string class_name_;
  nlohmann::json config_ = nlohmann::json::object();
};

// By name with default parameters: max_norm, non_neg, unit_norm, min_max_norm, the class names
// (MaxNorm, NonNeg, UnitNorm, MinMaxNorm) and Keras 1's maxnorm, nonneg, unitnorm. Throws
// std::invalid_argument listing the valid names.
Constraint get(const std::string& name);
// From {"class_name": "MaxNorm", "config": {"max_value": 2, "axis": 0}} or a name; null: none.
Constraint from_config(const nlohmann::json& config);

}  // namespace keras::constraints
