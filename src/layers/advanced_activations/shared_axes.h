// The learned activations' parameter shape (PReLU, ParametricSoftplus, SReLU): the input's shape
// without the batch axis, 1 on the `shared_axes` (1-based, as Keras 1.2.2 and 2.2.4 count them),
// so one parameter serves every position along those axes.
#pragma once

#include <stdexcept>
#include <string>
#include <vector>

#include "keras/engine/layer.h"

namespace keras::layers::detail {

// Throws for an axis that is not a non-batch axis (below 1).
inline void check_shared_axes(const std::vector<int>& shared_axes, const std::string& layer) {
  for (int axis : shared_axes)
    if (axis < 1)
      throw std::invalid_argument(layer + ": `shared_axes` are 1-based non-batch axes, got " +
                                  std::to_string(axis));
}

// The parameter shape into `param_shape`; returns why the input does not fit (empty: it does).
inline std::string shared_parameter_shape(const Shape& input_shape,
                                          const std::vector<int>& shared_axes, Shape& param_shape) {
  if (input_shape.size() < 2) return "expected min_ndim=2";
  param_shape.assign(input_shape.begin() + 1, input_shape.end());
  for (int axis : shared_axes) {
    if (static_cast<std::size_t>(axis) >= input_shape.size())
      return "shared axis " + std::to_string(axis) + " is beyond the input's last axis " +
             std::to_string(input_shape.size() - 1);
    param_shape[static_cast<std::size_t>(axis - 1)] = 1;
  }
  for (auto d : param_shape)
    if (d < 0) return "every non-batch dimension that is not shared must be known";
  return {};
}

}  // namespace keras::layers::detail
