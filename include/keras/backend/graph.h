// The symbolic graph: every backend op adds a Node with a statically inferred shape (the batch
// dimension may be unknown). Graphs are immutable once built; the compiler rewrites copies.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <typeinfo>
#include <utility>
#include <vector>

#include "keras/tensor/tensor.h"

namespace keras::backend {

// The closed set of primitive ops. Each is defined once, in its family's file under src/ops/:
// name, shape and dtype rules, gradient rule, reference kernel and optionally a cpu kernel.
enum class OpKind {
  // leaves
  kPlaceholder,
  kVariable,
  kConstant,
  // unary elementwise
  kNeg,
  kExp,
  kLog,
  kSqrt,
  kSquare,
  kAbs,
  kSign,
  kRelu,
  kSigmoid,
  kHardSigmoid,
  kTanh,
  kSoftplus,
  kSoftsign,
  kElu,
  kClip,
  kRound,  // half to even, as TensorFlow's round
  kSin,
  kCos,
  kStopGradient,  // the identity; no gradient flows through it
  kCast,
  // binary elementwise with numpy broadcasting
  kAdd,
  kSub,
  kMul,
  kDiv,
  kPow,
  kMaximum,
  kMinimum,
  kEqual,
  kNotEqual,
  kGreater,
  kGreaterEqual,
  kLess,
  kLessEqual,
  // control
  kSwitch,  // Switch(condition scalar, then, else): in_train_phase at run time
  // reductions
  kSum,
  kMean,
  kMax,
  kMin,
  kProd,
  kArgMax,
  kArgMin,
  kCumsum,   // inclusive running sum along attrs.axis
  kCumprod,  // inclusive running product along attrs.axis
  // linear algebra
  kMatMul,
  kBatchMatMul,
  // shape
  kReshape,
  kTranspose,
  kConcatenate,
  kSlice,
  kSliceGrad,
  kBroadcastLike,
  kSumLike,
  kMeanGrad,
  kGather,
  kGatherGrad,
  kOneHot,
  // neural network
  kSoftmax,
  kSoftmaxGrad,
  kCategoricalCrossentropy,
  kCategoricalCrossentropyGrad,
  kDropoutMask,
  kRandomNormal,     // normal(attrs.alpha = mean, attrs.beta = stddev) shaped like its input
  kRandomUniform,    // uniform in [attrs.alpha, attrs.beta) shaped like its input
  kTruncatedNormal,  // normal(alpha, beta) redrawn beyond two stddevs, shaped like its input
  // CTC (Keras's ctc_batch_cost / ctc_decode; the blank is the last class): see backend.h.
  kCtcLoss,          // CtcLoss(logits, labels, input_length, label_length) -> (batch, 1)
  kCtcLossGrad,      // (inputs of CtcLoss..., its output's gradient): d loss / d logits
  kCtcGreedyDecode,  // CtcGreedyDecode(y_pred, input_length) -> (batch, time) labels, -1 after
  // made by the compiler's fusion passes only
  kFusedDense,
  kSoftmaxCrossEntropyGrad,
  // convolution and pooling (channels_last: (batch, spatial..., channels), 1 to 3 spatial dims)
  kConv,            // Conv(x, kernel[, bias]): kernel (k..., in / groups, out); the bias and an
                    // activation are fused by the compiler only
  kConvGradInput,   // ConvGradInput(g, kernel): d conv / d x, shaped attrs.shape (transposed conv)
  kConvGradKernel,  // ConvGradKernel(x, g): d conv / d kernel, shaped attrs.shape
  kMaxPool,
  kMaxPoolGrad,  // MaxPoolGrad(x, g): g routed to the first maximum of each window
  kAvgPool,      // the mean of the window's elements inside the input (padding not counted)
  kAvgPoolGrad,  // AvgPoolGrad(g), shaped attrs.shape
  kPad,          // zero padding: attrs.pad_begin / pad_end per axis
  kPrint,        // the identity that prints its message and its value when it runs
  // embedding, normalization and recurrent
  // Recurrent(xproj, U, [h0, [c0]], [mask], [recurrent dropout mask], [recurrent bias (GRU
  // reset_after)]): a whole SimpleRNN, GRU or
  // LSTM sequence over precomputed input projections; see backend.h (K::recurrent).
  kRecurrent,
  kRecurrentGrad,         // (inputs of Recurrent..., its output, its output's gradient)
  kRecurrentGradWeights,  // (inputs of Recurrent..., its output, RecurrentGrad's output): dU
  // Batch normalization over every axis but attrs.axis (the channels, C of them), epsilon in
  // attrs.alpha; `stats` is (2, C): the mean, then the biased variance. See backend.h.
  kBatchNormStats,  // BatchNormStats(x) -> (2, C): x's batch mean and biased variance
  kBatchNorm,       // BatchNorm(x, stats, gamma, beta): gamma (x - mean) / sqrt(var + eps) + beta
  kBatchNormGrad,   // BatchNormGrad(x, stats, gamma, dy) -> dx (attrs.batch_stats: through them)
  kBatchNormGradParams,  // BatchNormGradParams(x, stats, dy) -> (2, C): sum(dy * xhat), sum(dy)
  kL2Normalize,          // x / sqrt(max(sum of x^2 along attrs.axes (all when empty), 1e-12))
  // distributed (keras::distributed): the mean of x over all processes (x itself in one process)
  kAllReduceMean,
  // Traced(inputs...): the output of a graph that a callback builds for the inputs' concrete
  // shapes, compiled once per shape signature (layers over an unknown number of time steps,
  // unrolled per length: ConvLSTM2D); see src/backend/traced.h. Its gradient is another Traced.
  kTraced,
  kCount
};

const char* op_name(OpKind op);
bool is_elementwise(OpKind op);  // unary or binary elementwise, kCast excluded

// An op's attributes: an immutable value of the struct its op's definition names (each op family
// declares its structs in src/ops/<family>.h), or none. Shared, so nodes stay cheap to copy.
class OpAttrs {
 public:
  OpAttrs() = default;
  // Any attribute struct (a type with `static constexpr const char* kName`), implicitly, so that
  // make_node(op, inputs, SliceAttrs{...}) reads as it is.
  template <typename T>
  requires requires { T::kName; }
  OpAttrs(T value)  // NOLINT(google-explicit-constructor)
      : value_(std::make_shared<const T>(std::move(value))), type_(&typeid(T)), name_(T::kName) {}

