// Keras 2.2.4's losses (keras/losses.py), written with K:: ops.
#include "keras/losses.h"

#include <cmath>
#include <limits>
#include <map>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace keras::losses {

namespace K = backend;

namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();

SymbolicTensor like(const SymbolicTensor& y_true, const SymbolicTensor& y_pred) {
  return K::cast(y_true, y_pred.dtype());
}

// TensorFlow's l2_normalize: x / sqrt(max(sum(x^2), 1e-12)).
SymbolicTensor l2_normalize(const SymbolicTensor& x, int axis) {
  SymbolicTensor square_sum = K::sum(K::square(x), {axis}, true);
  return x / K::sqrt(K::maximum(square_sum, K::constant(1e-12, x.dtype())));
}

struct Entry {
  std::string name;       // as written by the user
  std::string canonical;  // the function's own name
  LossFunction function;
};

const std::vector<Entry>& table() {
  static const std::vector<Entry> entries = [] {
    std::vector<std::pair<std::string, LossFunction>> full = {
        {"mean_squared_error", mean_squared_error},
        {"mean_absolute_error", mean_absolute_error},
        {"mean_absolute_percentage_error", mean_absolute_percentage_error},
        {"mean_squared_logarithmic_error", mean_squared_logarithmic_error},
        {"squared_hinge", squared_hinge},
        {"hinge", hinge},
        {"categorical_hinge", categorical_hinge},
        {"logcosh", logcosh},
        {"categorical_crossentropy", categorical_crossentropy},
        {"sparse_categorical_crossentropy", sparse_categorical_crossentropy},
        {"binary_crossentropy", binary_crossentropy},
        {"kullback_leibler_divergence", kullback_leibler_divergence},
        {"poisson", poisson},
        {"cosine_proximity", cosine_proximity},
    };
    std::vector<std::pair<std::string, std::string>> aliases = {
        {"mse", "mean_squared_error"},
        {"MSE", "mean_squared_error"},
        {"mae", "mean_absolute_error"},
        {"MAE", "mean_absolute_error"},
        {"mape", "mean_absolute_percentage_error"},
        {"MAPE", "mean_absolute_percentage_error"},
        {"msle", "mean_squared_logarithmic_error"},
        {"MSLE", "mean_squared_logarithmic_error"},
        {"kld", "kullback_leibler_divergence"},
        {"KLD", "kullback_leibler_divergence"},
        {"cosine", "cosine_proximity"},
    };
    std::vector<Entry> out;
    for (auto& [name, fn] : full) out.push_back({name, name, fn});
    for (auto& [alias, target] : aliases)
      for (auto& [name, fn] : full)
        if (name == target) out.push_back({alias, name, fn});
    return out;
  }();
  return entries;
}

const Entry& lookup(const std::string& name) {
  for (const auto& e : table())
    if (e.name == name) return e;
  std::string valid;
  for (const auto& e : table()) valid += (valid.empty() ? "" : ", ") + e.name;
  throw std::invalid_argument("Unknown loss function: '" + name + "'. Valid losses are: " + valid +
                              ".");
}

}  // namespace

SymbolicTensor mean_squared_error(const SymbolicTensor& y_true, const SymbolicTensor& y_pred) {
  return K::mean(K::square(y_pred - like(y_true, y_pred)), {-1});
}

SymbolicTensor mean_absolute_error(const SymbolicTensor& y_true, const SymbolicTensor& y_pred) {
  return K::mean(K::abs(y_pred - like(y_true, y_pred)), {-1});
}

SymbolicTensor mean_absolute_percentage_error(const SymbolicTensor& y_true,
                                              const SymbolicTensor& y_pred) {
  SymbolicTensor t = like(y_true, y_pred);
  SymbolicTensor diff = K::abs((t - y_pred) / K::clip(K::abs(t), K::epsilon(), kInf));
  return 100.0 * K::mean(diff, {-1});
}

SymbolicTensor mean_squared_logarithmic_error(const SymbolicTensor& y_true,
                                              const SymbolicTensor& y_pred) {
  SymbolicTensor first_log = K::log(K::clip(y_pred, K::epsilon(), kInf) + 1.0);
  SymbolicTensor second_log = K::log(K::clip(like(y_true, y_pred), K::epsilon(), kInf) + 1.0);
  return K::mean(K::square(first_log - second_log), {-1});
}

