// What the MPI test programs (mpi_fit_program.cpp, mpi_fault_program.cpp) share: failure
// counting, their training data, and comparisons of every rank's values with rank 0's.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <string>
#include <utility>
#include <vector>

#include "distributed/collectives.h"
#include "keras/distributed.h"
#include "keras/keras.h"
#include "testing/tensor_utils.h"

namespace keras::mpi_testing {

inline int failures = 0;

inline void check(bool ok, const std::string& what) {
  if (ok) return;
  ++failures;
  std::fprintf(stderr, "rank %d: FAILED: %s\n", distributed::rank(), what.c_str());
}

// The class is the argmax of the first 3 of 8 normal features.
inline std::pair<Tensor, Tensor> blobs(std::int64_t n, std::uint32_t seed) {
  Tensor x = testing::random_normal({n, 8}, seed);
  std::vector<std::int64_t> labels;
  for (std::int64_t i = 0; i < n; ++i) {
    const float* row = x.data<float>() + i * 8;
    labels.push_back(std::max_element(row, row + 3) - row);
  }
  return {x, utils::to_categorical(Tensor::from_vector(labels), 3)};
}

// Rank 0's values on every rank.
inline std::vector<double> from_root(std::vector<double> values) {
  Tensor t = Tensor::from_vector(values);
  distributed::detail::broadcast_from_root(t);
  return t.to_vector<double>();
}

inline double max_difference(const std::vector<double>& a, const std::vector<double>& b) {
  double worst = a.size() == b.size() ? 0.0 : INFINITY;
  for (std::size_t i = 0; i < std::min(a.size(), b.size()); ++i)
    worst = std::max(worst, std::abs(a[i] - b[i]));
  return worst;
}

}  // namespace keras::mpi_testing
