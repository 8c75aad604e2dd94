// The graph side of data parallelism: the optimizers' gradients averaged across processes in
// buckets, as Horovod and PyTorch DDP do (fewer, larger messages; the last layers' gradients,
// final first in backpropagation, in the first bucket).
#include <cstdlib>
#include <stdexcept>
#include <string>

#include "distributed/collectives.h"
#include "keras/backend/backend.h"
#include "keras/distributed.h"

namespace keras::distributed::detail {

namespace K = backend;

namespace {

std::size_t bucket_bytes() {
  const char* value = std::getenv("KERAS_ALLREDUCE_BUCKET_MB");
  if (!value || !*value) return std::size_t{25} << 20;
  char* end = nullptr;
  const double mb = std::strtod(value, &end);
  if (end == value || *end != '\0' || !(mb > 0))
    throw std::invalid_argument(std::string("KERAS_ALLREDUCE_BUCKET_MB must be a positive number "
                                            "of megabytes, got '") +
                                value + "'");
  return static_cast<std::size_t>(mb * 1024 * 1024);
}

std::size_t bytes_of(const K::SymbolicTensor& g) {
  std::size_t n = dtype_size(g.dtype());
  for (auto d : K::int_shape(g)) n *= static_cast<std::size_t>(d);
  return n;
}

std::vector<std::size_t>& buckets_made() {
  static std::vector<std::size_t> sizes;
  return sizes;
}

}  // namespace

const std::vector<std::size_t>& last_bucket_bytes() {
  return buckets_made();
}

std::vector<K::SymbolicTensor> average_gradients(const std::vector<K::SymbolicTensor>& grads) {
  if (size() == 1) return grads;
  const std::size_t limit = bucket_bytes();
  buckets_made().clear();
  std::vector<K::SymbolicTensor> averaged(grads.size());
  std::vector<std::size_t> bucket;  // indices into grads
  std::size_t bucket_size = 0;
  auto flush = [&]() {
    if (bucket.empty()) return;
    buckets_made().push_back(bucket_size);
    if (bucket.size() == 1) {
      averaged[bucket[0]] = K::all_reduce_mean(grads[bucket[0]]);
    } else {
      std::vector<K::SymbolicTensor> flat;
      for (std::size_t i : bucket) flat.push_back(K::flatten(grads[i]));
      K::SymbolicTensor mean = K::all_reduce_mean(K::concatenate(flat, 0));
      std::int64_t offset = 0;
      for (std::size_t i : bucket) {
        const Shape shape = K::int_shape(grads[i]);
        std::int64_t count = 1;
        for (auto d : shape) count *= d;
        averaged[i] = K::reshape(K::slice(mean, 0, offset, offset + count), shape);
        offset += count;
      }
    }
    bucket.clear();
    bucket_size = 0;
  };
  for (std::size_t k = grads.size(); k-- > 0;) {
    const std::size_t bytes = bytes_of(grads[k]);
    if (!bucket.empty() &&
        (bucket_size + bytes > limit || grads[bucket.front()].dtype() != grads[k].dtype()))
      flush();
    bucket.push_back(k);
    bucket_size += bytes;
  }
  flush();
  return averaged;
}

}  // namespace keras::distributed::detail
