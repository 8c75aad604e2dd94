// How Keras writes shapes and optional integers in layer configs, and a reader for from_config.
#pragma once

#include <algorithm>
#include <cstdint>
#include <memory>
#include <optional>
#include <set>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "keras/constraints.h"
#include "keras/engine/layer.h"
#include "keras/layers/serialization.h"
#include "keras/regularizers.h"
#include "keras/tensor/tensor.h"
#include "saving/config_text.h"

namespace keras::layers::detail {

// Unknown dimensions are null.
inline nlohmann::json shape_json(const Shape& shape) {
  nlohmann::json out = nlohmann::json::array();
  for (auto d : shape) out.push_back(d < 0 ? nlohmann::json(nullptr) : nlohmann::json(d));
  return out;
}

inline nlohmann::json optional_json(const std::optional<std::int64_t>& value) {
  return value ? nlohmann::json(*value) : nlohmann::json(nullptr);
}

// Reads a layer config in from_config, as Keras's cls(**config): every key must be one the layer
// takes (Keras 1 or Keras 2 name), or from_config throws naming the layer class and the key.
class ConfigReader {
 public:
  ConfigReader(const nlohmann::json& config, std::string class_name)
      : config_(config), class_name_(std::move(class_name)) {
    if (!config_.is_object())
      throw std::invalid_argument(class_name_ +
                                  ".from_config: the config must be a JSON object, got " +
                                  saving::detail::config_excerpt(config_));
  }

  const std::string& class_name() const { return class_name_; }
  // An integer that int64 holds (JSON's unsigned values above 2^63 - 1 do not).
  static bool fits_int64(const nlohmann::json& v) {
    return v.is_number_integer() &&
           (!v.is_number_unsigned() ||
            v.get<std::uint64_t>() <= static_cast<std::uint64_t>(INT64_MAX));
  }
  bool has(const std::string& key) const {
    return config_.contains(key) && !config_[key].is_null();
  }
  // The key is there, null or not.
  bool present(const std::string& key) const { return config_.contains(key); }

  // Marks a key as read (a valid key of the layer).
  void mark(const std::string& key) {
    used_.insert(key);
    note_valid(key);
  }
  // A key the layer takes under another spelling (Keras 1's), listed among the valid ones.
  void note_valid(const std::string& key) {
    if (std::find(valid_.begin(), valid_.end(), key) == valid_.end()) valid_.push_back(key);
  }

  // The value, or nullptr when the key is absent or null; marks the key as read.
  const nlohmann::json* find(const std::string& key) {
    mark(key);
    auto it = config_.find(key);
    return it == config_.end() || it->is_null() ? nullptr : &*it;
  }
  const nlohmann::json& require(const std::string& key) {
    const nlohmann::json* value = find(key);
    if (!value) fail(key, "is required");
    return *value;
  }

