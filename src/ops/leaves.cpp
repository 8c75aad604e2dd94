// Leaves: placeholders, variables and constants. Their shape and dtype are given (LeafAttrs); they
// have no kernel (the executor binds their buffers) and no inputs to differentiate.
#include "ops/leaves.h"
#include "ops/op_def.h"

namespace keras::ops {

namespace {

Shape given_shape(OpKind op, const std::vector<const Shape*>&, const OpAttrs& attrs) {
  return attrs.get<LeafAttrs>(op).shape;
}

DType given_dtype(OpKind op, const std::vector<DType>&, const OpAttrs& attrs) {
  return attrs.get<LeafAttrs>(op).dtype;
}

OpDef leaf(OpKind op, const char* name) {
  return {.op = op,
          .name = name,
          .attrs = attrs_of<LeafAttrs>(),
          .shape = &given_shape,
          .dtype = &given_dtype};
}

}  // namespace

void register_leaf_ops(OpTable& table) {
  table.add(leaf(OpKind::kPlaceholder, "Placeholder"));
  table.add(leaf(OpKind::kVariable, "Variable"));
  table.add(leaf(OpKind::kConstant, "Constant"));
}

}  // namespace keras::ops
