// The helpers the families' shape, dtype and gradient rules share.
#include "ops/op_def.h"

#include <algorithm>
#include <stdexcept>

#include "backend/conv_geometry.h"
#include "keras/backend/backend.h"
#include "ops/reduce.h"

namespace keras::ops {

void fail(OpKind op, const std::string& message) {
  throw std::invalid_argument(std::string("K::") + backend::op_name(op) + ": " + message);
}

void expect_inputs(OpKind op, const std::vector<const Shape*>& inputs, std::size_t n) {
  if (inputs.size() != n)
    fail(op, "expects " + std::to_string(n) + " inputs, got " + std::to_string(inputs.size()));
}

int normalize_axis(OpKind op, int axis, int rank) {
  int a = axis < 0 ? axis + rank : axis;
  if (a < 0 || a >= rank)
    fail(op, "axis " + std::to_string(axis) + " is out of range for a tensor of rank " +
                 std::to_string(rank));
  return a;
}

Shape broadcast_shapes(OpKind op, const Shape& a, const Shape& b) {
  std::size_t rank = std::max(a.size(), b.size());
  Shape out(rank);
  for (std::size_t i = 0; i < rank; ++i) {
    std::int64_t da = i < rank - a.size() ? 1 : a[i - (rank - a.size())];
    std::int64_t db = i < rank - b.size() ? 1 : b[i - (rank - b.size())];
    if (da == db)
      out[i] = da;
    else if (da == 1)
      out[i] = db;
    else if (db == 1)
      out[i] = da;
    else if (da == -1)
      out[i] = db;
    else if (db == -1)
      out[i] = da;
    else
      fail(op, "shapes " + shape_to_string(a) + " and " + shape_to_string(b) +
                   " cannot be broadcast together (dimension " + std::to_string(i) + ": " +
                   std::to_string(da) + " vs " + std::to_string(db) + ")");
  }
  return out;
}

void check_window_attrs(OpKind op, const WindowSpec& spec, const Shape& x) {
  if (x.size() < 3 || x.size() > 5)
    fail(op, "expects a tensor of rank 3 to 5 (batch, spatial..., channels), got " +
                 shape_to_string(x));
  const std::size_t rank = x.size() - 2;
  const bool conv = spec.dilation != nullptr;
  bool ok = spec.strides.size() == rank && spec.pad_begin.size() == rank &&
            spec.pad_end.size() == rank && spec.window.size() == rank;
  if (!ok)
    fail(op, "strides, padding and " + std::string(conv ? "dilation" : "window") + " need " +
                 std::to_string(rank) + " entries for the input " + shape_to_string(x));
  for (std::size_t i = 0; i < rank; ++i) {
    if (spec.strides[i] < 1 || spec.pad_begin[i] < 0 || spec.pad_end[i] < 0 || spec.window[i] < 1)
      fail(op, "strides, dilation and window sizes must be positive and padding non-negative");
  }
}

Shape window_output(OpKind op, const Shape& x, const std::vector<std::int64_t>& k,
                    const WindowSpec& spec, std::int64_t channels) {
  Shape out{x[0]};
  for (std::size_t i = 0; i + 2 < x.size(); ++i) {
    std::int64_t d = backend::detail::window_output_dim(x[i + 1], k[i], spec.strides[i],
                                                        spec.dilation ? (*spec.dilation)[i] : 1,
                                                        spec.pad_begin[i], spec.pad_end[i]);
    if (d == 0)
      fail(op, "the window " + shape_to_string(Shape(k.begin(), k.end())) +
                   " does not fit the input " + shape_to_string(x) + " (padded by " +
                   shape_to_string(Shape(spec.pad_begin.begin(), spec.pad_begin.end())) + " and " +
                   shape_to_string(Shape(spec.pad_end.begin(), spec.pad_end.end())) + ")");
    out.push_back(d);
  }
  out.push_back(channels);
  return out;
}

Shape same_shape(OpKind op, const std::vector<const Shape*>& inputs, const OpAttrs&) {
  expect_inputs(op, inputs, 1);
  return *inputs[0];
}

DType same_dtype(OpKind op, const std::vector<DType>& in, const OpAttrs&) {
  if (in.empty()) fail(op, "has no inputs");
  if (backend::is_elementwise(op) && in.size() == 2 && in[0] != in[1])
    fail(op, std::string("both operands need the same dtype, got ") + dtype_name(in[0]) + " and " +
                 dtype_name(in[1]) + " (use K::cast)");
  return in[0];
}

DType same_float_dtype(OpKind op, const std::vector<DType>& in, const OpAttrs&) {
  if (in.empty()) fail(op, "has no inputs");
  for (DType d : in)
    if (d != in[0])
      fail(op, std::string("all inputs need the same dtype, got ") + dtype_name(in[0]) + " and " +
                   dtype_name(d));
  if (!is_floating(in[0])) fail(op, "needs floating-point inputs");
  return in[0];
}

Grads no_gradient(const Node&, const SymbolicTensor&, const SymbolicTensor&) {
  return {};
}

SymbolicTensor unbroadcast(const SymbolicTensor& g, const SymbolicTensor& x) {
  if (g.shape() == x.shape()) return g;
  return backend::make_node(OpKind::kSumLike, {g, x});
}

SymbolicTensor broadcast_like(const SymbolicTensor& g, const SymbolicTensor& x,
                              const std::vector<int>& axes, bool keepdims) {
  return backend::make_node(OpKind::kBroadcastLike, {g, x},
                            BroadcastLikeAttrs{.axes = axes, .keepdims = keepdims});
}

void OpTable::add(const OpDef& def) {
  const auto index = static_cast<std::size_t>(def.op);
  if (index >= defs_.size()) throw std::logic_error("OpTable: an OpDef without a valid op");
  if (!def.name || !def.shape)
    throw std::logic_error("OpTable: op #" + std::to_string(index) +
                           " needs a name and a shape rule");
  if (defs_[index].name)
    throw std::logic_error(std::string("OpTable: op ") + def.name + " is defined twice (also as " +
                           defs_[index].name + ")");
  defs_[index] = def;
  if (!defs_[index].dtype) defs_[index].dtype = &same_dtype;
}

std::string OpTable::missing() const {
  std::string list;
  for (std::size_t i = 0; i < defs_.size(); ++i)
    if (!defs_[i].name) list += (list.empty() ? "#" : ", #") + std::to_string(i);
  return list;
}

}  // namespace keras::ops
