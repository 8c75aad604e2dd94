#include "keras/datasets/mnist.h"

#include <stdexcept>

#include "datasets/idx.h"

namespace keras::datasets::mnist {

namespace {
constexpr const char* kEnvVar = "KERAS_MNIST_DIR";
constexpr const char* kFiles =
    "train-images-idx3-ubyte.gz, train-labels-idx1-ubyte.gz, t10k-images-idx3-ubyte.gz and "
    "t10k-labels-idx1-ubyte.gz";
}  // namespace

std::pair<std::pair<Tensor, Tensor>, std::pair<Tensor, Tensor>> load_data(const std::string& path) {
  // No default: keras.cpp downloads nothing and no system package ships MNIST.
  detail::DatasetDir where = detail::resolve_dataset_dir(path, kEnvVar, "");
  if (where.dir.empty())
    throw std::runtime_error(
        std::string("mnist.load_data: no data directory given. Pass the path of a directory "
                    "holding ") +
        kFiles + ", or set KERAS_MNIST_DIR to it.");
  return detail::load_idx_dataset(where.dir, where.origin, "mnist.load_data",
                                  std::string("Pass a path / set KERAS_MNIST_DIR to a directory "
                                              "holding ") +
                                      kFiles + ".");
}

}  // namespace keras::datasets::mnist