SymbolicTensor squared_hinge(const SymbolicTensor& y_true, const SymbolicTensor& y_pred) {
  SymbolicTensor margin = 1.0 - like(y_true, y_pred) * y_pred;
  return K::mean(K::square(K::maximum(margin, K::constant(0.0, y_pred.dtype()))), {-1});
}

SymbolicTensor hinge(const SymbolicTensor& y_true, const SymbolicTensor& y_pred) {
  SymbolicTensor margin = 1.0 - like(y_true, y_pred) * y_pred;
  return K::mean(K::maximum(margin, K::constant(0.0, y_pred.dtype())), {-1});
}

SymbolicTensor categorical_hinge(const SymbolicTensor& y_true, const SymbolicTensor& y_pred) {
  SymbolicTensor t = like(y_true, y_pred);
  SymbolicTensor pos = K::sum(t * y_pred, {-1});
  SymbolicTensor neg = K::max((1.0 - t) * y_pred, {-1});
  return K::maximum(K::constant(0.0, y_pred.dtype()), neg - pos + 1.0);
}

SymbolicTensor logcosh(const SymbolicTensor& y_true, const SymbolicTensor& y_pred) {
  // x + softplus(-2x) - log 2 is log(cosh(x)) without overflowing cosh.
  SymbolicTensor x = y_pred - like(y_true, y_pred);
  return K::mean(x + K::softplus(-2.0 * x) - std::log(2.0), {-1});
}

SymbolicTensor categorical_crossentropy(const SymbolicTensor& y_true,
                                        const SymbolicTensor& y_pred) {
  return K::categorical_crossentropy(like(y_true, y_pred), y_pred);
}

SymbolicTensor sparse_categorical_crossentropy(const SymbolicTensor& y_true,
                                               const SymbolicTensor& y_pred) {
  if (y_pred.ndim() < 1)
    throw std::invalid_argument(
        "sparse_categorical_crossentropy needs an output of rank >= 1, got " +
        shape_to_string(y_pred.shape()));
  std::int64_t classes = y_pred.shape().back();
  if (classes < 0)
    throw std::invalid_argument(
        "sparse_categorical_crossentropy needs a known number of classes (last "
        "dimension of the output), got " +
        shape_to_string(y_pred.shape()));
  SymbolicTensor ids = K::flatten(y_true);
  if (ids.dtype() != DType::int32 && ids.dtype() != DType::int64) ids = K::cast(ids, DType::int64);
  SymbolicTensor one_hot = K::cast(K::one_hot(ids, classes), y_pred.dtype());
  if (y_pred.ndim() != 2) {
    // Back to the output's shape, so e.g. (batch, steps) ids match (batch, steps, classes).
    Shape target = y_pred.shape();
    int unknown = 0;
    for (auto d : target) unknown += d < 0;
    if (unknown > 1)
      throw std::invalid_argument("sparse_categorical_crossentropy: an output of shape " +
                                  shape_to_string(target) + " has more than one unknown dimension");
    one_hot = K::reshape(one_hot, target);
  }
  return K::categorical_crossentropy(one_hot, y_pred);
}

SymbolicTensor binary_crossentropy(const SymbolicTensor& y_true, const SymbolicTensor& y_pred) {
  return K::mean(K::binary_crossentropy(like(y_true, y_pred), y_pred), {-1});
}

SymbolicTensor kullback_leibler_divergence(const SymbolicTensor& y_true,
                                           const SymbolicTensor& y_pred) {
  SymbolicTensor t = K::clip(like(y_true, y_pred), K::epsilon(), 1.0);
  SymbolicTensor p = K::clip(y_pred, K::epsilon(), 1.0);
  return K::sum(t * K::log(t / p), {-1});
}

SymbolicTensor poisson(const SymbolicTensor& y_true, const SymbolicTensor& y_pred) {
  return K::mean(y_pred - like(y_true, y_pred) * K::log(y_pred + K::epsilon()), {-1});
}

SymbolicTensor cosine_proximity(const SymbolicTensor& y_true, const SymbolicTensor& y_pred) {
  SymbolicTensor t = l2_normalize(like(y_true, y_pred), -1);
  SymbolicTensor p = l2_normalize(y_pred, -1);
  return -K::sum(t * p, {-1});
}

LossFunction get(const std::string& name) {
  return lookup(name).function;
}

std::string canonical_name(const std::string& name) {
  return lookup(name).canonical;
}

std::vector<std::string> names() {
  std::vector<std::string> out;
  for (const auto& e : table()) out.push_back(e.name);
  return out;
}

}  // namespace keras::losses
