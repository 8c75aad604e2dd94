// How Keras writes shapes and optional integers in layer configs.
#pragma once

#include <cstdint>
#include <optional>

#include <nlohmann/json.hpp>

#include "keras/tensor/tensor.h"

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

}  // namespace keras::layers::detail