  bool empty() const { return value_ == nullptr; }
  const std::type_info* type() const { return type_; }  // nullptr when empty
  const char* type_name() const { return name_ ? name_ : "no attributes"; }
  template <typename T>
  const T* get_if() const {
    return type_ && *type_ == typeid(T) ? static_cast<const T*>(value_.get()) : nullptr;
  }
  // Throws std::logic_error naming the op and both types when the value is not a T.
  template <typename T>
  const T& get(OpKind op) const {
    if (const T* value = get_if<T>()) return *value;
    mismatch(op, T::kName);
  }

 private:
  [[noreturn]] void mismatch(OpKind op, const char* wanted) const;
  std::shared_ptr<const void> value_;
  const std::type_info* type_ = nullptr;
  const char* name_ = nullptr;
};

// `attrs` when it is the struct the op's definition names (empty: that struct's defaults, or none
// for ops without attributes); throws std::logic_error naming the op and both types otherwise.
OpAttrs checked_attrs(OpKind op, OpAttrs attrs);

struct Node;
using NodePtr = std::shared_ptr<Node>;

struct Node {
  OpKind op;
  std::vector<NodePtr> inputs;
  OpAttrs attrs;  // the struct op_def(op) names, checked at construction (checked_attrs)
  Shape shape;    // static; -1 for unknown dimensions
  DType dtype;
  std::string name;
  Tensor value;      // variables and constants: the data (variables are updated in place)
  std::uint64_t id;  // creation order, unique per process

  Node(OpKind op, std::vector<NodePtr> inputs, OpAttrs attrs, Shape shape, DType dtype);
  template <typename T>
  const T& attrs_as() const {
    return attrs.get<T>(op);
  }
};

// A handle to a graph node, what Keras calls a (symbolic) tensor.
class SymbolicTensor {
 public:
  SymbolicTensor() = default;
  explicit SymbolicTensor(NodePtr node) : node_(std::move(node)) {}

  const NodePtr& node() const { return node_; }
  bool defined() const { return node_ != nullptr; }
  const Shape& shape() const;
  int ndim() const { return static_cast<int>(shape().size()); }
  DType dtype() const;
  const std::string& name() const;
  bool operator==(const SymbolicTensor& other) const { return node_ == other.node_; }

 private:
  NodePtr node_;
};

// Builds a node, inferring its shape and dtype; throws std::invalid_argument with both shapes when
// the inputs do not fit the op, std::logic_error when `attrs` is not the op's attribute struct.
SymbolicTensor make_node(OpKind op, std::vector<SymbolicTensor> inputs, OpAttrs attrs = {});
// Shape inference, used both at graph-building time (static shapes, -1 allowed) and by the
// executor with concrete shapes.
Shape infer_shape(OpKind op, const std::vector<const Shape*>& inputs, const OpAttrs& attrs);
DType infer_dtype(OpKind op, const std::vector<DType>& inputs, const OpAttrs& attrs);

}  // namespace keras::backend
