#include "keras/regularizers.h"

#include <stdexcept>

namespace keras::regularizers {

SymbolicTensor L1L2::operator()(const SymbolicTensor& x) const {
  // Keras adds only the terms that are on, so a pure L2 penalty has no |x| node.
  SymbolicTensor total = K::constant(0.0, x.dtype());
  if (l1 != 0) total = total + K::sum(K::abs(x) * l1);
  if (l2 != 0) total = total + K::sum(K::square(x) * l2);
  return total;
}

nlohmann::json L1L2::get_config() const {
  return {{"l1", l1}, {"l2", l2}};
}

L1L2 l1(double l) {
  return {l, 0.0};
}
L1L2 l2(double l) {
  return {0.0, l};
}
L1L2 l1_l2(double l1, double l2) {
  return {l1, l2};
}
L1L2 l1l2(double l1, double l2) {
  return {l1, l2};
}

L1L2 get(const std::string& name) {
  if (name == "l1" || name == "activity_l1") return l1();
  if (name == "l2" || name == "activity_l2") return l2();
  if (name == "l1_l2" || name == "l1l2" || name == "activity_l1l2") return l1_l2();
  if (name == "L1L2") return {};
  throw std::invalid_argument("Unknown regularizer: '" + name +
                              "'. Valid regularizers are: l1, l2, l1_l2, L1L2 (Keras 1: l1l2, "
                              "activity_l1, activity_l2, activity_l1l2).");
}

Regularizer::Regularizer(L1L2 penalty)
    : function_(penalty), class_name_("L1L2"), config_(penalty.get_config()) {}

Regularizer::Regularizer(const std::string& name) : Regularizer(get(name)) {}

nlohmann::json Regularizer::get_config() const {
  if (!function_) return nullptr;
  // A callable named by the JSON Keras writes for it (the Python bindings name a function
  // "\"fn\"" and a custom class's object {"class_name": ..., "config": obj.get_config()}).
  if (!class_name_.empty() && (class_name_.front() == '{' || class_name_.front() == '"'))
    return nlohmann::json::parse(class_name_);
  return {{"class_name", class_name_}, {"config", config_}};
}

Regularizer from_config(const nlohmann::json& config) {
  if (config.is_null()) return {};
  if (config.is_string()) return Regularizer(config.get<std::string>());
  std::string class_name = config.value("class_name", "");
  if (class_name != "L1L2" && class_name != "L1L2Regularizer" &&
      class_name != "WeightRegularizer" && class_name != "ActivityRegularizer")
    throw std::invalid_argument("Unknown regularizer class: '" + class_name +
                                "'. Valid classes are: L1L2 (Keras 1: WeightRegularizer, "
                                "ActivityRegularizer).");
  const nlohmann::json& c = config.contains("config") ? config["config"] : config;
  return L1L2{c.value("l1", 0.0), c.value("l2", 0.0)};
}

}  // namespace keras::regularizers
