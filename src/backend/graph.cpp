#include "keras/backend/graph.h"

#include <atomic>
#include <stdexcept>

namespace keras::backend {

namespace {
std::atomic<std::uint64_t> next_node_id{1};

constexpr const char* kOpNames[] = {
    "Placeholder",
    "Variable",
    "Constant",
    "Neg",
    "Exp",
    "Log",
    "Sqrt",
    "Square",
    "Abs",
    "Sign",
    "Relu",
    "Sigmoid",
    "HardSigmoid",
    "Tanh",
    "Softplus",
    "Softsign",
    "Elu",
    "Clip",
    "Cast",
    "Add",
    "Sub",
    "Mul",
    "Div",
    "Pow",
    "Maximum",
    "Minimum",
    "Equal",
    "NotEqual",
    "Greater",
    "GreaterEqual",
    "Less",
    "LessEqual",
    "Switch",
    "Sum",
    "Mean",
    "Max",
    "Min",
    "Prod",
    "ArgMax",
    "ArgMin",
    "MatMul",
    "BatchMatMul",
    "Reshape",
    "Transpose",
    "Concatenate",
    "Slice",
    "SliceGrad",
    "BroadcastLike",
    "SumLike",
    "MeanGrad",
    "Gather",
    "GatherGrad",
    "OneHot",
    "Softmax",
    "SoftmaxGrad",
    "CategoricalCrossentropy",
    "CategoricalCrossentropyGrad",
    "DropoutMask",
    "RandomNormal",
    "FusedDense",
    "SoftmaxCrossEntropyGrad",
    // convolution and pooling
    "Conv",
    "ConvGradInput",
    "ConvGradKernel",
    "MaxPool",
    "MaxPoolGrad",
    "AvgPool",
    "AvgPoolGrad",
    "Pad",
    // embedding, normalization and recurrent
    "Recurrent",
    "RecurrentGrad",
    "RecurrentGradWeights",
    "BatchNormStats",
    "BatchNorm",
    "BatchNormGrad",
    "BatchNormGradParams",
};
static_assert(sizeof(kOpNames) / sizeof(kOpNames[0]) == static_cast<std::size_t>(OpKind::kCount),
              "every OpKind needs a name");
}  // namespace

const char* op_name(OpKind op) {
  return kOpNames[static_cast<int>(op)];
}

bool is_elementwise(OpKind op) {
  return (op >= OpKind::kNeg && op <= OpKind::kClip) ||
         (op >= OpKind::kAdd && op <= OpKind::kLessEqual);
}

Node::Node(OpKind op_, std::vector<NodePtr> inputs_, Attrs attrs_, Shape shape_, DType dtype_)
    : op(op_),
      inputs(std::move(inputs_)),
      attrs(std::move(attrs_)),
      shape(std::move(shape_)),
      dtype(dtype_),
      id(next_node_id++) {}

const Shape& SymbolicTensor::shape() const {
  if (!node_) throw std::logic_error("use of an undefined SymbolicTensor");
  return node_->shape;
}

DType SymbolicTensor::dtype() const {
  if (!node_) throw std::logic_error("use of an undefined SymbolicTensor");
  return node_->dtype;
}

const std::string& SymbolicTensor::name() const {
  if (!node_) throw std::logic_error("use of an undefined SymbolicTensor");
  return node_->name;
}

SymbolicTensor make_node(OpKind op, std::vector<SymbolicTensor> inputs, Attrs attrs) {
  std::vector<NodePtr> nodes;
  std::vector<const Shape*> shapes;
  std::vector<DType> dtypes;
  for (const auto& input : inputs) {
    if (!input.defined())
      throw std::invalid_argument(std::string("K::") + op_name(op) + ": an input is undefined");
    nodes.push_back(input.node());
    shapes.push_back(&input.node()->shape);
    dtypes.push_back(input.node()->dtype);
  }
  Shape shape = infer_shape(op, shapes, attrs);
  DType dtype = infer_dtype(op, dtypes, attrs);
  return SymbolicTensor(
      std::make_shared<Node>(op, std::move(nodes), std::move(attrs), std::move(shape), dtype));
}

}  // namespace keras::backend
