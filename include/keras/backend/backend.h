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

#include "keras/backend/function.h"
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
// image_data_format() / set_image_data_format() (below, with the convolution ops) come from
// keras.json too; Keras 1's image_dim_ordering is "tf" (channels_last) or "th".
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
SymbolicTensor one_hot(const SymbolicTensor& indices, std::int64_t num_classes,
                       DType dtype = floatx());
// The mean of x over the processes of keras::distributed (float32 or float64), each process's x
// weighted by the rows of the current global batch it trains on (fit); x itself in one process.
// Every process must run it in the same order (it is a collective call).
SymbolicTensor all_reduce_mean(const SymbolicTensor& x);

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
// x when training, alt when testing: chosen at run time by the learning phase, or when built if
// set_learning_phase fixed it.
SymbolicTensor in_train_phase(const SymbolicTensor& x, const SymbolicTensor& alt);
SymbolicTensor in_test_phase(const SymbolicTensor& x, const SymbolicTensor& alt);
SymbolicTensor switch_(const SymbolicTensor& condition, const SymbolicTensor& then_expression,
                       const SymbolicTensor& else_expression);

// ---- convolution and pooling ---------------------------------------------------------------
// Keras's image_data_format: "channels_last" (default; Keras 1's dim_ordering "tf") or
// "channels_first" ("th"). Layers without an explicit data_format use it.
std::string image_data_format();
void set_image_data_format(const std::string& data_format);
// "channels_last" / "channels_first" from either spelling ("tf" / "th", or empty: the default);
// throws for anything else.
std::string normalize_data_format(const std::string& value);

using Ints = std::vector<std::int64_t>;
// N-d convolution of a channels_last x (batch, spatial..., channels) with a kernel
// (spatial..., channels / groups, filters); padding "valid", "same" or "causal".
SymbolicTensor conv(const SymbolicTensor& x, const SymbolicTensor& kernel, Ints strides,
                    const std::string& padding = "valid", Ints dilation = {},
                    std::int64_t groups = 1);
SymbolicTensor conv1d(const SymbolicTensor& x, const SymbolicTensor& kernel,
                      std::int64_t strides = 1, const std::string& padding = "valid",
                      const std::string& data_format = "", std::int64_t dilation_rate = 1);
SymbolicTensor conv2d(const SymbolicTensor& x, const SymbolicTensor& kernel, Ints strides = {1, 1},
                      const std::string& padding = "valid", const std::string& data_format = "",
                      Ints dilation_rate = {1, 1});
SymbolicTensor conv3d(const SymbolicTensor& x, const SymbolicTensor& kernel,
                      Ints strides = {1, 1, 1}, const std::string& padding = "valid",
                      const std::string& data_format = "", Ints dilation_rate = {1, 1, 1});
// The transposed convolution: the gradient of conv2d with respect to its input. kernel is
// (kh, kw, filters, in_channels); output_shape the full output shape (batch may be -1).
SymbolicTensor conv2d_transpose(const SymbolicTensor& x, const SymbolicTensor& kernel,
                                Shape output_shape, Ints strides = {1, 1},
                                const std::string& padding = "valid",
                                const std::string& data_format = "");
// The same in 3D: kernel (kd, kh, kw, filters, in_channels).
SymbolicTensor conv3d_transpose(const SymbolicTensor& x, const SymbolicTensor& kernel,
                                Shape output_shape, Ints strides = {1, 1, 1},
                                const std::string& padding = "valid",
                                const std::string& data_format = "");
// depthwise_kernel (kh, kw, in_channels, depth_multiplier).
SymbolicTensor depthwise_conv2d(const SymbolicTensor& x, const SymbolicTensor& depthwise_kernel,
                                Ints strides = {1, 1}, const std::string& padding = "valid",
                                const std::string& data_format = "", Ints dilation_rate = {1, 1});
