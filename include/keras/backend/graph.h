// The symbolic graph: every backend op adds a Node with a statically inferred shape (the batch
// dimension may be unknown). Graphs are immutable once built; the compiler rewrites copies.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
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
  kCount
};

const char* op_name(OpKind op);
bool is_elementwise(OpKind op);  // unary or binary elementwise, kCast excluded

// Op parameters. One plain struct keeps nodes cheap to copy and compare; each op reads the fields
// it documents in backend.h.
struct Attrs {
  std::vector<int> axes;  // reductions, transpose permutation
  bool keepdims = false;
  int axis = 0;            // concatenate, slice, softmax, argmax, gather
  std::int64_t begin = 0;  // slice
  std::int64_t end = 0;
  double alpha = 0;          // relu slope, elu alpha, clip min, dropout rate
  double beta = 0;           // clip max, relu max_value (<0: none)
  bool transpose_a = false;  // matmul
  bool transpose_b = false;
  Shape shape;             // reshape target (may hold one -1 and unknown batch as -1)
  std::int64_t count = 0;  // one_hot classes
  std::uint64_t seed = 0;  // random ops
  DType cast_to = DType::float32;
  OpKind activation =
      OpKind::kCount;            // fused dense: kRelu, kSigmoid, kTanh, ... or kCount (linear)
  bool numpy_broadcast = false;  // BroadcastLike: numpy rules instead of re-expanding `axes`
  // convolution and pooling: one entry per spatial dimension (per axis for Pad)
  std::vector<std::int64_t> window;     // pooling window
  std::vector<std::int64_t> strides;    // conv, pooling
  std::vector<std::int64_t> dilation;   // conv
  std::vector<std::int64_t> pad_begin;  // explicit zero padding before / after
  std::vector<std::int64_t> pad_end;
  std::int64_t groups = 1;  // conv: input and output channels split into this many groups
  // embedding, normalization and recurrent
  int rnn_cell = 0;  // Recurrent: 0 SimpleRNN, 1 GRU, 2 LSTM (activation: the cell activation)
  OpKind recurrent_activation = OpKind::kCount;  // Recurrent gates (kCount: linear)
  bool go_backwards = false;                     // Recurrent: process time steps in reverse
  bool rnn_initial_state = false;                // Recurrent inputs: h0 (and c0 for LSTM) given
  bool rnn_mask = false;                         // Recurrent inputs: a (batch, time) 0/1 mask
  bool rnn_recurrent_mask = false;  // Recurrent inputs: a (batch, units) recurrent dropout mask
  bool rnn_reset_after = false;     // GRU: reset gate after the recurrent product; input: its bias
  bool batch_stats = false;  // BatchNormGrad: stats are x's own, so dx includes their derivative
};

struct Node;
using NodePtr = std::shared_ptr<Node>;

struct Node {
  OpKind op;
  std::vector<NodePtr> inputs;
  Attrs attrs;
  Shape shape;  // static; -1 for unknown dimensions
  DType dtype;
  std::string name;
  Tensor value;        // variables and constants: the data (variables are updated in place)
  NodePtr keras_mask;  // Keras's tensor._keras_mask, set by layers; the backend ignores it
  // Keras's tensor._keras_history (the layer call that made it), set by the engine; opaque here.
  std::shared_ptr<void> keras_history;
  std::uint64_t id;  // creation order, unique per process

  Node(OpKind op, std::vector<NodePtr> inputs, Attrs attrs, Shape shape, DType dtype);
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
// the inputs do not fit the op.
SymbolicTensor make_node(OpKind op, std::vector<SymbolicTensor> inputs, Attrs attrs = {});
// Shape inference, used both at graph-building time (static shapes, -1 allowed) and by the
// executor with concrete shapes.
Shape infer_shape(OpKind op, const std::vector<const Shape*>& inputs, const Attrs& attrs);
DType infer_dtype(OpKind op, const std::vector<DType>& inputs, const Attrs& attrs);

}  // namespace keras::backend
