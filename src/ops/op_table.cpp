// The one table of op definitions, built from every family's register function in one explicit
// list (no reliance on static initialization order), and the graph's lookups that read it.
#include <stdexcept>

#include "ops/op_def.h"

namespace keras::ops {

namespace {

OpTable build_op_table() {
  OpTable table;
  register_leaf_ops(table);
  register_elementwise_ops(table);
  register_reduce_ops(table);
  register_linalg_ops(table);
  register_shape_ops(table);
  register_indexing_ops(table);
  register_nn_ops(table);
  register_random_ops(table);
  register_conv_ops(table);
  register_pool_ops(table);
  register_normalization_ops(table);
  register_recurrent_ops(table);
  register_traced_ops(table);
  register_ctc_ops(table);
  register_distributed_ops(table);
  const std::string missing = table.missing();
  if (!missing.empty())
    throw std::logic_error("OpTable: no definition for OpKind " + missing +
                           " (add it to its family's register function in src/ops/)");
  return table;
}

}  // namespace

const OpTable& op_table() {
  static const OpTable table = build_op_table();
  return table;
}

}  // namespace keras::ops

namespace keras::backend {

const char* op_name(OpKind op) {
  return ops::op_def(op).name;
}

bool is_elementwise(OpKind op) {
  return ops::op_def(op).elementwise;
}

OpAttrs checked_attrs(OpKind op, OpAttrs attrs) {
  const ops::AttrsType& expected = ops::op_def(op).attrs;
  if (attrs.empty()) return expected.make_default ? expected.make_default() : attrs;
  if (!expected.type || *attrs.type() != *expected.type)
    throw std::logic_error(std::string("K::") + op_name(op) + " takes " +
                           (expected.name ? expected.name : "no attributes") + ", got " +
                           attrs.type_name());
  return attrs;
}

Shape infer_shape(OpKind op, const std::vector<const Shape*>& inputs, const OpAttrs& attrs) {
  return ops::op_def(op).shape(op, inputs, attrs);
}

DType infer_dtype(OpKind op, const std::vector<DType>& inputs, const OpAttrs& attrs) {
  return ops::op_def(op).dtype(op, inputs, attrs);
}

}  // namespace keras::backend
