#include "keras/utils/np_utils.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <vector>

namespace keras::utils {

namespace {

// Labels as int64, truncating floats toward zero (NumPy's astype(int)).
template <typename T>
std::vector<std::int64_t> labels_as_int64(const Tensor& y) {
  const T* src = y.data<T>();
  std::vector<std::int64_t> out(static_cast<std::size_t>(y.numel()));
  for (std::size_t i = 0; i < out.size(); ++i) {
    if constexpr (std::is_floating_point_v<T>) {
      double v = static_cast<double>(src[i]);
      // 2^63 is exactly representable; anything at or past it does not fit int64.
      if (!std::isfinite(v) || v >= 9223372036854775808.0 || v < -9223372036854775808.0)
        throw std::invalid_argument("to_categorical: label " + std::to_string(v) +
                                    " is not a valid class index");
      out[i] = static_cast<std::int64_t>(v);
    } else {
      out[i] = static_cast<std::int64_t>(src[i]);
    }
  }
  return out;
}

}  // namespace

Tensor to_categorical(const Tensor& y, std::int64_t num_classes) {
  if (!y.defined()) throw std::invalid_argument("to_categorical: the input tensor is undefined");
  if (num_classes < -1)
    throw std::invalid_argument(
        "to_categorical: num_classes must be positive (or -1 to infer "
        "it), got " +
        std::to_string(num_classes));

  std::vector<std::int64_t> labels;
  switch (y.dtype()) {
    case DType::float32:
      labels = labels_as_int64<float>(y);
      break;
    case DType::float64:
      labels = labels_as_int64<double>(y);
      break;
    case DType::int32:
      labels = labels_as_int64<std::int32_t>(y);
      break;
    case DType::int64:
      labels = labels_as_int64<std::int64_t>(y);
      break;
  }

  // Keras treats any falsy num_classes (None, 0) as "infer".
  if (num_classes <= 0) {
    if (labels.empty())
      throw std::invalid_argument(
          "to_categorical: cannot infer num_classes from an empty tensor of shape " +
          shape_to_string(y.shape()) + "; pass num_classes");
    std::int64_t max_label = *std::max_element(labels.begin(), labels.end());
    if (max_label == std::numeric_limits<std::int64_t>::max())
      throw std::invalid_argument("to_categorical: label " + std::to_string(max_label) +
                                  " is too large");
    num_classes = max_label + 1;
  }
  for (std::int64_t label : labels)
    if (label < 0 || label >= num_classes)
      throw std::invalid_argument(
          "to_categorical: label " + std::to_string(label) +
          " is out of range for num_classes=" + std::to_string(num_classes) +
          " (valid labels are 0.." + std::to_string(num_classes - 1) + ")");

  Shape shape = y.shape();
  if (shape.size() > 1 && shape.back() == 1) shape.pop_back();
  const auto n = static_cast<std::int64_t>(labels.size());
  if (n != 0 && num_classes > std::numeric_limits<std::int64_t>::max() / n)
    throw std::invalid_argument("to_categorical: " + std::to_string(n) + " labels x " +
                                std::to_string(num_classes) + " classes is too large");
  shape.push_back(num_classes);

  Tensor out(std::move(shape), DType::float32);  // zero-filled
  float* dst = out.data<float>();
  for (std::int64_t i = 0; i < n; ++i)
    dst[i * num_classes + labels[static_cast<std::size_t>(i)]] = 1.0f;
  return out;
}

}  // namespace keras::utils
