// Reader for the gzip-compressed IDX files that MNIST and Fashion-MNIST ship as
// (http://yann.lecun.com/exdb/mnist/): a big-endian header, then unsigned bytes.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "keras/tensor/tensor.h"

namespace keras::detail {

// Magic numbers of IDX files of unsigned bytes: 0x0000 0x08 <rank>.
constexpr std::uint32_t kIdxImagesMagic = 2051;  // rank 3: (count, rows, cols)
constexpr std::uint32_t kIdxLabelsMagic = 2049;  // rank 1: (count,)

struct IdxArray {
  std::vector<std::int64_t> dims;
  std::vector<std::uint8_t> bytes;  // row-major, product(dims) of them
};

// Reads a gzip'd IDX file whose magic number must equal `magic` (2051 or 2049). Throws
// std::runtime_error naming `file` when it cannot be opened, has the wrong magic number, or
// is truncated.
IdxArray read_idx_gz(const std::string& file, std::uint32_t magic);

// Images as float32 (N, 28, 28) holding the raw 0..255 pixel values.
Tensor read_idx_images(const std::string& file);
// Labels as int64 (N,).
Tensor read_idx_labels(const std::string& file);

// Where a dataset lives: `path` when non-empty, else the environment variable `env_var` when
// set and non-empty, else `fallback` (may be empty: no default). `origin` says which, for
// error messages.
struct DatasetDir {
  std::string dir;
  std::string origin;
};
DatasetDir resolve_dataset_dir(const std::string& path, const char* env_var,
                               const std::string& fallback);

using IdxTrainTest = std::pair<std::pair<Tensor, Tensor>, std::pair<Tensor, Tensor>>;

// Loads train-{images-idx3,labels-idx1}-ubyte.gz and t10k-... from `dir`. `caller` prefixes
// messages ("fashion_mnist.load_data"); `hint` (how to get the data) ends the messages about
// a missing directory or file; `origin` says where `dir` came from ("the path argument").
IdxTrainTest load_idx_dataset(const std::string& dir, const std::string& origin,
                              const std::string& caller, const std::string& hint);

}  // namespace keras::detail
