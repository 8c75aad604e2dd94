// The PyTorch fixture files of tests/layers/fixtures (JSON written by the make_torch_*.py
// generators there): loading one, and its float arrays as tensors.
#pragma once

#include <fstream>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "keras/keras.h"

namespace keras::testing {

inline nlohmann::json load_torch_fixtures(const std::string& file) {
  const std::string path = std::string(KERAS_TEST_SOURCE_DIR) + "/layers/fixtures/" + file;
  std::ifstream in(path);
  if (!in) throw std::runtime_error("missing " + path);
  return nlohmann::json::parse(in);
}

inline Tensor fixture_tensor(const nlohmann::json& values, Shape shape) {
  return Tensor::from_vector(values.get<std::vector<float>>(), std::move(shape));
}

}  // namespace keras::testing
