// keras::backend — Keras's `K.*` ops on symbolic tensors. Every call adds graph nodes; nothing is
// computed until a compiled `function` runs (or `eval`, which compiles a one-off function).
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "keras/backend/graph.h"
#include "keras/tensor/tensor.h"

namespace keras::backend {

using Axes = std::vector<int>;

// Configuration, read on first use from $KERAS_HOME/keras.json (default ~/.keras/keras.json,
// /tmp/.keras when the home folder is not writable), which is created with the defaults when
// missing, as Keras does:
//   {"floatx": "float32", "epsilon": 1e-07, "backend": "cpu", "image_data_format": "channels_last"}
// floatx() is the default float dtype (float32 or float64), epsilon() the fuzz factor (1e-7).
// An invalid value throws std::invalid_argument naming the file, the key and the valid values.
DType floatx();
void set_floatx(DType dtype);
void set_floatx(const std::string& name);  // "float32", "float64"
double epsilon();
void set_epsilon(double value);
// The kernel backend: "cpu" (oneDNN + vectorised loops) or "reference" (plain loops, the oracle);
// "cuda" is reserved. KERAS_BACKEND overrides keras.json; a Python Keras backend name there
// (tensorflow, theano, jax, torch, cntk) falls back to "cpu" with one warning, so a machine that
// also runs Python Keras keeps working. set_backend overrides for functions compiled afterwards.
std::string backend();
void set_backend(const std::string& name);
// "channels_last" (default) or "channels_first"; Keras 1's image_dim_ordering "tf" / "th".
std::string image_data_format();
void set_image_data_format(const std::string& data_format);
std::string image_dim_ordering();
void set_image_dim_ordering(const std::string& dim_ordering);

namespace detail {
// The folder of keras.json: $KERAS_HOME, else ~/.keras (or /tmp/.keras).
std::string keras_dir();
// Reads keras.json and KERAS_BACKEND again (creating the file if missing), replacing every
// setting; what first use does.
void load_config();
}  // namespace detail

// Leaves.
SymbolicTensor placeholder(Shape shape, DType dtype = floatx(), std::string name = "");
SymbolicTensor variable(const Tensor& value, std::string name = "");  // shares value's storage
SymbolicTensor constant(double value, DType dtype = floatx(), Shape shape = {});
SymbolicTensor constant(const Tensor& value);
SymbolicTensor zeros(Shape shape, DType dtype = floatx());
SymbolicTensor ones(Shape shape, DType dtype = floatx());
Tensor get_value(const SymbolicTensor& variable);  // the live tensor (shared storage)
void set_value(const SymbolicTensor& variable, const Tensor& value);  // copies into it
Tensor eval(const SymbolicTensor& x);  // x must not need placeholders
Shape int_shape(const SymbolicTensor& x);
int ndim(const SymbolicTensor& x);
DType dtype(const SymbolicTensor& x);
std::int64_t count_params(const SymbolicTensor& variable);

// Linear algebra.
SymbolicTensor dot(const SymbolicTensor& x, const SymbolicTensor& y);
SymbolicTensor matmul(const SymbolicTensor& x, const SymbolicTensor& y, bool transpose_x = false,
                      bool transpose_y = false);
// Keras's batch_dot: 2D (batch, n) · (batch, n) -> (batch, 1); 3D (batch, n, k) · (batch, k, m).
// `axes` are the reduced axes of x and y (defaults: last of x, second to last of y for 3D).
SymbolicTensor batch_dot(const SymbolicTensor& x, const SymbolicTensor& y,
                         std::optional<std::pair<int, int>> axes = std::nullopt);
SymbolicTensor transpose(const SymbolicTensor& x);

// Elementwise with numpy broadcasting.
SymbolicTensor add(const SymbolicTensor& x, const SymbolicTensor& y);
SymbolicTensor subtract(const SymbolicTensor& x, const SymbolicTensor& y);
SymbolicTensor multiply(const SymbolicTensor& x, const SymbolicTensor& y);
SymbolicTensor divide(const SymbolicTensor& x, const SymbolicTensor& y);
SymbolicTensor pow(const SymbolicTensor& x, const SymbolicTensor& a);
SymbolicTensor pow(const SymbolicTensor& x, double a);
SymbolicTensor maximum(const SymbolicTensor& x, const SymbolicTensor& y);
SymbolicTensor minimum(const SymbolicTensor& x, const SymbolicTensor& y);
SymbolicTensor equal(const SymbolicTensor& x, const SymbolicTensor& y);  // 1 or 0, x's dtype
SymbolicTensor not_equal(const SymbolicTensor& x, const SymbolicTensor& y);
SymbolicTensor greater(const SymbolicTensor& x, const SymbolicTensor& y);
SymbolicTensor greater_equal(const SymbolicTensor& x, const SymbolicTensor& y);
SymbolicTensor less(const SymbolicTensor& x, const SymbolicTensor& y);
SymbolicTensor less_equal(const SymbolicTensor& x, const SymbolicTensor& y);
SymbolicTensor neg(const SymbolicTensor& x);
SymbolicTensor square(const SymbolicTensor& x);
SymbolicTensor sqrt(const SymbolicTensor& x);
SymbolicTensor exp(const SymbolicTensor& x);
SymbolicTensor log(const SymbolicTensor& x);
SymbolicTensor abs(const SymbolicTensor& x);
SymbolicTensor sign(const SymbolicTensor& x);
SymbolicTensor clip(const SymbolicTensor& x, double min_value, double max_value);
SymbolicTensor cast(const SymbolicTensor& x, DType dtype);

// Reductions; an empty `axes` reduces over every axis. Negative axes count from the end.
SymbolicTensor sum(const SymbolicTensor& x, Axes axes = {}, bool keepdims = false);
SymbolicTensor mean(const SymbolicTensor& x, Axes axes = {}, bool keepdims = false);
SymbolicTensor max(const SymbolicTensor& x, Axes axes = {}, bool keepdims = false);
SymbolicTensor min(const SymbolicTensor& x, Axes axes = {}, bool keepdims = false);
SymbolicTensor prod(const SymbolicTensor& x, Axes axes = {}, bool keepdims = false);
SymbolicTensor var(const SymbolicTensor& x, Axes axes = {}, bool keepdims = false);
SymbolicTensor std(const SymbolicTensor& x, Axes axes = {}, bool keepdims = false);
SymbolicTensor argmax(const SymbolicTensor& x, int axis = -1);  // int64
SymbolicTensor argmin(const SymbolicTensor& x, int axis = -1);

// Shapes.
SymbolicTensor reshape(const SymbolicTensor& x, Shape shape);  // one -1 allowed
SymbolicTensor permute_dimensions(const SymbolicTensor& x, std::vector<int> pattern);
SymbolicTensor concatenate(const std::vector<SymbolicTensor>& tensors, int axis = -1);
SymbolicTensor expand_dims(const SymbolicTensor& x, int axis = -1);
SymbolicTensor squeeze(const SymbolicTensor& x, int axis);
SymbolicTensor flatten(const SymbolicTensor& x);        // to 1D
SymbolicTensor batch_flatten(const SymbolicTensor& x);  // to (batch, -1)
SymbolicTensor slice(const SymbolicTensor& x, int axis, std::int64_t begin, std::int64_t end);
SymbolicTensor gather(const SymbolicTensor& reference, const SymbolicTensor& indices);
SymbolicTensor one_hot(const SymbolicTensor& indices, std::int64_t num_classes);

// Activations (Keras's definitions: hard_sigmoid = clip(0.2x + 0.5, 0, 1)).
SymbolicTensor relu(const SymbolicTensor& x, double alpha = 0.0, double max_value = -1.0);
SymbolicTensor sigmoid(const SymbolicTensor& x);
SymbolicTensor hard_sigmoid(const SymbolicTensor& x);
SymbolicTensor tanh(const SymbolicTensor& x);
SymbolicTensor softmax(const SymbolicTensor& x);  // over the last axis
SymbolicTensor softplus(const SymbolicTensor& x);
SymbolicTensor softsign(const SymbolicTensor& x);
SymbolicTensor elu(const SymbolicTensor& x, double alpha = 1.0);
SymbolicTensor linear(const SymbolicTensor& x);

// Losses (Keras 2 argument order: target first).
SymbolicTensor categorical_crossentropy(const SymbolicTensor& target, const SymbolicTensor& output);
SymbolicTensor binary_crossentropy(const SymbolicTensor& target, const SymbolicTensor& output);

// Randomness and the learning phase.
SymbolicTensor dropout(const SymbolicTensor& x, double level,
                       std::optional<std::uint64_t> seed = {});
// Normal(mean, stddev) noise shaped like x (x's values are not read), drawn afresh at every run.
SymbolicTensor random_normal_like(const SymbolicTensor& x, double mean = 0.0, double stddev = 1.0,
                                  std::optional<std::uint64_t> seed = {});
// The scalar placeholder that tells layers whether they train (1) or infer (0).
SymbolicTensor learning_phase();
SymbolicTensor in_train_phase(const SymbolicTensor& x, const SymbolicTensor& alt);
SymbolicTensor in_test_phase(const SymbolicTensor& x, const SymbolicTensor& alt);
SymbolicTensor switch_(const SymbolicTensor& condition, const SymbolicTensor& then_expression,
                       const SymbolicTensor& else_expression);

// Symbolic differentiation: a graph-to-graph transform. `loss` must be a scalar. Parameters the
// loss does not depend on get zero gradients.
std::vector<SymbolicTensor> gradients(const SymbolicTensor& loss,
                                      const std::vector<SymbolicTensor>& params);

// Operators, for readable custom losses and Lambda layers.
SymbolicTensor operator+(const SymbolicTensor& x, const SymbolicTensor& y);
SymbolicTensor operator-(const SymbolicTensor& x, const SymbolicTensor& y);
SymbolicTensor operator*(const SymbolicTensor& x, const SymbolicTensor& y);
SymbolicTensor operator/(const SymbolicTensor& x, const SymbolicTensor& y);
SymbolicTensor operator-(const SymbolicTensor& x);
SymbolicTensor operator+(const SymbolicTensor& x, double y);
SymbolicTensor operator-(const SymbolicTensor& x, double y);
SymbolicTensor operator*(const SymbolicTensor& x, double y);
SymbolicTensor operator/(const SymbolicTensor& x, double y);
SymbolicTensor operator+(double x, const SymbolicTensor& y);
SymbolicTensor operator-(double x, const SymbolicTensor& y);
SymbolicTensor operator*(double x, const SymbolicTensor& y);
SymbolicTensor operator/(double x, const SymbolicTensor& y);

}  // namespace keras::backend

namespace keras {
namespace K = backend;  // so code reads as Keras: K::dot, K::sum, K::gradients
}
