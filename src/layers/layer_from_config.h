// Reading a Keras layer config back: the common arguments (name, trainable, batch_input_shape)
// and the initializer names Dense-style configs hold.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

#include "keras/engine/layer.h"

namespace keras::layers::detail {

inline LayerArguments arguments_from_config(const nlohmann::json& config) {
  LayerArguments args;
  args.name = config.value("name", "");
  args.trainable = config.value("trainable", true);
  if (config.contains("batch_input_shape") && config["batch_input_shape"].is_array()) {
    Shape shape;
    for (const auto& d : config["batch_input_shape"])
      shape.push_back(d.is_null() ? -1 : d.get<std::int64_t>());
    args.batch_input_shape = shape;
  }
  return args;
}

// {"class_name": name, "config": {}} -> name; a plain name stays.
inline std::string initializer_name(const nlohmann::json& config, const std::string& key,
                                    const std::string& fallback) {
  if (!config.contains(key) || config[key].is_null()) return fallback;
  const nlohmann::json& v = config[key];
  if (v.is_string()) return v.get<std::string>();
  return v.value("class_name", fallback);
}

inline nlohmann::json initializer_json(const std::string& name) {
  return {{"class_name", name}, {"config", nlohmann::json::object()}};
}

}  // namespace keras::layers::detail
