// keras.datasets.mnist: 60,000 training and 10,000 test 28x28 grayscale images of handwritten
// digits, read from the four IDX .gz files of http://yann.lecun.com/exdb/mnist/.
#pragma once

#include <string>
#include <utility>

#include "keras/tensor/tensor.h"

namespace keras::datasets::mnist {

// Returns ((x_train, y_train), (x_test, y_test)), like Keras:
//   auto [train, test] = keras::datasets::mnist::load_data("/data/mnist");
// x: float32 (N, 28, 28) holding the raw 0..255 pixels; y: int64 (N,) digits 0..9.
//
// The directory holding train-images-idx3-ubyte.gz, train-labels-idx1-ubyte.gz,
// t10k-images-idx3-ubyte.gz and t10k-labels-idx1-ubyte.gz is `path` when non-empty, else
// $KERAS_MNIST_DIR. There is no default location (nothing downloads or installs MNIST), so
// one of the two is required. Throws std::runtime_error when neither is given or a file is
// missing, malformed or truncated.
std::pair<std::pair<Tensor, Tensor>, std::pair<Tensor, Tensor>> load_data(
    const std::string& path = "");

}  // namespace keras::datasets::mnist
