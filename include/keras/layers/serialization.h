// Layers from their configs: Keras's layers.serialize / layers.deserialize (Keras 1:
// keras.utils.layer_utils.layer_from_config), with a registry of class names that users extend
// with their own layers (Keras's custom_objects and CustomObjectScope).
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "keras/constraints.h"
#include "keras/engine/layer.h"
#include "keras/initializers.h"
#include "keras/layers/core.h"
#include "keras/losses.h"
#include "keras/metrics.h"
#include "keras/regularizers.h"

namespace keras {

// Builds a layer from its config dict (the "config" part of {"class_name", "config"}).
using LayerFactory = std::function<LayerPtr(const nlohmann::json& config)>;
// An activation or a Lambda layer's function.
using TensorFunction = std::function<SymbolicTensor(const SymbolicTensor&)>;
// Build a regularizer, constraint or initializer from the "config" part of its
// {"class_name", "config"} (an empty object when the config names it by a string).
using RegularizerFactory = std::function<regularizers::Regularizer(const nlohmann::json& config)>;
using ConstraintFactory = std::function<constraints::Constraint(const nlohmann::json& config)>;
using InitializerFactory = std::function<initializers::Initializer(const nlohmann::json& config)>;

// Keras's custom_objects dict, by kind: names a config refers to that the library does not know.
// Keras keeps one dict and looks a name up where the config uses it (deserialize_keras_object:
// the custom objects first, then the module's own); here each place reads its kind.
//   CustomObjects objects{.layers = {{"MyLayer", MyLayer::from_config}},
//                         .losses = {{"my_loss", my_loss}},
//                         .regularizers = {{"HalfL1", [](const nlohmann::json& c) {
//                           return regularizers::Regularizer(HalfL1{c.value("rate", 0.5)});
//                         }}}};
struct CustomObjects {
  std::map<std::string, LayerFactory> layers{};       // layer class_name -> from_config
  std::map<std::string, TensorFunction> functions{};  // activation names, Lambda function names
  // Lambda function names whose functions take the config's `arguments` (Keras's
  // function(inputs, **arguments)); looked up before `functions`.
  std::map<std::string, layers::LambdaKeywordFunction> lambda_functions{};
  std::map<std::string, losses::LossFunction> losses{};
  std::map<std::string, metrics::MetricFunction> metrics{};
  std::map<std::string, RegularizerFactory> regularizers{};  // class_name or name -> factory
  std::map<std::string, ConstraintFactory> constraints{};
  std::map<std::string, InitializerFactory> initializers{};

  // `other`'s entries win.
  void update(const CustomObjects& other);
};

// Keras's CustomObjectScope: while it lives, its objects are visible to every deserialization
// (innermost scope first), as `with CustomObjectScope({...}):` in Keras.
class CustomObjectScope {
 public:
  explicit CustomObjectScope(CustomObjects objects);
  ~CustomObjectScope();
  CustomObjectScope(const CustomObjectScope&) = delete;
  CustomObjectScope& operator=(const CustomObjectScope&) = delete;
};

// Keras's get_custom_objects(): the global objects, which every deserialization sees.
CustomObjects& get_custom_objects();

// The objects visible now: `explicit_objects` over the scopes (innermost first) over the global.
CustomObjects visible_custom_objects(const CustomObjects& explicit_objects = {});

namespace layers {

// Registers a layer class so that configs naming it deserialize (the same as adding it to
// get_custom_objects().layers).
void register_layer(const std::string& class_name, LayerFactory factory);

// {"class_name": layer.class_name(), "config": layer.get_config()}.
nlohmann::json serialize(const Layer& layer);

// A layer from {"class_name": ..., "config": {...}}: custom objects first, then the library's
// layers (Keras 2 names and Keras 1 aliases). An unknown class_name throws "Unknown layer: X"
// listing the known ones.
LayerPtr deserialize(const nlohmann::json& config, const CustomObjects& custom_objects = {});

// The class names the library deserializes itself.
std::vector<std::string> registered_layer_names();

namespace detail {
// A layer's activation argument from its config: a name (Keras 2), or Keras 3's
// {"class_name": "function", "config": "relu"}; names from visible custom objects resolve to their
// function.
struct ActivationSpec {
  std::string name;
  TensorFunction function;
};
ActivationSpec activation_from_config(const nlohmann::json* value);
// A layer's regularizer, constraint or initializer argument from its config (a name or
// {"class_name", "config"}; Keras 1's {"name": ...} forms are converted before): the visible
// custom objects of that kind first, then the library's (regularizers::from_config, ...). An
// unknown name throws naming it and where to register it.
regularizers::Regularizer regularizer_from_config(const nlohmann::json& config);
constraints::Constraint constraint_from_config(const nlohmann::json& config);
// The initializer option's string (initializers::deserialize_name, or the key of a custom
// object's initializer registered with initializers::register_custom).
std::string initializer_from_config(const nlohmann::json& config);
// A Lambda layer's function by name, from the visible custom objects (lambda_functions, which
// take the layer's `arguments`, then functions); throws naming it otherwise.
LambdaFunctionArg lambda_function_from_custom_objects(const std::string& name);
}  // namespace detail

}  // namespace layers

namespace utils {
// Keras 1's name: keras.utils.layer_utils.layer_from_config.
inline LayerPtr layer_from_config(const nlohmann::json& config,
                                  const CustomObjects& custom_objects = {}) {
  return layers::deserialize(config, custom_objects);
}
}  // namespace utils

}  // namespace keras
