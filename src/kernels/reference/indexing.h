// Index helpers for the reference kernels: broadcasting strides and an odometer over a shape.
// Fixed-size arrays, so kernels allocate nothing while a compiled function runs.
#pragma once

#include <array>
#include <cstdint>
#include <stdexcept>
#include <string>

#include "keras/tensor/tensor.h"

namespace keras::kernels::reference {

constexpr std::size_t kMaxRank = 8;
using Strides = std::array<std::int64_t, kMaxRank>;

inline void check_rank(const Shape& shape) {
  if (shape.size() > kMaxRank)
    throw std::invalid_argument("tensors of rank " + std::to_string(shape.size()) +
                                " are not supported (at most " + std::to_string(kMaxRank) + ")");
}

// Strides of a row-major `src` as seen from `dst` after numpy broadcasting (right-aligned);
// broadcast dimensions get stride 0.
inline Strides broadcast_strides(const Shape& src, const Shape& dst) {
  check_rank(dst);
  Strides strides{};
  std::int64_t stride = 1;
  for (std::size_t i = 0; i < src.size(); ++i) {
    std::size_t s = src.size() - 1 - i;
    std::size_t d = dst.size() - 1 - i;
    strides[d] = src[s] == 1 && dst[d] != 1 ? 0 : stride;
    stride *= src[s];
  }
  return strides;
}

// Row-major strides of `shape`.
inline Strides contiguous_strides(const Shape& shape) {
  check_rank(shape);
  Strides strides{};
  std::int64_t stride = 1;
  for (std::size_t d = shape.size(); d-- > 0;) {
    strides[d] = stride;
    stride *= shape[d];
  }
  return strides;
}

// Whether axis d of a rank-`rank` tensor is among `axes` (empty: all axes).
inline bool is_reduced(const std::vector<int>& axes, std::size_t d, std::size_t rank) {
  if (axes.empty()) return true;
  for (int a : axes)
    if (static_cast<std::size_t>(a < 0 ? a + static_cast<int>(rank) : a) == d) return true;
  return false;
}

// Walks every index of `shape` (or of the dimensions selected by `mask`) in row-major order,
// keeping one offset per operand.
template <std::size_t N>
struct Odometer {
  std::size_t rank;
  Shape::value_type dims[kMaxRank];
  std::int64_t index[kMaxRank] = {};
  Strides strides[N];
  std::int64_t offset[N] = {};

  Odometer(const Shape& shape, const Strides (&st)[N]) : rank(shape.size()) {
    check_rank(shape);
    for (std::size_t d = 0; d < rank; ++d) dims[d] = shape[d];
    for (std::size_t k = 0; k < N; ++k) strides[k] = st[k];
  }
  // Only the axes where keep[d] is true move; the others stay at index 0.
  template <typename Keep>
  void restrict_to(Keep&& keep) {
    for (std::size_t d = 0; d < rank; ++d)
      if (!keep(d)) dims[d] = 1;
  }
  void next() {
    for (std::size_t d = rank; d-- > 0;) {
      for (std::size_t k = 0; k < N; ++k) offset[k] += strides[k][d];
      if (++index[d] < dims[d]) return;
      for (std::size_t k = 0; k < N; ++k) offset[k] -= strides[k][d] * dims[d];
      index[d] = 0;
    }
  }
};

}  // namespace keras::kernels::reference
