// Leaves: placeholders, variables and constants. Their shape and dtype are given (attrs.shape,
// attrs.cast_to); they have no kernel (the executor binds their buffers) and no inputs to
// differentiate.
#include "ops/op_def.h"

namespace keras::ops {

namespace {

Shape given_shape(OpKind, const std::vector<const Shape*>&, const Attrs& attrs) {
  return attrs.shape;
}

DType given_dtype(OpKind, const std::vector<DType>&, const Attrs& attrs) {
  return attrs.cast_to;
}

OpDef leaf(OpKind op, const char* name) {
  return {.op = op, .name = name, .shape = &given_shape, .dtype = &given_dtype};
}

}  // namespace

void register_leaf_ops(OpTable& table) {
  table.add(leaf(OpKind::kPlaceholder, "Placeholder"));
  table.add(leaf(OpKind::kVariable, "Variable"));
  table.add(leaf(OpKind::kConstant, "Constant"));
}

}  // namespace keras::ops