  double number(const std::string& key, double fallback) {
    const nlohmann::json* v = find(key);
    if (!v) return fallback;
    if (!v->is_number()) fail(key, "must be a number, got " + saving::detail::config_excerpt(*v));
    return v->get<double>();
  }
  std::int64_t integer(const std::string& key, std::int64_t fallback) {
    const nlohmann::json* v = find(key);
    if (!v) return fallback;
    if (!fits_int64(*v)) fail(key, "must be an integer, got " + saving::detail::config_excerpt(*v));
    return v->get<std::int64_t>();
  }
  std::optional<std::int64_t> optional_integer(const std::string& key) {
    if (!has(key)) {
      mark(key);
      return std::nullopt;
    }
    return integer(key, 0);
  }
  bool boolean(const std::string& key, bool fallback) {
    const nlohmann::json* v = find(key);
    if (!v) return fallback;
    if (!v->is_boolean())
      fail(key, "must be true or false, got " + saving::detail::config_excerpt(*v));
    return v->get<bool>();
  }
  std::string string(const std::string& key, const std::string& fallback) {
    const nlohmann::json* v = find(key);
    if (!v) return fallback;
    if (!v->is_string()) fail(key, "must be a string, got " + saving::detail::config_excerpt(*v));
    return v->get<std::string>();
  }
  // A shape list; null entries are unknown dimensions (-1).
  std::optional<Shape> shape(const std::string& key) {
    const nlohmann::json* v = find(key);
    if (!v) return std::nullopt;
    if (!v->is_array())
      fail(key, "must be a list of dimensions, got " + saving::detail::config_excerpt(*v));
    Shape out;
    for (const auto& d : *v) {
      if (d.is_null())
        out.push_back(-1);
      else if (fits_int64(d))
        out.push_back(d.get<std::int64_t>());
      else
        fail(key, "must be a list of dimensions, got " + saving::detail::config_excerpt(*v));
    }
    return out;
  }
  std::vector<int> ints(const std::string& key) {
    std::optional<Shape> s = shape(key);
    if (!s) fail(key, "is required");
    return {s->begin(), s->end()};
  }
  // An initializer in a string option: a name, or Keras's {"class_name", "config"} dict.
  std::string initializer(const std::string& key, const std::string& fallback) {
    const nlohmann::json* v = find(key);
    if (!v) return fallback;
    try {
      return initializer_from_config(*v);
    } catch (const std::exception& e) {
      fail(key, e);
    }
  }
  // Keras 1 wrote {"name": "L1L2Regularizer", "l1": ..., "l2": ...} and {"name": "MaxNorm",
  // "m": ..., "axis": ...}; Keras 2 {"class_name": ..., "config": {...}}.
  static nlohmann::json keras2_object(const nlohmann::json& v) {
    if (!v.is_object() || v.contains("class_name") || !v.contains("name") || !v["name"].is_string())
      return v;
    nlohmann::json config = v;
    std::string name = config["name"].get<std::string>();
    config.erase("name");
    if (name == "L1L2Regularizer") name = "L1L2";
    if (config.contains("m")) {
      config["max_value"] = config["m"];
      config.erase("m");
    }
    return {{"class_name", name}, {"config", config}};
  }
  regularizers::Regularizer regularizer(const std::string& key) {
    const nlohmann::json* v = find(key);
    if (!v) return {};
    try {
      return regularizer_from_config(keras2_object(*v));
    } catch (const std::exception& e) {
      fail(key, e);
    }
  }
  // Keras 2's key, or Keras 1's when the Keras 2 one is absent or null.
  regularizers::Regularizer regularizer(const std::string& key, const std::string& keras1_key) {
    if (has(key) || !has(keras1_key)) {
      mark(keras1_key);
      return regularizer(key);
    }
    mark(key);
    return regularizer(keras1_key);
  }
  constraints::Constraint constraint(const std::string& key, const std::string& keras1_key) {
    if (has(key) || !has(keras1_key)) {
      mark(keras1_key);
      return constraint(key);
    }
    mark(key);
    return constraint(keras1_key);
  }
  constraints::Constraint constraint(const std::string& key) {
    const nlohmann::json* v = find(key);
    if (!v) return {};
    try {
      return constraint_from_config(keras2_object(*v));
    } catch (const std::exception& e) {
      fail(key, e);
    }
  }

  // The arguments every layer takes: name, trainable, batch_input_shape, input_shape, batch_size,
  // dtype (Keras 1: input_dtype); the dtype must be a float type (the model's floatx is used).
  template <typename Options>
  void common(Options& options) {
    options.name = string("name", "");
    trainable_ = boolean("trainable", true);
    if constexpr (requires { options.trainable; }) options.trainable = trainable_;
    options.batch_input_shape = shape("batch_input_shape");
    options.input_shape = shape("input_shape");
    if (has("batch_size") && options.input_shape) {
      Shape s{integer("batch_size", -1)};
      s.insert(s.end(), options.input_shape->begin(), options.input_shape->end());
      options.batch_input_shape = s;
    }
    mark("batch_size");
    for (const char* key : {"dtype", "input_dtype"}) {
      // Keras 3 writes a dtype policy: {"class_name": "DTypePolicy", "config": {"name": ...}}.
      const nlohmann::json* v = find(key);
      std::string dtype = "float32";
      if (v && v->is_object() && v->contains("config") && (*v)["config"].contains("name") &&
          (*v)["config"]["name"].is_string())
        dtype = (*v)["config"]["name"].get<std::string>();
      else if (v)
        dtype = string(key, "float32");
      if (dtype != "float32" && dtype != "float64" && dtype != "float16")
        fail(key, "must be a float type (float32, float64), got '" + dtype + "'");
    }
  }

