// keras::metrics — Keras 2.2.4's metrics (keras/metrics.py). A metric has a loss's signature
// (y_true, y_pred) -> per-sample values; every loss can be used as a metric. Same names in Keras 1.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "keras/backend/backend.h"
#include "keras/losses.h"
#include "keras/tensor/tensor.h"

namespace keras::metrics {

using MetricFunction = losses::LossFunction;
using backend::SymbolicTensor;

// All results are 1 or 0 per sample (binary_accuracy: the mean over the last axis), in y_pred's
// dtype.

// mean(y_true == round(y_pred)) over the last axis; round is half-to-even, as TensorFlow's.
SymbolicTensor binary_accuracy(const SymbolicTensor& y_true, const SymbolicTensor& y_pred);
// argmax(y_true) == argmax(y_pred) over the last axis.
SymbolicTensor categorical_accuracy(const SymbolicTensor& y_true, const SymbolicTensor& y_pred);
// y_true holds class ids, shaped (batch,) or (batch, 1) (a trailing 1 is squeezed when y_true has
// y_pred's rank): y_true == argmax(y_pred).
SymbolicTensor sparse_categorical_accuracy(const SymbolicTensor& y_true,
                                           const SymbolicTensor& y_pred);
// Whether the class argmax(y_true) is among the k largest predictions of its row, with
// TensorFlow's in_top_k tie rule: a class counts when fewer than k classes score strictly higher.
// y_pred must be 2D (batch, classes).
SymbolicTensor top_k_categorical_accuracy(const SymbolicTensor& y_true,
                                          const SymbolicTensor& y_pred, int k = 5);
// The same with class ids in y_true ((batch,) or (batch, 1)).
SymbolicTensor sparse_top_k_categorical_accuracy(const SymbolicTensor& y_true,
                                                 const SymbolicTensor& y_pred, int k = 5);

// A metric by name: binary_accuracy, categorical_accuracy, sparse_categorical_accuracy,
// top_k_categorical_accuracy, sparse_top_k_categorical_accuracy, or any loss name or alias
// (losses::names()). "accuracy"/"acc" depend on the loss and output: use resolve_accuracy.
// Throws std::invalid_argument "Unknown metric function: 'x'. Valid metrics are: ...".
MetricFunction get(const std::string& name);
// The name Keras 2.2.4 gives the metric in logs and History (fn.__name__): the full function name
// for a name or alias ("mse" -> "mean_squared_error"). Throws like get().
std::string canonical_name(const std::string& name);
// Every name get() accepts.
std::vector<std::string> names();

// Keras 2.2.4's handling of the class-mode-dependent metrics in Model.compile (training.py,
// handle_metrics). `requested` is "accuracy"/"acc" or "crossentropy"/"ce"; `loss_name` is the
// compiled loss by name or alias (empty or another name for a custom loss); `output_shape` is the
// model output's shape. Picks the binary variant when the output's last dimension is 1 or the loss
// is binary_crossentropy, else the sparse variant for sparse_categorical_crossentropy, else the
// categorical one. Returns {history key, function}; the key is "acc" for both "acc" and
// "accuracy", and "ce" for both "ce" and "crossentropy" (Keras 2.2.4's suffix; Keras 3 uses the
// name as written). A multi-output model prefixes "<output name>_", weighted metrics "weighted_".
// Throws std::invalid_argument for any other `requested`.
std::pair<std::string, MetricFunction> resolve_accuracy(const std::string& requested,
                                                        const std::string& loss_name,
                                                        const Shape& output_shape);

}  // namespace keras::metrics