SymbolicTensor separable_conv2d(const SymbolicTensor& x, const SymbolicTensor& depthwise_kernel,
                                const SymbolicTensor& pointwise_kernel, Ints strides = {1, 1},
                                const std::string& padding = "valid",
                                const std::string& data_format = "", Ints dilation_rate = {1, 1});
// N-d pooling of a channels_last x; pool_mode "max" or "avg" (padding not counted in averages).
SymbolicTensor pool(const SymbolicTensor& x, Ints pool_size, Ints strides,
                    const std::string& padding = "valid", const std::string& pool_mode = "max");
SymbolicTensor pool2d(const SymbolicTensor& x, Ints pool_size, Ints strides = {1, 1},
                      const std::string& padding = "valid", const std::string& data_format = "",
                      const std::string& pool_mode = "max");
SymbolicTensor pool3d(const SymbolicTensor& x, Ints pool_size, Ints strides = {1, 1, 1},
                      const std::string& padding = "valid", const std::string& data_format = "",
                      const std::string& pool_mode = "max");
// Zero padding: pad_begin[i] / pad_end[i] zeros before / after axis i.
SymbolicTensor pad(const SymbolicTensor& x, Ints pad_begin, Ints pad_end);
// Adds a bias of one entry per channel (the last axis, or axis 1 for channels_first).
SymbolicTensor bias_add(const SymbolicTensor& x, const SymbolicTensor& bias,
                        const std::string& data_format = "");
// (batch, channels, spatial...) <-> (batch, spatial..., channels).
SymbolicTensor to_channels_last(const SymbolicTensor& x);
SymbolicTensor to_channels_first(const SymbolicTensor& x);

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

// ---- more of Keras 2.2.4's keras.backend (src/backend/array_ops.cpp, more_ops.cpp) ----------

// Keras's K.set_learning_phase: fixes the phase (0 test, 1 train; anything else throws). Graphs
// built afterwards choose in_train_phase / in_test_phase's branch when they are built, as Keras
// does with an integer phase; learning_phase() stays the placeholder that functions feed.
// clear_learning_phase() returns to the phase fed at run time (what clear_session does).
void set_learning_phase(int value);
std::optional<int> fixed_learning_phase();
void clear_learning_phase();

// Leaves. eye: the (rows, columns) identity as a variable. zeros_like / ones_like: shaped like x
// at run time (unknown dimensions included), x's dtype unless given.
SymbolicTensor eye(std::int64_t rows, std::int64_t columns = -1, DType dtype = floatx());
SymbolicTensor zeros_like(const SymbolicTensor& x, std::optional<DType> dtype = std::nullopt);
SymbolicTensor ones_like(const SymbolicTensor& x, std::optional<DType> dtype = std::nullopt);
// [start, stop) by step as a constant (Keras's arange; its default dtype is int32).
SymbolicTensor arange(double start, std::optional<double> stop = std::nullopt, double step = 1.0,
                      DType dtype = DType::int32);
// Variables drawn now from Uniform(low, high) / Normal(mean, scale).
SymbolicTensor random_uniform_variable(Shape shape, double low, double high, DType dtype = floatx(),
                                       std::optional<std::uint64_t> seed = std::nullopt);
SymbolicTensor random_normal_variable(Shape shape, double mean, double scale,
                                      DType dtype = floatx(),
                                      std::optional<std::uint64_t> seed = std::nullopt);

// Random tensors drawn afresh at every run: of `shape` (known dimensions), or shaped like `like`.
SymbolicTensor random_uniform(Shape shape, double minval = 0.0, double maxval = 1.0,
                              DType dtype = floatx(),
                              std::optional<std::uint64_t> seed = std::nullopt);
SymbolicTensor random_uniform_like(const SymbolicTensor& like, double minval = 0.0,
                                   double maxval = 1.0, std::optional<std::uint64_t> seed = {});
SymbolicTensor random_normal(Shape shape, double mean = 0.0, double stddev = 1.0,
                             DType dtype = floatx(), std::optional<std::uint64_t> seed = {});
