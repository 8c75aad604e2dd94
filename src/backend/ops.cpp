// The K::* ops: each validates its arguments and adds nodes to the graph.
#include <algorithm>
#include <cmath>
#include <cstring>
#include <numeric>
#include <stdexcept>

#include "backend/random_state.h"
#include "backend/reshape_like.h"
#include "compiler/compiler.h"
#include "keras/backend/backend.h"
#include "keras/backend/function.h"
#include "ops/elementwise.h"
#include "ops/indexing.h"
#include "ops/leaves.h"
#include "ops/linalg.h"
#include "ops/normalization.h"
#include "ops/random.h"
#include "ops/recurrent.h"
#include "ops/reduce.h"
#include "ops/shape.h"

namespace keras::backend {

namespace {

SymbolicTensor leaf(OpKind op, Shape shape, DType dtype, Tensor value, std::string name) {
  ops::LeafAttrs attrs;
  attrs.shape = shape;
  attrs.dtype = dtype;
  auto node =
      std::make_shared<Node>(op, std::vector<NodePtr>{}, std::move(attrs), std::move(shape), dtype);
  node->value = std::move(value);
  node->name = std::move(name);
  return SymbolicTensor(std::move(node));
}

SymbolicTensor unary(OpKind op, const SymbolicTensor& x, OpAttrs attrs = {}) {
  return make_node(op, {x}, std::move(attrs));
}

SymbolicTensor binary(OpKind op, const SymbolicTensor& x, const SymbolicTensor& y) {
  return make_node(op, {x, y});
}

SymbolicTensor reduce(OpKind op, const SymbolicTensor& x, Axes axes, bool keepdims) {
  ops::ReduceAttrs attrs;
  attrs.axes = std::move(axes);
  attrs.keepdims = keepdims;
  return make_node(op, {x}, std::move(attrs));
}

SymbolicTensor scalar_like(double value, const SymbolicTensor& x) {
  return constant(value, x.dtype());
}

}  // namespace

SymbolicTensor placeholder(Shape shape, DType dtype, std::string name) {
  for (auto d : shape)
    if (d < -1)
      throw std::invalid_argument("K::placeholder: invalid dimension " + std::to_string(d) +
                                  " in " + shape_to_string(shape) +
                                  " (use -1 for an unknown dimension)");
  return leaf(OpKind::kPlaceholder, std::move(shape), dtype, Tensor(), std::move(name));
}

SymbolicTensor variable(const Tensor& value, std::string name) {
  if (!value.defined()) throw std::invalid_argument("K::variable: the value is an empty tensor");
  return leaf(OpKind::kVariable, value.shape(), value.dtype(), value, std::move(name));
}

SymbolicTensor constant(double value, DType dtype, Shape shape) {
  return leaf(OpKind::kConstant, shape, dtype, Tensor::full(shape, value, dtype), "");
}

SymbolicTensor constant(const Tensor& value) {
  return leaf(OpKind::kConstant, value.shape(), value.dtype(), value.clone(), "");
}

SymbolicTensor zeros(Shape shape, DType dtype) {
  return variable(Tensor(std::move(shape), dtype));
}
SymbolicTensor ones(Shape shape, DType dtype) {
  return variable(Tensor::full(std::move(shape), 1.0, dtype));
}

namespace {
const Tensor& value_of(const SymbolicTensor& x, const char* caller) {
  if (!x.defined() || (x.node()->op != OpKind::kVariable && x.node()->op != OpKind::kConstant))
    throw std::invalid_argument(std::string(caller) + " needs a variable or constant");
  return x.node()->value;
}
}  // namespace

// The live tensor: the caller may write it, so a device copy of it is uploaded again before a
// device plan next reads it (detail::read_value when the caller only reads).
Tensor get_value(const SymbolicTensor& x) {
  const Tensor& value = value_of(x, "K::get_value");
  detail::sync_host_value(value, detail::HostUse::kWrite);
  return value;
}

Tensor detail::read_value(const SymbolicTensor& x) {
  const Tensor& value = value_of(x, "K::get_value");
  detail::sync_host_value(value, detail::HostUse::kRead);
  return value;
}

void set_value(const SymbolicTensor& x, const Tensor& value) {
  Tensor target = value_of(x, "K::set_value");
  if (value.shape() != target.shape())
    throw std::invalid_argument("K::set_value: the variable '" + x.name() + "' has shape " +
                                shape_to_string(target.shape()) + ", the value has shape " +
                                shape_to_string(value.shape()));
  Tensor converted = value.dtype() == target.dtype() ? value : value.astype(target.dtype());
  detail::sync_host_value(target, detail::HostUse::kOverwrite);
  std::memcpy(target.raw_data(), converted.raw_data(), target.nbytes());
}

Tensor eval(const SymbolicTensor& x) {
  detail::CompiledFunction f({}, {x}, {}, {{learning_phase(), constant(0.0, DType::int32)}});
  f.start_runs_at(keras::detail::next_evaluation());
  return f.run({})[0].clone();
}

Shape int_shape(const SymbolicTensor& x) {
  return x.shape();
}
int ndim(const SymbolicTensor& x) {
  return x.ndim();
}
DType dtype(const SymbolicTensor& x) {
  return x.dtype();
}
std::int64_t count_params(const SymbolicTensor& x) {
  return shape_numel(x.shape());
}

SymbolicTensor matmul(const SymbolicTensor& x, const SymbolicTensor& y, bool transpose_x,
                      bool transpose_y) {
  ops::MatMulAttrs attrs;
  attrs.transpose_a = transpose_x;
  attrs.transpose_b = transpose_y;
  return make_node(OpKind::kMatMul, {x, y}, attrs);
}

SymbolicTensor dot(const SymbolicTensor& x, const SymbolicTensor& y) {
  if (y.ndim() != 2)
    throw std::invalid_argument("K::dot supports a second operand of rank 2, got " +
                                shape_to_string(y.shape()));
  return matmul(x, y);
}

SymbolicTensor batch_dot(const SymbolicTensor& x, const SymbolicTensor& y,
                         std::optional<std::pair<int, int>> axes) {
  if (x.ndim() == 2 && y.ndim() == 2) return sum(multiply(x, y), {1}, true);
  if (x.ndim() != 3 || y.ndim() != 3)
    throw std::invalid_argument("K::batch_dot supports two 2D or two 3D tensors, got " +
                                shape_to_string(x.shape()) + " and " + shape_to_string(y.shape()));
  auto [ax, ay] = axes.value_or(std::pair<int, int>{2, 1});
  if (ax < 0) ax += 3;
  if (ay < 0) ay += 3;
  if (ax < 1 || ay < 1)
    throw std::invalid_argument("K::batch_dot cannot reduce over the batch axis");
  ops::MatMulAttrs attrs;
  attrs.transpose_a = ax == 1;
  attrs.transpose_b = ay == 2;
  return make_node(OpKind::kBatchMatMul, {x, y}, attrs);
}

SymbolicTensor transpose(const SymbolicTensor& x) {
  std::vector<int> perm(static_cast<std::size_t>(x.ndim()));
  std::iota(perm.rbegin(), perm.rend(), 0);
  return permute_dimensions(x, perm);
}

SymbolicTensor add(const SymbolicTensor& x, const SymbolicTensor& y) {
  return binary(OpKind::kAdd, x, y);
}
SymbolicTensor subtract(const SymbolicTensor& x, const SymbolicTensor& y) {
  return binary(OpKind::kSub, x, y);
}
SymbolicTensor multiply(const SymbolicTensor& x, const SymbolicTensor& y) {
  return binary(OpKind::kMul, x, y);
}
SymbolicTensor divide(const SymbolicTensor& x, const SymbolicTensor& y) {
  return binary(OpKind::kDiv, x, y);
}
SymbolicTensor pow(const SymbolicTensor& x, const SymbolicTensor& a) {
  return binary(OpKind::kPow, x, a);
}
SymbolicTensor pow(const SymbolicTensor& x, double a) {
  return binary(OpKind::kPow, x, scalar_like(a, x));
}
SymbolicTensor maximum(const SymbolicTensor& x, const SymbolicTensor& y) {
  return binary(OpKind::kMaximum, x, y);
}
SymbolicTensor minimum(const SymbolicTensor& x, const SymbolicTensor& y) {
  return binary(OpKind::kMinimum, x, y);
}
SymbolicTensor equal(const SymbolicTensor& x, const SymbolicTensor& y) {
  return binary(OpKind::kEqual, x, y);
}
SymbolicTensor not_equal(const SymbolicTensor& x, const SymbolicTensor& y) {
  return binary(OpKind::kNotEqual, x, y);
}
SymbolicTensor greater(const SymbolicTensor& x, const SymbolicTensor& y) {
  return binary(OpKind::kGreater, x, y);
}
SymbolicTensor greater_equal(const SymbolicTensor& x, const SymbolicTensor& y) {
  return binary(OpKind::kGreaterEqual, x, y);
}
SymbolicTensor less(const SymbolicTensor& x, const SymbolicTensor& y) {
  return binary(OpKind::kLess, x, y);
}
SymbolicTensor less_equal(const SymbolicTensor& x, const SymbolicTensor& y) {
  return binary(OpKind::kLessEqual, x, y);
}
SymbolicTensor neg(const SymbolicTensor& x) {
  return unary(OpKind::kNeg, x);
}
SymbolicTensor square(const SymbolicTensor& x) {
  return unary(OpKind::kSquare, x);
}
SymbolicTensor sqrt(const SymbolicTensor& x) {
  return unary(OpKind::kSqrt, x);
}
SymbolicTensor exp(const SymbolicTensor& x) {
  return unary(OpKind::kExp, x);
}
SymbolicTensor log(const SymbolicTensor& x) {
  return unary(OpKind::kLog, x);
}
SymbolicTensor abs(const SymbolicTensor& x) {
  return unary(OpKind::kAbs, x);
}
SymbolicTensor sign(const SymbolicTensor& x) {
  return unary(OpKind::kSign, x);
}

SymbolicTensor clip(const SymbolicTensor& x, double min_value, double max_value) {
  ops::UnaryAttrs attrs;
  attrs.alpha = min_value;
  attrs.beta = std::max(min_value, max_value);  // Keras: max_value < min_value means min_value
  return unary(OpKind::kClip, x, attrs);
}

SymbolicTensor cast(const SymbolicTensor& x, DType dtype) {
  if (x.dtype() == dtype) return x;
  ops::CastAttrs attrs;
  attrs.dtype = dtype;
  return unary(OpKind::kCast, x, attrs);
}

SymbolicTensor sum(const SymbolicTensor& x, Axes axes, bool keepdims) {
  return reduce(OpKind::kSum, x, std::move(axes), keepdims);
}
SymbolicTensor mean(const SymbolicTensor& x, Axes axes, bool keepdims) {
  return reduce(OpKind::kMean, x, std::move(axes), keepdims);
}
SymbolicTensor max(const SymbolicTensor& x, Axes axes, bool keepdims) {
  return reduce(OpKind::kMax, x, std::move(axes), keepdims);
}
SymbolicTensor min(const SymbolicTensor& x, Axes axes, bool keepdims) {
  return reduce(OpKind::kMin, x, std::move(axes), keepdims);
}
SymbolicTensor prod(const SymbolicTensor& x, Axes axes, bool keepdims) {
  return reduce(OpKind::kProd, x, std::move(axes), keepdims);
}

SymbolicTensor var(const SymbolicTensor& x, Axes axes, bool keepdims) {
  SymbolicTensor centered = subtract(x, mean(x, axes, true));
  return mean(square(centered), axes, keepdims);
}

SymbolicTensor std(const SymbolicTensor& x, Axes axes, bool keepdims) {
  return sqrt(var(x, std::move(axes), keepdims));
}

SymbolicTensor argmax(const SymbolicTensor& x, int axis) {
  ops::AxisAttrs attrs;
  attrs.axis = axis;
  return unary(OpKind::kArgMax, x, attrs);
}

SymbolicTensor argmin(const SymbolicTensor& x, int axis) {
  ops::AxisAttrs attrs;
  attrs.axis = axis;
  return unary(OpKind::kArgMin, x, attrs);
}

SymbolicTensor reshape(const SymbolicTensor& x, Shape shape) {
  ops::ReshapeAttrs attrs;
  attrs.shape = std::move(shape);
  return unary(OpKind::kReshape, x, attrs);
}

SymbolicTensor permute_dimensions(const SymbolicTensor& x, std::vector<int> pattern) {
  ops::TransposeAttrs attrs;
  attrs.axes = std::move(pattern);
  return unary(OpKind::kTranspose, x, attrs);
}

SymbolicTensor concatenate(const std::vector<SymbolicTensor>& tensors, int axis) {
  ops::ConcatenateAttrs attrs;
  attrs.axis = axis;
  return make_node(OpKind::kConcatenate, tensors, attrs);
}

namespace {
// x reshaped to its shape with one axis inserted (expand_dims) or removed (squeeze): target
// dimension i is x's axis source[i] (-1: the inserted 1). Unknown dimensions are copied from x
// when the shapes are known, so any number of them may be unknown.
SymbolicTensor reshape_axes(const SymbolicTensor& x, Shape target, const std::vector<int>& source) {
  int unknown = 0;
  for (auto d : target) unknown += d < 0;
  if (unknown <= 1) return reshape(x, std::move(target));
  std::vector<int> like_axes(target.size(), -1);
  for (std::size_t i = 0; i < target.size(); ++i)
    if (target[i] < 0) like_axes[i] = source[i];
  return reshape_like(x, std::move(target), x, std::move(like_axes));
}
}  // namespace

SymbolicTensor expand_dims(const SymbolicTensor& x, int axis) {
  Shape shape = x.shape();
  int rank = x.ndim();
  int a = axis < 0 ? axis + rank + 1 : axis;
  if (a < 0 || a > rank)
    throw std::invalid_argument("K::expand_dims: axis " + std::to_string(axis) +
                                " is out of range for rank " + std::to_string(rank));
  shape.insert(shape.begin() + a, 1);
  std::vector<int> source(shape.size());
  for (int i = 0; i <= rank; ++i) source[static_cast<std::size_t>(i)] = i < a ? i : i - 1;
  source[static_cast<std::size_t>(a)] = -1;
  return reshape_axes(x, std::move(shape), source);
}

SymbolicTensor squeeze(const SymbolicTensor& x, int axis) {
  Shape shape = x.shape();
  int rank = x.ndim();
  int a = axis < 0 ? axis + rank : axis;
  if (a < 0 || a >= rank || shape[static_cast<std::size_t>(a)] != 1)
    throw std::invalid_argument("K::squeeze: axis " + std::to_string(axis) + " of shape " +
                                shape_to_string(shape) + " is not of size 1");
  shape.erase(shape.begin() + a);
  std::vector<int> source(shape.size());
  for (int i = 0; i + 1 < rank; ++i) source[static_cast<std::size_t>(i)] = i < a ? i : i + 1;
  return reshape_axes(x, std::move(shape), source);
}

SymbolicTensor all_reduce_mean(const SymbolicTensor& x) {
  return unary(OpKind::kAllReduceMean, x);
}

SymbolicTensor flatten(const SymbolicTensor& x) {
  return reshape(x, {-1});
}

SymbolicTensor batch_flatten(const SymbolicTensor& x) {
  Shape rest(x.shape().begin() + (x.ndim() > 0 ? 1 : 0), x.shape().end());
  std::int64_t n = shape_numel(rest);
  if (n < 0)
    throw std::invalid_argument("K::batch_flatten needs known non-batch dimensions, got " +
                                shape_to_string(x.shape()));
  return reshape(x, {-1, n});
}

SymbolicTensor slice(const SymbolicTensor& x, int axis, std::int64_t begin, std::int64_t end) {
  ops::SliceAttrs attrs;
  attrs.axis = axis;
  attrs.begin = begin;
  attrs.end = end;
  return unary(OpKind::kSlice, x, attrs);
}

SymbolicTensor gather(const SymbolicTensor& reference, const SymbolicTensor& indices) {
  return make_node(OpKind::kGather, {reference, indices});
}

SymbolicTensor one_hot(const SymbolicTensor& indices, std::int64_t num_classes, DType dtype) {
  if (indices.dtype() != DType::int32 && indices.dtype() != DType::int64)
    throw std::invalid_argument(std::string("K::one_hot needs integer indices, got ") +
                                dtype_name(indices.dtype()));
  ops::OneHotAttrs attrs;
  attrs.count = num_classes;
  attrs.dtype = dtype;
  return unary(OpKind::kOneHot, indices, attrs);
}

SymbolicTensor relu(const SymbolicTensor& x, double alpha, double max_value) {
  ops::UnaryAttrs attrs;
  attrs.alpha = alpha;
  attrs.beta = max_value;
  return unary(OpKind::kRelu, x, attrs);
}
SymbolicTensor sigmoid(const SymbolicTensor& x) {
  return unary(OpKind::kSigmoid, x);
}
SymbolicTensor hard_sigmoid(const SymbolicTensor& x) {
  return unary(OpKind::kHardSigmoid, x);
}
SymbolicTensor tanh(const SymbolicTensor& x) {
  return unary(OpKind::kTanh, x);
}
SymbolicTensor softmax(const SymbolicTensor& x) {
  return unary(OpKind::kSoftmax, x);
}
SymbolicTensor softplus(const SymbolicTensor& x) {
  return unary(OpKind::kSoftplus, x);
}
SymbolicTensor softsign(const SymbolicTensor& x) {
  return unary(OpKind::kSoftsign, x);
}
SymbolicTensor elu(const SymbolicTensor& x, double alpha) {
  ops::UnaryAttrs attrs;
  attrs.alpha = alpha;
  return unary(OpKind::kElu, x, attrs);
}
SymbolicTensor linear(const SymbolicTensor& x) {
  return x;
}

SymbolicTensor print_tensor(const SymbolicTensor& x, const std::string& message) {
  return unary(OpKind::kPrint, x, ops::PrintAttrs{message});
}

SymbolicTensor l2_normalize(const SymbolicTensor& x, std::optional<int> axis) {
  ops::L2NormalizeAttrs attrs;
  if (axis) attrs.axes = {*axis};
  return unary(OpKind::kL2Normalize, x, attrs);
}

SymbolicTensor categorical_crossentropy(const SymbolicTensor& target,
                                        const SymbolicTensor& output) {
  return make_node(OpKind::kCategoricalCrossentropy, {target, output});
}

SymbolicTensor binary_crossentropy(const SymbolicTensor& target, const SymbolicTensor& output) {
  double eps = epsilon();
  SymbolicTensor p = clip(output, eps, 1.0 - eps);
  return neg(add(multiply(target, log(p)), multiply(1.0 - target, log(1.0 - p))));
}

SymbolicTensor dropout(const SymbolicTensor& x, double level, std::optional<std::uint64_t> seed) {
  if (level < 0 || level >= 1)
    throw std::invalid_argument("K::dropout: level must be in [0, 1), got " +
                                std::to_string(level));
  if (level == 0) return x;
  ops::DropoutAttrs attrs;
  attrs.rate = level;
  attrs.seed = seed.value_or(keras::detail::next_seed());
  return multiply(x, unary(OpKind::kDropoutMask, x, attrs));
}

SymbolicTensor random_normal_like(const SymbolicTensor& x, double mean, double stddev,
                                  std::optional<std::uint64_t> seed) {
  if (!(stddev >= 0))
    throw std::invalid_argument("K::random_normal_like: stddev must be >= 0, got " +
                                std::to_string(stddev));
  ops::RandomAttrs attrs;
  attrs.alpha = mean;
  attrs.beta = stddev;
  attrs.seed = seed.value_or(keras::detail::next_seed());
  return unary(OpKind::kRandomNormal, x, attrs);
}

SymbolicTensor learning_phase() {
  static SymbolicTensor phase = placeholder({}, DType::int32, "keras_learning_phase");
  return phase;
}

SymbolicTensor switch_(const SymbolicTensor& condition, const SymbolicTensor& then_expression,
                       const SymbolicTensor& else_expression) {
  if (then_expression == else_expression) return then_expression;
  if (condition.ndim() == 0 || shape_numel(condition.shape()) == 1)
    return make_node(OpKind::kSwitch, {condition, then_expression, else_expression});
  // Keras's elementwise switch (tf.where): a condition of lower rank gains trailing axes. The
  // choice is a blend by 0/1 weights, so an infinite value in the branch not taken gives NaN.
  const int rank = std::max(then_expression.ndim(), else_expression.ndim());
  if (condition.ndim() > rank)
    throw std::invalid_argument("K::switch: the condition " + shape_to_string(condition.shape()) +
                                " has a higher rank than the expressions (" + std::to_string(rank) +
                                ")");
  SymbolicTensor c = condition;
  while (c.ndim() < rank) c = expand_dims(c, -1);
  SymbolicTensor chosen = cast(not_equal(c, constant(0.0, c.dtype())), then_expression.dtype());
  return then_expression * chosen + else_expression * (1.0 - chosen);
}

SymbolicTensor in_train_phase(const SymbolicTensor& x, const SymbolicTensor& alt) {
  if (auto phase = fixed_learning_phase()) return *phase ? x : alt;
  return switch_(learning_phase(), x, alt);
}

SymbolicTensor in_test_phase(const SymbolicTensor& x, const SymbolicTensor& alt) {
  return in_train_phase(alt, x);
}

// embedding, normalization and recurrent
int recurrent_width(RnnCell cell, bool reset_after) {
  return cell == RnnCell::kLSTM ? 6 : (cell == RnnCell::kGRU ? (reset_after ? 5 : 4) : 1);
}

SymbolicTensor recurrent(const SymbolicTensor& xproj, const SymbolicTensor& recurrent_kernel,
                         const RecurrentOptions& options) {
  ops::RecurrentAttrs attrs;
  attrs.cell = static_cast<int>(options.cell);
  attrs.activation = options.activation;
  attrs.recurrent_activation = options.recurrent_activation;
  attrs.go_backwards = options.go_backwards;
  std::vector<SymbolicTensor> inputs{xproj, recurrent_kernel};
  const bool lstm = options.cell == RnnCell::kLSTM;
  if (options.initial_h.defined() || options.initial_c.defined()) {
    if (!options.initial_h.defined() || (lstm != options.initial_c.defined()))
      throw std::invalid_argument(
          lstm ? "K::recurrent: an LSTM needs both initial states (h and c) or neither"
               : "K::recurrent: only an LSTM takes an initial cell state");
    attrs.initial_state = true;
    inputs.push_back(options.initial_h);
    if (lstm) inputs.push_back(options.initial_c);
  }
  if (options.mask.defined()) {
    attrs.mask = true;
    inputs.push_back(options.mask);
  }
  if (options.recurrent_dropout_mask.defined()) {
    attrs.recurrent_mask = true;
    inputs.push_back(options.recurrent_dropout_mask);
  }
  if (options.reset_after || options.recurrent_bias.defined()) {
    if (options.cell != RnnCell::kGRU)
      throw std::invalid_argument(
          "K::recurrent: reset_after and recurrent_bias apply to a GRU cell only");
    if (!options.reset_after)
      throw std::invalid_argument("K::recurrent: a recurrent_bias needs reset_after=true");
    attrs.reset_after = true;
    const std::int64_t units = recurrent_kernel.shape().empty() ? -1 : recurrent_kernel.shape()[0];
    if (options.recurrent_bias.defined()) {
      inputs.push_back(options.recurrent_bias);
    } else {
      if (units < 0)
        throw std::invalid_argument("K::recurrent: the recurrent kernel needs a known shape");
      inputs.push_back(constant(Tensor(Shape{units}, xproj.dtype())));
    }
  }
  return make_node(OpKind::kRecurrent, inputs, attrs);
}

namespace {

// The kept axis when `reduction_axes` holds every axis of a rank-`rank` tensor but one, else -1.
int kept_axis(const Axes& reduction_axes, int rank) {
  std::vector<bool> reduced(static_cast<std::size_t>(rank), false);
  for (int axis : reduction_axes) {
    const int a = axis < 0 ? axis + rank : axis;
    if (a < 0 || a >= rank)
      throw std::invalid_argument("K::normalize_batch_in_training: reduction axis " +
                                  std::to_string(axis) + " is out of range for a tensor of rank " +
                                  std::to_string(rank));
    reduced[static_cast<std::size_t>(a)] = true;
  }
  int kept = -1, count = 0;
  for (int a = 0; a < rank; ++a)
    if (!reduced[static_cast<std::size_t>(a)]) {
      kept = a;
      ++count;
    }
  return count == 1 ? kept : -1;
}

// `v` as a (C,) vector if it holds one entry per channel (shape (C,), or x's rank with C at
// `axis` and 1 elsewhere); undefined otherwise.
SymbolicTensor per_channel(const SymbolicTensor& v, int rank, int axis, std::int64_t channels) {
  const Shape& s = v.shape();
  if (s.size() == 1 && s[0] == channels) return v;
  if (static_cast<int>(s.size()) != rank) return {};
  for (int d = 0; d < rank; ++d)
    if (s[static_cast<std::size_t>(d)] != (d == axis ? channels : 1)) return {};
  return reshape(v, {channels});
}

SymbolicTensor channel_row(const SymbolicTensor& stats, std::int64_t row, std::int64_t channels) {
  return reshape(slice(stats, 0, row, row + 1), {channels});
}

}  // namespace

NormalizedBatch normalize_batch_in_training(const SymbolicTensor& x, const SymbolicTensor& gamma,
                                            const SymbolicTensor& beta, Axes reduction_axes,
                                            double epsilon) {
  const int rank = x.ndim();
  const int axis = kept_axis(reduction_axes, rank);
  const std::int64_t channels = axis >= 0 ? x.shape()[static_cast<std::size_t>(axis)] : -1;
  SymbolicTensor g =
      gamma.defined() && channels > 0 ? per_channel(gamma, rank, axis, channels) : SymbolicTensor();
  SymbolicTensor b =
      beta.defined() && channels > 0 ? per_channel(beta, rank, axis, channels) : SymbolicTensor();
  if (channels > 0 && g.defined() == gamma.defined() && b.defined() == beta.defined()) {
    ops::BatchNormAttrs attrs;
    attrs.axis = axis;
    attrs.epsilon = epsilon;
    SymbolicTensor stats = make_node(OpKind::kBatchNormStats, {x}, attrs);
    if (!g.defined()) g = ones({channels}, x.dtype());
    if (!b.defined()) b = zeros({channels}, x.dtype());
    return {make_node(OpKind::kBatchNorm, {x, stats, g, b}, attrs), channel_row(stats, 0, channels),
            channel_row(stats, 1, channels)};
  }
  // Any other reduction: Keras's broadcasting composition.
  SymbolicTensor mean_kept = mean(x, reduction_axes, true);
  SymbolicTensor centered = x - mean_kept;
  SymbolicTensor var_kept = mean(square(centered), reduction_axes, true);
  SymbolicTensor normed = centered / sqrt(var_kept + epsilon);
  if (gamma.defined()) normed = normed * gamma;
  if (beta.defined()) normed = normed + beta;
  return {normed, mean(x, reduction_axes), mean(square(centered), reduction_axes)};
}

SymbolicTensor batch_normalization(const SymbolicTensor& x, const SymbolicTensor& mean,
                                   const SymbolicTensor& var, const SymbolicTensor& beta,
                                   const SymbolicTensor& gamma, int axis, double epsilon) {
  const int rank = x.ndim();
  const int a = axis < 0 ? axis + rank : axis;
  if (a < 0 || a >= rank)
    throw std::invalid_argument("K::batch_normalization: axis " + std::to_string(axis) +
                                " is out of range for a tensor of rank " + std::to_string(rank));
  const std::int64_t channels = x.shape()[static_cast<std::size_t>(a)];
  if (channels > 0) {
    SymbolicTensor m = per_channel(mean, rank, a, channels);
    SymbolicTensor v = per_channel(var, rank, a, channels);
    SymbolicTensor g =
        gamma.defined() ? per_channel(gamma, rank, a, channels) : ones({channels}, x.dtype());
    SymbolicTensor b =
        beta.defined() ? per_channel(beta, rank, a, channels) : zeros({channels}, x.dtype());
    if (m.defined() && v.defined() && g.defined() && b.defined()) {
      ops::BatchNormAttrs attrs;
      attrs.axis = a;
      attrs.epsilon = epsilon;
      SymbolicTensor stats = concatenate({reshape(m, {1, channels}), reshape(v, {1, channels})}, 0);
      return make_node(OpKind::kBatchNorm, {x, stats, g, b}, attrs);
    }
  }
  SymbolicTensor normed = (x - mean) / sqrt(var + epsilon);
  if (gamma.defined()) normed = normed * gamma;
  if (beta.defined()) normed = normed + beta;
  return normed;
}

SymbolicTensor operator+(const SymbolicTensor& x, const SymbolicTensor& y) {
  return add(x, y);
}
SymbolicTensor operator-(const SymbolicTensor& x, const SymbolicTensor& y) {
  return subtract(x, y);
}
SymbolicTensor operator*(const SymbolicTensor& x, const SymbolicTensor& y) {
  return multiply(x, y);
}
SymbolicTensor operator/(const SymbolicTensor& x, const SymbolicTensor& y) {
  return divide(x, y);
}
SymbolicTensor operator-(const SymbolicTensor& x) {
  return neg(x);
}
SymbolicTensor operator+(const SymbolicTensor& x, double y) {
  return add(x, scalar_like(y, x));
}
SymbolicTensor operator-(const SymbolicTensor& x, double y) {
  return subtract(x, scalar_like(y, x));
}
SymbolicTensor operator*(const SymbolicTensor& x, double y) {
  return multiply(x, scalar_like(y, x));
}
SymbolicTensor operator/(const SymbolicTensor& x, double y) {
  return divide(x, scalar_like(y, x));
}
SymbolicTensor operator+(double x, const SymbolicTensor& y) {
  return add(scalar_like(x, y), y);
}
SymbolicTensor operator-(double x, const SymbolicTensor& y) {
  return subtract(scalar_like(x, y), y);
}
SymbolicTensor operator*(double x, const SymbolicTensor& y) {
  return multiply(scalar_like(x, y), y);
}
SymbolicTensor operator/(double x, const SymbolicTensor& y) {
  return divide(scalar_like(x, y), y);
}

}  // namespace keras::backend
