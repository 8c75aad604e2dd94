// Helpers shared by the saving tests: small data sets, a small compiled model, scratch folders.
#pragma once

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <memory>
#include <random>
#include <string>
#include <utility>

#include <unistd.h>

#include "keras/keras.h"
#include "testing/tensor_utils.h"

namespace keras::saving::testing {

namespace fs = std::filesystem;

using keras::testing::random_normal;

inline std::pair<Tensor, Tensor> blobs(std::int64_t n, std::uint32_t seed) {
  Tensor x = random_normal({n, 8}, seed);
  std::vector<std::int64_t> labels;
  for (std::int64_t i = 0; i < n; ++i) {
    const float* row = x.data<float>() + i * 8;
    labels.push_back(std::max_element(row, row + 3) - row);
  }
  return {x, utils::to_categorical(Tensor::from_vector(labels), 3)};
}

// A fresh folder per test and process (the sanitized copy of a test may run at the same time).
inline fs::path scratch(const std::string& name) {
  std::string folder = "keras_saving_test_";
  folder += name;
  folder += "_" + std::to_string(::getpid());
  fs::path dir = fs::temp_directory_path() / folder;
  fs::remove_all(dir);
  fs::create_directories(dir);
  return dir;
}

inline void expect_same(const Tensor& a, const Tensor& b) {
  ASSERT_EQ(a.shape(), b.shape());
  auto va = a.to_vector<double>(), vb = b.to_vector<double>();
  for (std::size_t i = 0; i < va.size(); ++i) ASSERT_EQ(va[i], vb[i]) << "at " << i;
}

inline std::shared_ptr<Sequential> mlp(const std::string& optimizer = "adam") {
  auto model = std::make_shared<Sequential>();
  model->add(
      layers::Dense(16, {.activation = "relu", .kernel_initializer = "he_normal", .input_dim = 8}));
  model->add(layers::Dropout(0.25));
  model->add(layers::PReLU());
  model->add(
      layers::Dense(3, {.activation = "softmax", .kernel_regularizer = regularizers::l2(0.01)}));
  model->compile(
      {.optimizer = optimizer, .loss = "categorical_crossentropy", .metrics = {"accuracy"}});
  return model;
}

inline std::string read_file(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), {}};
}

}  // namespace keras::saving::testing