// Normal(mean, stddev) with draws beyond two standard deviations drawn again.
SymbolicTensor truncated_normal(Shape shape, double mean = 0.0, double stddev = 1.0,
                                DType dtype = floatx(), std::optional<std::uint64_t> seed = {});
SymbolicTensor truncated_normal_like(const SymbolicTensor& like, double mean = 0.0,
                                     double stddev = 1.0, std::optional<std::uint64_t> seed = {});
// 1 with probability p, else 0.
SymbolicTensor random_binomial(Shape shape, double p = 0.0, DType dtype = floatx(),
                               std::optional<std::uint64_t> seed = {});
SymbolicTensor random_binomial_like(const SymbolicTensor& like, double p = 0.0,
                                    std::optional<std::uint64_t> seed = {});

// Variable updates for Function (Keras's update, update_add, update_sub, moving_average_update:
// x * momentum + value * (1 - momentum)).
Update update(const SymbolicTensor& x, const SymbolicTensor& new_x);
Update update_add(const SymbolicTensor& x, const SymbolicTensor& increment);
Update update_sub(const SymbolicTensor& x, const SymbolicTensor& decrement);
Update moving_average_update(const SymbolicTensor& x, const SymbolicTensor& value, double momentum);

// Elementwise math. round: half to even (TensorFlow). stop_gradient: x, through which no
// gradient flows.
SymbolicTensor round(const SymbolicTensor& x);
SymbolicTensor sin(const SymbolicTensor& x);
SymbolicTensor cos(const SymbolicTensor& x);
SymbolicTensor stop_gradient(const SymbolicTensor& x);
// Keras's K.print_tensor: x, unchanged, as a new tensor that writes `message` and x's value to
// stderr each time a function computes it (TensorFlow's tf.Print: the message, then the values,
// as numpy prints them). Only the returned tensor prints: use it in place of x. Gradients pass
// through it.
SymbolicTensor print_tensor(const SymbolicTensor& x, const std::string& message = "");
// softmax along `axis`.
SymbolicTensor softmax(const SymbolicTensor& x, int axis);

// Reductions. logsumexp: log(sum(exp(x))) computed stably. any / all: 1 where any / every
// element is nonzero, else 0, in x's dtype (Keras returns bool). cumsum / cumprod: running, along
// `axis` (Keras's default 0).
SymbolicTensor logsumexp(const SymbolicTensor& x, Axes axes = {}, bool keepdims = false);
SymbolicTensor any(const SymbolicTensor& x, Axes axes = {}, bool keepdims = false);
SymbolicTensor all(const SymbolicTensor& x, Axes axes = {}, bool keepdims = false);
SymbolicTensor cumsum(const SymbolicTensor& x, int axis = 0);
SymbolicTensor cumprod(const SymbolicTensor& x, int axis = 0);

// Shapes. tile: n[i] copies along axis i. repeat_elements: each element `rep` times along
// `axis`. repeat: (batch, dim) -> (batch, n, dim). stack / unstack: along a new / an existing
// axis. reverse: along each of `axes`. slice: Keras's slice(x, start, size) (size -1: to the end).
// strided_slice: per axis, [begin, end) by step (nonzero; negative steps walk backwards from begin
// to end exclusive, end -1 meaning past the start), numpy's resolved slice indices; on an axis of
// unknown size, numpy's bounds as written (negative: from the end; INT64_MAX: omitted), any step.
SymbolicTensor tile(const SymbolicTensor& x, std::vector<std::int64_t> n);
SymbolicTensor repeat_elements(const SymbolicTensor& x, std::int64_t rep, int axis);
SymbolicTensor repeat(const SymbolicTensor& x, std::int64_t n);
SymbolicTensor stack(const std::vector<SymbolicTensor>& tensors, int axis = 0);
std::vector<SymbolicTensor> unstack(const SymbolicTensor& x, int axis = 0);
SymbolicTensor reverse(const SymbolicTensor& x, Axes axes);
SymbolicTensor slice(const SymbolicTensor& x, std::vector<std::int64_t> start,
                     std::vector<std::int64_t> size);
