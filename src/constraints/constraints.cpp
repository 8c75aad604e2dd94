#include "keras/constraints.h"

#include <stdexcept>

namespace keras::constraints {

namespace {
SymbolicTensor norms(const SymbolicTensor& w, int axis) {
  int rank = w.ndim();
  if (axis < -rank || axis >= rank)
    throw std::invalid_argument(
        "constraint axis " + std::to_string(axis) + " is out of range for a weight of shape " +
        shape_to_string(w.shape()) + " (rank " + std::to_string(rank) + ")");
  return K::sqrt(K::sum(K::square(w), {axis}, true));
}
}  // namespace

SymbolicTensor MaxNorm::operator()(const SymbolicTensor& w) const {
  SymbolicTensor n = norms(w, axis);
  SymbolicTensor desired = K::clip(n, 0.0, max_value);
  return w * (desired / (n + K::epsilon()));
}
nlohmann::json MaxNorm::get_config() const {
  return {{"max_value", max_value}, {"axis", axis}};
}

SymbolicTensor NonNeg::operator()(const SymbolicTensor& w) const {
  return w * K::greater_equal(w, K::constant(0.0, w.dtype()));
}

SymbolicTensor UnitNorm::operator()(const SymbolicTensor& w) const {
  return w / (norms(w, axis) + K::epsilon());
}
nlohmann::json UnitNorm::get_config() const {
  return {{"axis", axis}};
}

SymbolicTensor MinMaxNorm::operator()(const SymbolicTensor& w) const {
  SymbolicTensor n = norms(w, axis);
  SymbolicTensor desired = K::clip(n, min_value, max_value) * rate + n * (1.0 - rate);
  return w * (desired / (n + K::epsilon()));
}
nlohmann::json MinMaxNorm::get_config() const {
  return {{"min_value", min_value}, {"max_value", max_value}, {"rate", rate}, {"axis", axis}};
}

MaxNorm max_norm(double max_value, int axis) {
  if (max_value < 0)
    throw std::invalid_argument("max_norm: max_value must be >= 0, got " +
                                std::to_string(max_value));
  return {max_value, axis};
}
NonNeg non_neg() {
  return {};
}
UnitNorm unit_norm(int axis) {
  return {axis};
}
MinMaxNorm min_max_norm(double min_value, double max_value, double rate, int axis) {
  if (min_value < 0 || min_value > max_value)
    throw std::invalid_argument("min_max_norm: need 0 <= min_value <= max_value, got min_value " +
                                std::to_string(min_value) + ", max_value " +
                                std::to_string(max_value));
  if (rate < 0 || rate > 1)
    throw std::invalid_argument("min_max_norm: rate must be in [0, 1], got " +
                                std::to_string(rate));
  return {min_value, max_value, rate, axis};
}

Constraint::Constraint(const std::string& name) : Constraint(get(name)) {}

nlohmann::json Constraint::get_config() const {
  if (!function_) return nullptr;
  // A callable named by the JSON Keras writes for it (the Python bindings name a function
  // "\"fn\"" and a custom class's object {"class_name": ..., "config": obj.get_config()}).
  if (!class_name_.empty() && (class_name_.front() == '{' || class_name_.front() == '"'))
    return nlohmann::json::parse(class_name_);
  return {{"class_name", class_name_}, {"config", config_}};
}

Constraint get(const std::string& name) {
  if (name == "max_norm" || name == "MaxNorm" || name == "maxnorm") return max_norm();
  if (name == "non_neg" || name == "NonNeg" || name == "nonneg") return non_neg();
  if (name == "unit_norm" || name == "UnitNorm" || name == "unitnorm") return unit_norm();
  if (name == "min_max_norm" || name == "MinMaxNorm") return min_max_norm();
  throw std::invalid_argument("Unknown constraint: '" + name +
                              "'. Valid constraints are: max_norm, non_neg, unit_norm, "
                              "min_max_norm (or MaxNorm, NonNeg, UnitNorm, MinMaxNorm; Keras 1: "
                              "maxnorm, nonneg, unitnorm).");
}

Constraint from_config(const nlohmann::json& config) {
  if (config.is_null()) return {};
  if (config.is_string()) return get(config.get<std::string>());
  std::string class_name = config.value("class_name", "");
  const nlohmann::json& c = config.contains("config") ? config["config"] : config;
  if (class_name == "MaxNorm")
    return max_norm(c.value("max_value", c.value("m", 2.0)), c.value("axis", 0));
  if (class_name == "NonNeg") return non_neg();
  if (class_name == "UnitNorm") return unit_norm(c.value("axis", 0));
  if (class_name == "MinMaxNorm")
    return min_max_norm(c.value("min_value", 0.0), c.value("max_value", 1.0), c.value("rate", 1.0),
                        c.value("axis", 0));
  return get(class_name);  // throws with the valid names
}

}  // namespace keras::constraints
