// A small classification problem for the training tests: random features, one-hot labels
// cycling through the classes.
#pragma once

#include <cstdint>

#include "keras/tensor/tensor.h"
#include "testing/tensor_utils.h"

namespace keras::testing {

struct ClassificationData {
  Tensor x, y;
};

inline ClassificationData classification_data(std::int64_t samples, std::int64_t features,
                                              std::int64_t classes, std::uint64_t seed) {
  ClassificationData d{random_tensor({samples, features}, DType::float32, seed),
                       Tensor({samples, classes})};
  for (std::int64_t i = 0; i < samples; ++i) d.y.data<float>()[i * classes + i % classes] = 1.0f;
  return d;
}

}  // namespace keras::testing