SymbolicTensor strided_slice(const SymbolicTensor& x, std::vector<std::int64_t> begin,
                             std::vector<std::int64_t> end, std::vector<std::int64_t> step);
// Zero padding of the time axis of (batch, time, features), of the two / three spatial axes.
using Padding = std::pair<std::int64_t, std::int64_t>;
SymbolicTensor temporal_padding(const SymbolicTensor& x, Padding padding = {1, 1});
SymbolicTensor spatial_2d_padding(const SymbolicTensor& x,
                                  std::vector<Padding> padding = {{1, 1}, {1, 1}},
                                  const std::string& data_format = "");
SymbolicTensor spatial_3d_padding(const SymbolicTensor& x,
                                  std::vector<Padding> padding = {{1, 1}, {1, 1}, {1, 1}},
                                  const std::string& data_format = "");
// Resizes the spatial axes by integer factors: "nearest" repeats elements, "bilinear" is
// TensorFlow 1's resize_bilinear (align_corners=False); both differentiable.
SymbolicTensor resize_images(const SymbolicTensor& x, std::int64_t height_factor,
                             std::int64_t width_factor, const std::string& data_format = "",
                             const std::string& interpolation = "nearest");
SymbolicTensor resize_volumes(const SymbolicTensor& x, std::int64_t depth_factor,
                              std::int64_t height_factor, std::int64_t width_factor,
                              const std::string& data_format = "");

// Losses with Keras 2.2.4's from_logits and axis. sparse_categorical_crossentropy takes integer
// class indices (any numeric dtype) shaped like output without its class axis (or with a trailing
// 1), and returns one loss per index.
SymbolicTensor categorical_crossentropy(const SymbolicTensor& target, const SymbolicTensor& output,
                                        bool from_logits, int axis = -1);
SymbolicTensor binary_crossentropy(const SymbolicTensor& target, const SymbolicTensor& output,
                                   bool from_logits);
SymbolicTensor sparse_categorical_crossentropy(const SymbolicTensor& target,
                                               const SymbolicTensor& output,
                                               bool from_logits = false, int axis = -1);
// 1 where targets[i]'s prediction is among the k largest of predictions[i] (ties count in), else
// 0, floatx (Keras returns bool).
SymbolicTensor in_top_k(const SymbolicTensor& predictions, const SymbolicTensor& targets,
                        std::int64_t k);

// CTC, as Keras's ctc_batch_cost: y_true (batch, max_label_length) labels, y_pred (batch, time,
// classes) softmax outputs (the last class is the blank), input_length and label_length (batch,
// 1). Returns the (batch, 1) losses -log p(y_true | y_pred) over log(y_pred + epsilon), with
// their gradient.
SymbolicTensor ctc_batch_cost(const SymbolicTensor& y_true, const SymbolicTensor& y_pred,
                              const SymbolicTensor& input_length,
                              const SymbolicTensor& label_length);
// Keras's ctc_decode with greedy=True: the most likely class of each of the first input_length
// steps, repeats merged, blanks removed, -1 after (one (batch, time) int64 tensor), and the
// (batch, 1) log probability (TensorFlow's: minus the sum of the steps' largest
// log(y_pred + epsilon)).
struct CtcDecoded {
  SymbolicTensor decoded, log_prob;
};
CtcDecoded ctc_decode_greedy(const SymbolicTensor& y_pred, const SymbolicTensor& input_length);

// embedding, normalization and recurrent

