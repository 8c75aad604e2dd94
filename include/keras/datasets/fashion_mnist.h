// keras.datasets.fashion_mnist: 60,000 training and 10,000 test 28x28 grayscale images of
// 10 clothing classes, read from the IDX files of the Debian package dataset-fashion-mnist.
#pragma once

#include <string>
#include <utility>

#include "keras/tensor/tensor.h"

namespace keras::datasets::fashion_mnist {

// Returns ((x_train, y_train), (x_test, y_test)), like Keras:
//   auto [train, test] = keras::datasets::fashion_mnist::load_data();
//   auto [x_train, y_train] = train;
// x: float32 (N, 28, 28) holding the raw 0..255 pixels (Keras gives uint8, which keras::Tensor
// lacks); y: int64 (N,) class indices 0..9.
//
// The directory holding train-images-idx3-ubyte.gz, train-labels-idx1-ubyte.gz,
// t10k-images-idx3-ubyte.gz and t10k-labels-idx1-ubyte.gz is `path` when non-empty, else
// $KERAS_FASHION_MNIST_DIR when set, else /usr/share/datasets/fashion-mnist. Throws
// std::runtime_error when a file is missing, malformed or truncated.
std::pair<std::pair<Tensor, Tensor>, std::pair<Tensor, Tensor>> load_data(
    const std::string& path = "");

}  // namespace keras::datasets::fashion_mnist
