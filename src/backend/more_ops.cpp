// More of Keras 2.2.4's backend: the fixed learning phase, leaves and random tensors, variable
// updates, elementwise math, reductions, losses with from_logits, in_top_k and CTC.
#include <algorithm>
#include <atomic>
#include <cmath>
#include <random>
#include <stdexcept>
#include <string>

#include "backend/random_state.h"
#include "keras/backend/backend.h"
#include "keras/backend/learning_phase.h"
#include "ops/random.h"
#include "ops/reduce.h"

namespace keras::backend {

namespace {

// -1: fed at run time; 0 or 1: fixed by set_learning_phase.
std::atomic<int> g_fixed_phase{-1};

std::uint64_t seed_or_next(std::optional<std::uint64_t> seed) {
  return seed.value_or(keras::detail::next_seed());
}

void check_known(const char* what, const Shape& shape) {
  for (auto d : shape)
    if (d < 0)
      throw std::invalid_argument(std::string("K::") + what + " needs a known shape, got " +
                                  shape_to_string(shape) + " (use the *_like form for a shape " +
                                  "known only at run time)");
}

SymbolicTensor random_like(OpKind op, const SymbolicTensor& like, double a, double b,
                           std::optional<std::uint64_t> seed) {
  ops::RandomAttrs attrs;
  attrs.alpha = a;
  attrs.beta = b;
  attrs.seed = seed_or_next(seed);
  return make_node(op, {like}, attrs);
}

// A constant of `shape` whose only use is to give a random op its shape and dtype.
SymbolicTensor shape_holder(const char* what, Shape shape, DType dtype) {
  check_known(what, shape);
  if (!is_floating(dtype))
    throw std::invalid_argument(std::string("K::") + what + " draws floats, got dtype " +
                                dtype_name(dtype));
  return constant(0.0, dtype, std::move(shape));
}

}  // namespace

void set_learning_phase(int value) {
  if (value != 0 && value != 1)
    throw std::invalid_argument("Expected learning phase to be 0 or 1.");
  g_fixed_phase = value;
}

std::optional<int> fixed_learning_phase() {
  const int phase = g_fixed_phase;
  if (phase < 0) return std::nullopt;
  return phase;
}

void clear_learning_phase() {
  g_fixed_phase = -1;
}

LearningPhaseScope::LearningPhaseScope(std::optional<int> phase) {
  if (!phase) return;
  previous_ = fixed_learning_phase();
  set_learning_phase(*phase);
  active_ = true;
}

LearningPhaseScope::~LearningPhaseScope() {
  if (!active_) return;
  if (previous_)
    set_learning_phase(*previous_);
  else
    clear_learning_phase();
}

SymbolicTensor eye(std::int64_t rows, std::int64_t columns, DType dtype) {
  if (columns < 0) columns = rows;
  if (rows < 1 || columns < 1)
    throw std::invalid_argument("K::eye needs a positive size, got (" + std::to_string(rows) +
                                ", " + std::to_string(columns) + ")");
  Tensor value = Tensor::zeros({rows, columns}, dtype);
  for (std::int64_t i = 0; i < std::min(rows, columns); ++i) {
    Tensor row = value[i];
    switch (dtype) {
      case DType::float32:
        row.at<float>(i) = 1;
        break;
      case DType::float64:
        row.at<double>(i) = 1;
        break;
      case DType::int32:
        row.at<std::int32_t>(i) = 1;
        break;
      case DType::int64:
        row.at<std::int64_t>(i) = 1;
        break;
    }
  }
  return variable(value);
}

SymbolicTensor zeros_like(const SymbolicTensor& x, std::optional<DType> dtype) {
  ops::BroadcastLikeAttrs attrs;
  attrs.numpy_broadcast = true;
  return make_node(OpKind::kBroadcastLike, {constant(0.0, dtype.value_or(x.dtype())), x}, attrs);
}

SymbolicTensor ones_like(const SymbolicTensor& x, std::optional<DType> dtype) {
  ops::BroadcastLikeAttrs attrs;
  attrs.numpy_broadcast = true;
  return make_node(OpKind::kBroadcastLike, {constant(1.0, dtype.value_or(x.dtype())), x}, attrs);
}

SymbolicTensor arange(double start, std::optional<double> stop, double step, DType dtype) {
  if (!stop) {
    stop = start;
    start = 0;
  }
  if (step == 0) throw std::invalid_argument("K::arange: step cannot be zero");
  const double count = std::ceil((*stop - start) / step);
  const auto n = static_cast<std::int64_t>(count > 0 ? count : 0);
  std::vector<double> values;
  for (std::int64_t i = 0; i < n; ++i) values.push_back(start + static_cast<double>(i) * step);
  return constant(Tensor::from_vector(values, {n}).astype(dtype));
}

SymbolicTensor random_uniform_variable(Shape shape, double low, double high, DType dtype,
                                       std::optional<std::uint64_t> seed) {
  check_known("random_uniform_variable", shape);
  std::mt19937_64 generator(seed_or_next(seed));
  std::uniform_real_distribution<double> draw(low, high);
  std::vector<double> values(static_cast<std::size_t>(shape_numel(shape)));
  for (auto& v : values) v = draw(generator);
  return variable(Tensor::from_vector(values, std::move(shape)).astype(dtype));
}

SymbolicTensor random_normal_variable(Shape shape, double mean, double scale, DType dtype,
                                      std::optional<std::uint64_t> seed) {
  check_known("random_normal_variable", shape);
  std::mt19937_64 generator(seed_or_next(seed));
  std::normal_distribution<double> draw(mean, scale);
  std::vector<double> values(static_cast<std::size_t>(shape_numel(shape)));
  for (auto& v : values) v = draw(generator);
  return variable(Tensor::from_vector(values, std::move(shape)).astype(dtype));
}

SymbolicTensor random_uniform(Shape shape, double minval, double maxval, DType dtype,
                              std::optional<std::uint64_t> seed) {
  return random_uniform_like(shape_holder("random_uniform", std::move(shape), dtype), minval,
                             maxval, seed);
}

SymbolicTensor random_uniform_like(const SymbolicTensor& like, double minval, double maxval,
                                   std::optional<std::uint64_t> seed) {
  if (!(maxval >= minval))
    throw std::invalid_argument("K::random_uniform: maxval must be >= minval, got [" +
                                std::to_string(minval) + ", " + std::to_string(maxval) + ")");
  return random_like(OpKind::kRandomUniform, like, minval, maxval, seed);
}

SymbolicTensor random_normal(Shape shape, double mean, double stddev, DType dtype,
                             std::optional<std::uint64_t> seed) {
  return random_normal_like(shape_holder("random_normal", std::move(shape), dtype), mean, stddev,
                            seed);
}

SymbolicTensor truncated_normal(Shape shape, double mean, double stddev, DType dtype,
                                std::optional<std::uint64_t> seed) {
  return truncated_normal_like(shape_holder("truncated_normal", std::move(shape), dtype), mean,
                               stddev, seed);
}

SymbolicTensor truncated_normal_like(const SymbolicTensor& like, double mean, double stddev,
                                     std::optional<std::uint64_t> seed) {
  if (!(stddev >= 0))
    throw std::invalid_argument("K::truncated_normal: stddev must be >= 0, got " +
                                std::to_string(stddev));
  return random_like(OpKind::kTruncatedNormal, like, mean, stddev, seed);
}

SymbolicTensor random_binomial(Shape shape, double p, DType dtype,
                               std::optional<std::uint64_t> seed) {
  return random_binomial_like(shape_holder("random_binomial", std::move(shape), dtype), p, seed);
}

SymbolicTensor random_binomial_like(const SymbolicTensor& like, double p,
                                    std::optional<std::uint64_t> seed) {
  if (!(p >= 0 && p <= 1))
    throw std::invalid_argument("K::random_binomial: p must be in [0, 1], got " +
                                std::to_string(p));
  SymbolicTensor u = random_uniform_like(like, 0.0, 1.0, seed);
  return less(u, constant(p, u.dtype()));
}

Update update(const SymbolicTensor& x, const SymbolicTensor& new_x) {
  if (!x.defined() || x.node()->op != OpKind::kVariable)
    throw std::invalid_argument("K::update needs a variable to assign to");
  return {x, new_x};
}
Update update_add(const SymbolicTensor& x, const SymbolicTensor& increment) {
  return update(x, x + increment);
}
Update update_sub(const SymbolicTensor& x, const SymbolicTensor& decrement) {
  return update(x, x - decrement);
}
Update moving_average_update(const SymbolicTensor& x, const SymbolicTensor& value,
                             double momentum) {
  return update(x, x * momentum + value * (1.0 - momentum));
}

SymbolicTensor round(const SymbolicTensor& x) {
  return make_node(OpKind::kRound, {x});
}
SymbolicTensor sin(const SymbolicTensor& x) {
  return make_node(OpKind::kSin, {x});
}
SymbolicTensor cos(const SymbolicTensor& x) {
  return make_node(OpKind::kCos, {x});
}
SymbolicTensor stop_gradient(const SymbolicTensor& x) {
  return make_node(OpKind::kStopGradient, {x});
}

SymbolicTensor softmax(const SymbolicTensor& x, int axis) {
  const int rank = x.ndim();
  const int a = axis < 0 ? axis + rank : axis;
  if (a < 0 || a >= rank)
    throw std::invalid_argument("K::softmax: axis " + std::to_string(axis) +
                                " is out of range for a tensor of rank " + std::to_string(rank));
  if (a == rank - 1) return softmax(x);
  std::vector<int> perm;  // swaps `a` and the last axis (its own inverse)
  for (int d = 0; d < rank; ++d) perm.push_back(d);
  std::swap(perm[static_cast<std::size_t>(a)], perm.back());
  return permute_dimensions(softmax(permute_dimensions(x, perm)), perm);
}

SymbolicTensor logsumexp(const SymbolicTensor& x, Axes axes, bool keepdims) {
  // max + log(sum(exp(x - max))), the max kept out of the gradient as TensorFlow does.
  SymbolicTensor peak = stop_gradient(max(x, axes, true));
  SymbolicTensor result = peak + log(sum(exp(x - peak), axes, true));
  if (keepdims) return result;
  return sum(result, axes, false);  // drops the kept size-1 axes
}

SymbolicTensor any(const SymbolicTensor& x, Axes axes, bool keepdims) {
  return max(not_equal(x, constant(0.0, x.dtype())), std::move(axes), keepdims);
}
SymbolicTensor all(const SymbolicTensor& x, Axes axes, bool keepdims) {
  return min(not_equal(x, constant(0.0, x.dtype())), std::move(axes), keepdims);
}

SymbolicTensor cumsum(const SymbolicTensor& x, int axis) {
  ops::AxisAttrs attrs;
  attrs.axis = axis;
  return make_node(OpKind::kCumsum, {x}, attrs);
}
SymbolicTensor cumprod(const SymbolicTensor& x, int axis) {
  ops::AxisAttrs attrs;
  attrs.axis = axis;
  return make_node(OpKind::kCumprod, {x}, attrs);
}

SymbolicTensor categorical_crossentropy(const SymbolicTensor& target, const SymbolicTensor& output,
                                        bool from_logits, int axis) {
  const int rank = output.ndim();
  const bool last = axis == -1 || axis == rank - 1;
  if (from_logits) {  // softmax_cross_entropy_with_logits
    SymbolicTensor log_probs = output - logsumexp(output, {axis}, true);
    return neg(sum(target * log_probs, {axis}));
  }
  if (last) return categorical_crossentropy(target, output);
  // Keras: scale to sum 1 along the axis, clip to [epsilon, 1 - epsilon], -sum(target * log).
  SymbolicTensor p = output / sum(output, {axis}, true);
  p = clip(p, epsilon(), 1.0 - epsilon());
  return neg(sum(target * log(p), {axis}));
}

SymbolicTensor binary_crossentropy(const SymbolicTensor& target, const SymbolicTensor& output,
                                   bool from_logits) {
  if (!from_logits) return binary_crossentropy(target, output);
  // sigmoid_cross_entropy_with_logits: max(x, 0) - x z + log(1 + exp(-|x|)).
  return relu(output) - output * target + softplus(neg(abs(output)));
}

SymbolicTensor sparse_categorical_crossentropy(const SymbolicTensor& target,
                                               const SymbolicTensor& output, bool from_logits,
                                               int axis) {
  const int rank = output.ndim();
  const int a = axis < 0 ? axis + rank : axis;
  if (a < 0 || a >= rank)
    throw std::invalid_argument("K::sparse_categorical_crossentropy: axis " + std::to_string(axis) +
                                " is out of range for an output of rank " + std::to_string(rank));
  SymbolicTensor logits = output;
  if (a != rank - 1) {
    std::vector<int> perm;
    for (int d = 0; d < rank; ++d)
      if (d != a) perm.push_back(d);
    perm.push_back(a);
    logits = permute_dimensions(logits, perm);
  }
  const std::int64_t classes = logits.shape().back();
  if (classes < 0)
    throw std::invalid_argument(
        "K::sparse_categorical_crossentropy needs a known number of classes, got " +
        shape_to_string(output.shape()));
  // Keras: without from_logits, log(clip(output)) is taken as the logits (and softmax-normalised
  // again by TensorFlow's sparse_softmax_cross_entropy_with_logits).
  if (!from_logits) logits = log(clip(logits, epsilon(), 1.0 - epsilon()));
  Shape loss_shape(logits.shape().begin(), logits.shape().end() - 1);
  SymbolicTensor flat_logits = reshape(logits, {-1, classes});
  SymbolicTensor labels = cast(flatten(target), DType::int64);
  SymbolicTensor picked = sum(flat_logits * one_hot(labels, classes, flat_logits.dtype()), {-1});
  SymbolicTensor loss = logsumexp(flat_logits, {-1}) - picked;
  if (loss_shape.size() <= 1) return loss;
  int unknown = 0;
  for (auto& d : loss_shape)
    if (d < 0 && unknown++ == 0) d = -1;
  if (unknown > 1)
    throw std::invalid_argument("K::sparse_categorical_crossentropy: only one dimension of " +
                                shape_to_string(output.shape()) + " may be unknown");
  return reshape(loss, loss_shape);
}

SymbolicTensor in_top_k(const SymbolicTensor& predictions, const SymbolicTensor& targets,
                        std::int64_t k) {
  if (predictions.ndim() != 2)
    throw std::invalid_argument("K::in_top_k needs predictions (batch, classes), got " +
                                shape_to_string(predictions.shape()));
  const std::int64_t classes = predictions.shape()[1];
  if (classes < 0) throw std::invalid_argument("K::in_top_k needs a known number of classes");
  SymbolicTensor mine =
      sum(predictions * one_hot(cast(flatten(targets), DType::int64), classes, predictions.dtype()),
          {1}, true);
  // In the top k when fewer than k classes score strictly higher.
  SymbolicTensor higher = sum(greater(predictions, mine), {1});
  return cast(less(higher, constant(static_cast<double>(k), higher.dtype())), floatx());
}

SymbolicTensor ctc_batch_cost(const SymbolicTensor& y_true, const SymbolicTensor& y_pred,
                              const SymbolicTensor& input_length,
                              const SymbolicTensor& label_length) {
  SymbolicTensor logits = log(y_pred + epsilon());
  return make_node(OpKind::kCtcLoss, {logits, y_true, input_length, label_length});
}

CtcDecoded ctc_decode_greedy(const SymbolicTensor& y_pred, const SymbolicTensor& input_length) {
  SymbolicTensor decoded = make_node(OpKind::kCtcGreedyDecode, {y_pred, input_length});
  // The steps before each sample's input_length: arange(time) < input_length.
  const std::int64_t time = y_pred.shape()[1];
  if (time < 0) throw std::invalid_argument("K::ctc_decode needs a known number of time steps");
  SymbolicTensor steps =
      reshape(arange(0, static_cast<double>(time), 1, y_pred.dtype()), {1, time});
  SymbolicTensor lengths = reshape(cast(input_length, y_pred.dtype()), {-1, 1});
  SymbolicTensor inside = less(steps, lengths);
  SymbolicTensor best = max(log(y_pred + epsilon()), {2});
  return {decoded, neg(sum(best * inside, {1}, true))};
}

}  // namespace keras::backend
