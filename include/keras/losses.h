// keras::losses — Keras 2.2.4's loss functions (keras/losses.py). Keras 1 called this module
// `objectives` (keras::objectives is an alias); the functions and their names are the same.
//
// Every loss takes (y_true, y_pred) and returns one value per sample: the mean (or sum) over the
// last axis, so a (batch, n) pair gives shape (batch,). y_true is cast to y_pred's dtype first
// (as tf.keras does), so float32 targets work with a float64 model and vice versa.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "keras/backend/backend.h"

namespace keras::losses {

using LossFunction = std::function<backend::SymbolicTensor(const backend::SymbolicTensor& y_true,
                                                           const backend::SymbolicTensor& y_pred)>;
using backend::SymbolicTensor;

// mean((y_pred - y_true)^2)                                              aliases: mse, MSE
SymbolicTensor mean_squared_error(const SymbolicTensor& y_true, const SymbolicTensor& y_pred);
// mean(|y_pred - y_true|)                                                aliases: mae, MAE
SymbolicTensor mean_absolute_error(const SymbolicTensor& y_true, const SymbolicTensor& y_pred);
// 100 * mean(|(y_true - y_pred) / clip(|y_true|, eps, inf)|)             aliases: mape, MAPE
SymbolicTensor mean_absolute_percentage_error(const SymbolicTensor& y_true,
                                              const SymbolicTensor& y_pred);
// mean((log(clip(y_pred, eps, inf) + 1) - log(clip(y_true, eps, inf) + 1))^2)   aliases: msle, MSLE
SymbolicTensor mean_squared_logarithmic_error(const SymbolicTensor& y_true,
                                              const SymbolicTensor& y_pred);
// mean(max(1 - y_true * y_pred, 0)^2)
SymbolicTensor squared_hinge(const SymbolicTensor& y_true, const SymbolicTensor& y_pred);
// mean(max(1 - y_true * y_pred, 0))
SymbolicTensor hinge(const SymbolicTensor& y_true, const SymbolicTensor& y_pred);
// max(0, max((1 - y_true) * y_pred) - sum(y_true * y_pred) + 1)
SymbolicTensor categorical_hinge(const SymbolicTensor& y_true, const SymbolicTensor& y_pred);
// mean(x + softplus(-2x) - log 2) with x = y_pred - y_true, i.e. mean(log(cosh(x)))
SymbolicTensor logcosh(const SymbolicTensor& y_true, const SymbolicTensor& y_pred);
// K::categorical_crossentropy: -sum(y_true * log(clip(y_pred / sum(y_pred), eps, 1 - eps)))
SymbolicTensor categorical_crossentropy(const SymbolicTensor& y_true, const SymbolicTensor& y_pred);
// Integer class ids in y_true, shaped like y_pred without its last axis, or with a last axis of 1
// ((batch,) or (batch, 1) for a (batch, classes) output), in any dtype: one-hot encoded, then
// categorical_crossentropy. (Keras's TF backend clips before normalising here, which differs from
// categorical_crossentropy only where a probability is below 1e-7.)
SymbolicTensor sparse_categorical_crossentropy(const SymbolicTensor& y_true,
                                               const SymbolicTensor& y_pred);
// mean(K::binary_crossentropy(y_true, y_pred)) over the last axis
SymbolicTensor binary_crossentropy(const SymbolicTensor& y_true, const SymbolicTensor& y_pred);
// sum(t * log(t / p)) with t = clip(y_true, eps, 1), p = clip(y_pred, eps, 1)   aliases: kld, KLD
SymbolicTensor kullback_leibler_divergence(const SymbolicTensor& y_true,
                                           const SymbolicTensor& y_pred);
// mean(y_pred - y_true * log(y_pred + eps))
SymbolicTensor poisson(const SymbolicTensor& y_true, const SymbolicTensor& y_pred);
// -sum(l2_normalize(y_true) * l2_normalize(y_pred)), l2_normalize(x) = x / sqrt(max(sum(x^2),
// 1e-12)) (TensorFlow's)                                                        alias: cosine
SymbolicTensor cosine_proximity(const SymbolicTensor& y_true, const SymbolicTensor& y_pred);

// A loss by name: the full names above or their aliases (mse, MSE, mae, MAE, mape, MAPE, msle,
// MSLE, kld, KLD, cosine). Throws std::invalid_argument "Unknown loss function: 'x'. Valid losses
// are: ..." listing the accepted names.
LossFunction get(const std::string& name);
// The function's own name for a name or alias ("mse" -> "mean_squared_error"): what Keras 2.2.4
// reports (fn.__name__), e.g. as a metric's history key. Throws like get().
std::string canonical_name(const std::string& name);
// Every accepted name, full names first, then aliases.
std::vector<std::string> names();

}  // namespace keras::losses

namespace keras {
namespace objectives = losses;  // Keras 1's module name
}