  // The layer's activation from `key` ("linear" when absent).
  template <typename Arg>
  Arg activation(const std::string& key) {
    const nlohmann::json* v = find(key);
    try {
      auto spec = layers::detail::activation_from_config(v);
      return spec.function ? Arg(spec.function, spec.name) : Arg(spec.name);
    } catch (const std::exception& e) {
      fail(key, e);
    }
  }

  // Sets the layer's trainable flag from the config, checks that every key was read, returns it.
  template <typename L>
  std::shared_ptr<Layer> done(std::shared_ptr<L> layer) {
    finish();
    layer->set_trainable(trainable_);
    return layer;
  }

  // Throws for a key the layer did not read (Keras: "__init__() got an unexpected keyword
  // argument"), listing the keys it takes.
  void finish() const {
    for (const auto& [key, value] : config_.items())
      if (!used_.count(key) && !newer_keras_default(key, value)) {
        std::string valid;
        for (const auto& name : valid_) valid += (valid.empty() ? "" : ", ") + name;
        throw std::invalid_argument(class_name_ + ".from_config: unexpected keyword argument '" +
                                    key + "' = " + saving::detail::config_excerpt(value) +
                                    " in the layer config; " + class_name_ + " takes: " + valid);
      }
  }

  // Keys that tf.keras 2.x or Keras 3 write for every layer of a kind, at values that mean what
  // Keras 2.2.4 does without them (no quantization or LoRA, no dropout seed, batch-major RNNs).
  static bool newer_keras_default(const std::string& key, const nlohmann::json& value) {
    if (key == "quantization_config" || key == "lora_rank" || key == "lora_alpha" || key == "seed")
      return value.is_null();
    // BatchNormalization's batch renormalization and implementation choices, off.
    if (key == "renorm" || key == "synchronized") return value.is_boolean() && !value.get<bool>();
    if (key == "renorm_clipping" || key == "virtual_batch_size" || key == "adjustment")
      return value.is_null();
    if (key == "renorm_momentum" || key == "fused") return true;  // unused without renorm
    // Keras 2.2.4's masked steps repeat the previous output, as zero_output_for_mask=false;
    // its global pooling drops the pooled axes, as keepdims=false.
    if (key == "time_major" || key == "zero_output_for_mask" || key == "keepdims")
      return value.is_boolean() && !value.get<bool>();
    return false;
  }

  [[noreturn]] void fail(const std::string& key, const std::string& what) const {
    throw std::invalid_argument(class_name_ + ".from_config: '" + key + "' " + what);
  }
  // What reading the value of `key` threw; a reader that took a value as it expected it
  // (nlohmann's exceptions) is told in words, with the value.
  [[noreturn]] void fail(const std::string& key, const std::exception& error) const {
    const auto* json_error = dynamic_cast<const nlohmann::json::exception*>(&error);
    if (!json_error) fail(key, error.what());
    auto it = config_.find(key);
    fail(key,
         "= " + (it == config_.end() ? std::string("null") : saving::detail::config_excerpt(*it)) +
             " cannot be used: " + saving::detail::json_error_reason(*json_error));
  }

 private:
  const nlohmann::json& config_;
  std::string class_name_;
  std::set<std::string> used_;
  std::vector<std::string> valid_;  // the keys read, in the order the layer reads them
  bool trainable_ = true;
};

}  // namespace keras::layers::detail
