#include "keras/backend/graph.h"

#include <atomic>
#include <stdexcept>

namespace keras::backend {

namespace {
std::atomic<std::uint64_t> next_node_id{1};
}  // namespace

// op_name, is_elementwise, infer_shape and infer_dtype read the op table (src/ops/op_table.cpp).

void OpAttrs::mismatch(OpKind op, const char* wanted) const {
  throw std::logic_error(std::string("K::") + op_name(op) + ": its attributes are " + type_name() +
                         ", read as " + wanted);
}

Node::Node(OpKind op_, std::vector<NodePtr> inputs_, OpAttrs attrs_, Shape shape_, DType dtype_)
    : op(op_),
      inputs(std::move(inputs_)),
      attrs(checked_attrs(op_, std::move(attrs_))),
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

SymbolicTensor make_node(OpKind op, std::vector<SymbolicTensor> inputs, OpAttrs attrs) {
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
  attrs = checked_attrs(op, std::move(attrs));  // before the rules read it
  Shape shape = infer_shape(op, shapes, attrs);
  DType dtype = infer_dtype(op, dtypes, attrs);
  return SymbolicTensor(
      std::make_shared<Node>(op, std::move(nodes), std::move(attrs), std::move(shape), dtype));
}

}  // namespace keras::backend
