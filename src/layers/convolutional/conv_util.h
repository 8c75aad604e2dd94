// Helpers shared by the convolutional and pooling layers: Keras's tuple arguments, its
// conv_output_length, and config round trips.
#pragma once

#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "keras/backend/backend.h"
#include "keras/tensor/tensor.h"

namespace keras::layers::detail {

using Ints = std::vector<std::int64_t>;

// Keras's normalize_tuple: empty -> the default, one value -> repeated `rank` times.
inline Ints normalize_tuple(const Ints& value, int rank, std::int64_t fallback,
                            const std::string& layer, const std::string& what) {
  if (value.empty()) return Ints(static_cast<std::size_t>(rank), fallback);
  if (value.size() == 1) return Ints(static_cast<std::size_t>(rank), value[0]);
  if (static_cast<int>(value.size()) != rank)
    throw std::invalid_argument(layer + ": the `" + what + "` argument must be a tuple of " +
                                std::to_string(rank) + " integers, got " +
                                std::to_string(value.size()) + " values");
  const bool zero_ok = what == "output_padding";
  for (auto v : value)
    if ((v < 1 && !zero_ok && what != "padding" && what != "cropping") || (zero_ok && v < 0))
      throw std::invalid_argument(layer + ": the `" + what + "` argument must hold " +
                                  (zero_ok ? "non-negative" : "positive") + " integers, got " +
                                  std::to_string(v));
  return value;
}

// Keras's conv_utils.conv_output_length (-1 for unknown, 0 when the window does not fit).
inline std::int64_t conv_output_length(std::int64_t in, std::int64_t k, const std::string& padding,
                                       std::int64_t stride, std::int64_t dilation = 1) {
  if (in < 0) return -1;
  std::int64_t dilated = (k - 1) * dilation + 1;
  std::int64_t out = padding == "valid" ? in - dilated + 1 : in;
  if (out < 1) return 0;  // the window does not fit: the caller reports it
  return (out + stride - 1) / stride;
}

inline std::string normalize_padding(const std::string& padding, const std::string& layer,
                                     bool causal_ok) {
  std::string p = padding.empty() ? "valid" : padding;
  if (p == "valid" || p == "same" || (causal_ok && p == "causal")) return p;
  throw std::invalid_argument(layer +
                              ": the `padding` argument must be one of \"valid\", \"same\"" +
                              std::string(causal_ok ? ", \"causal\"" : "") + ", got \"" + p + "\"");
}

}  // namespace keras::layers::detail

namespace keras::layers {
class Conv;
}

namespace keras::layers::detail {

// Keras 1's Deconvolution2D: spatial dimension i of its output_shape, checked against an input
// of `in` (kernel k, stride s): a size the convolution takes back to `in`, or a clear error.
std::int64_t keras1_deconv_length(const Conv& layer, std::int64_t in, std::int64_t k,
                                  std::int64_t s, int i);

}  // namespace keras::layers::detail