// Keras's K.normalize_batch_in_training: normalizes x with its batch mean and biased variance over
// `reduction_axes`, then scales by gamma and shifts by beta (either may be undefined, Keras's
// None; given, they have one entry per kept element). Returns the normalized x and the batch mean
// and biased variance, shaped like x without the reduced axes. When every axis but one is reduced
// (BatchNormalization's case, any rank, any kept axis), it is one fused op (BatchNorm over
// BatchNormStats; oneDNN's batch normalization on the cpu backend) whose gradient flows through the
// statistics; other reductions compose the generic ops.
struct NormalizedBatch {
  SymbolicTensor normed, mean, variance;
};
NormalizedBatch normalize_batch_in_training(const SymbolicTensor& x, const SymbolicTensor& gamma,
                                            const SymbolicTensor& beta, Axes reduction_axes,
                                            double epsilon = 1e-3);
// Keras's K.l2_normalize (TensorFlow's tf.nn.l2_normalize): x / sqrt(max(sum(square(x), axis,
// keepdims=True), 1e-12)), over all axes when no axis is given.
SymbolicTensor l2_normalize(const SymbolicTensor& x, std::optional<int> axis = std::nullopt);
// Keras's K.batch_normalization: gamma * (x - mean) / sqrt(var + epsilon) + beta. When mean, var,
// gamma and beta hold one entry per element of x's `axis` (shape (C,) or x's rank with C at
// `axis`), it is the fused BatchNorm op; otherwise numpy broadcasting of the generic ops. gamma
// and beta may be undefined (None).
SymbolicTensor batch_normalization(const SymbolicTensor& x, const SymbolicTensor& mean,
                                   const SymbolicTensor& var, const SymbolicTensor& beta,
                                   const SymbolicTensor& gamma, int axis = -1,
                                   double epsilon = 1e-3);

enum class RnnCell { kSimpleRNN = 0, kGRU = 1, kLSTM = 2 };

struct RecurrentOptions {
  RnnCell cell = RnnCell::kLSTM;
  OpKind activation = OpKind::kTanh;  // kTanh, kSigmoid, kHardSigmoid, kRelu or kCount (linear)
  OpKind recurrent_activation = OpKind::kHardSigmoid;  // the gates (GRU, LSTM)
  bool go_backwards = false;
  SymbolicTensor initial_h{}, initial_c{};  // (batch, units); both or neither; zeros if neither
  SymbolicTensor mask{};                    // (batch, time) 0/1 of xproj's dtype
  SymbolicTensor recurrent_dropout_mask{};  // (batch, units): multiplies h_{t-1} in the cell
  // GRU only: Keras 2.2.4's reset_after=True (PyTorch's and CuDNN's GRU): the reset gate multiplies
  // h_{t-1} U_h + recurrent_bias instead of h_{t-1} before the product. recurrent_bias is
  // (units,), the h block of the recurrent bias (the z and r blocks add to xproj); zeros if absent.
  bool reset_after = false;
  SymbolicTensor recurrent_bias{};
};

// A whole recurrent sequence in one op (Keras's K.rnn over a SimpleRNN, GRU or LSTM cell, with
// Keras 2.2.4's equations). Time-major: `xproj` (time, batch, gates * units) holds
// inputs @ kernel + bias in time order, gates 1, 3 (z, r, h) or 4 (i, f, c, o);
// `recurrent_kernel` is (units, gates * units). Returns the per-step states in processing order
// (reversed with go_backwards), packed as (time, batch, width * units): [h] SimpleRNN, [h, z, r,
// hh] GRU ([h, z, r, hh, h_{t-1} U_h + recurrent_bias] with reset_after), [h, c, i, f, g, o]
// LSTM; only the h and c columns are differentiable. A masked step carries h and c over unchanged.
SymbolicTensor recurrent(const SymbolicTensor& xproj, const SymbolicTensor& recurrent_kernel,
                         const RecurrentOptions& options);
// The width factor of recurrent()'s packed output: 1, 4 (5 for a GRU with reset_after) or 6.
int recurrent_width(RnnCell cell, bool reset_after = false);

}  // namespace keras::backend

namespace keras {
namespace K = backend;  // so code reads as Keras: K::dot, K::sum, K::gradients
}
