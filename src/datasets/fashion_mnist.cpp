#include "keras/datasets/fashion_mnist.h"

#include "datasets/idx.h"

namespace keras::datasets::fashion_mnist {

namespace {
constexpr const char* kEnvVar = "KERAS_FASHION_MNIST_DIR";
constexpr const char* kDefaultDir = "/usr/share/datasets/fashion-mnist";
}  // namespace

std::pair<std::pair<Tensor, Tensor>, std::pair<Tensor, Tensor>> load_data(const std::string& path) {
  detail::DatasetDir where = detail::resolve_dataset_dir(path, kEnvVar, kDefaultDir);
  return detail::load_idx_dataset(
      where.dir, where.origin, "fashion_mnist.load_data",
      "To get Fashion-MNIST, install the Debian package dataset-fashion-mnist (apt-get install "
      "dataset-fashion-mnist) or pass a path / set KERAS_FASHION_MNIST_DIR to a directory "
      "holding train-images-idx3-ubyte.gz, train-labels-idx1-ubyte.gz, "
      "t10k-images-idx3-ubyte.gz and t10k-labels-idx1-ubyte.gz.");
}

}  // namespace keras::datasets::fashion_mnist
