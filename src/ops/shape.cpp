// Shape ops: Reshape (one -1 allowed), Transpose, Concatenate and Slice along an axis ([begin,
// end), negative bounds from the end, or to the end: slice_bounds), SliceGrad (Slice's gradient: g
// zero-padded to the input's shape) and Pad (zeros before / after per axis); their attributes:
// shape.h. Kernels: kernels/reference/shape.cpp and, for Pad, kernels/reference/conv.cpp. The
// executor aliases reshapes and prefix slices instead of copying.
#include <algorithm>
#include <numeric>
#include <stdexcept>

#include "backend/reshape_like.h"
#include "keras/backend/backend.h"
#include "kernels/cpu/cpu_kernels.h"
#include "kernels/cuda/cuda_kernels.h"
#include "kernels/reference/reference_kernels.h"
#include "ops/op_def.h"
#include "ops/shape.h"

namespace keras::ops {

namespace {

namespace K = keras::backend;

// Reshape(x[, like]): with `like`, target dimension i is like's dimension like_axes[i] where that
// is >= 0 (reshape_like.h).
Shape reshape_shape(OpKind op, const std::vector<const Shape*>& in, const OpAttrs& op_attrs) {
  const auto& attrs = op_attrs.get<ReshapeAttrs>(op);
  if (in.size() != 2) expect_inputs(op, in, 1);
  const Shape& x = *in[0];
  Shape target = attrs.shape;
  std::vector<bool> copied(target.size(), false);
  if (in.size() == 2) {
    const Shape& like = *in[1];
    if (attrs.like_axes.size() != target.size())
      fail(op, "needs one entry of axes per target dimension, got " +
                   std::to_string(attrs.like_axes.size()) + " for " + shape_to_string(target));
    for (std::size_t i = 0; i < target.size(); ++i) {
      const int axis = attrs.like_axes[i];
      if (axis < 0) continue;
      if (axis >= static_cast<int>(like.size()))
        fail(op, "axis " + std::to_string(axis) + " is out of range for the shape " +
                     shape_to_string(like) + " it copies");
      target[i] = like[static_cast<std::size_t>(axis)];
      copied[i] = true;
    }
  }
  std::int64_t known = 1;
  int unknown = -1;
  for (std::size_t i = 0; i < target.size(); ++i) {
    if (copied[i] && target[i] < 0) return target;  // resolved at run time
    if (target[i] < 0) {
      if (unknown >= 0)
        fail(op, "can only infer one unknown dimension in " + shape_to_string(target));
      unknown = static_cast<int>(i);
    } else {
      known *= target[i];
    }
  }
  std::int64_t numel = shape_numel(x);
  if (numel < 0) return target;  // resolved at run time
  if (unknown >= 0) {
    if (known == 0 || numel % known != 0)
      fail(op, "cannot reshape a tensor of shape " + shape_to_string(x) + " into " +
                   shape_to_string(target));
    target[static_cast<std::size_t>(unknown)] = numel / known;
  } else if (known != numel) {
    fail(op, "cannot reshape a tensor of shape " + shape_to_string(x) + " (" +
                 std::to_string(numel) + " elements) into " + shape_to_string(target));
  }
  return target;
}

Shape transpose_shape(OpKind op, const std::vector<const Shape*>& in, const OpAttrs& op_attrs) {
  const auto& attrs = op_attrs.get<TransposeAttrs>(op);
  expect_inputs(op, in, 1);
  const Shape& x = *in[0];
  if (attrs.axes.size() != x.size())
    fail(op, "the permutation has " + std::to_string(attrs.axes.size()) +
                 " axes, the tensor has rank " + std::to_string(x.size()));
  Shape out;
  std::vector<bool> seen(x.size(), false);
  for (int a : attrs.axes) {
    int axis = normalize_axis(op, a, static_cast<int>(x.size()));
    if (seen[static_cast<std::size_t>(axis)])
      fail(op, "the permutation repeats axis " + std::to_string(a));
    seen[static_cast<std::size_t>(axis)] = true;
    out.push_back(x[static_cast<std::size_t>(axis)]);
  }
  return out;
}

Shape concatenate_shape(OpKind op, const std::vector<const Shape*>& in, const OpAttrs& op_attrs) {
  const auto& attrs = op_attrs.get<ConcatenateAttrs>(op);
  if (in.empty()) fail(op, "needs at least one input");
  Shape out = *in[0];
  int axis = normalize_axis(op, attrs.axis, static_cast<int>(out.size()));
  for (std::size_t i = 1; i < in.size(); ++i) {
    const Shape& s = *in[i];
    if (s.size() != out.size())
      fail(op, "all inputs need the same rank, got " + shape_to_string(*in[0]) + " and " +
                   shape_to_string(s));
    for (std::size_t d = 0; d < s.size(); ++d) {
      if (static_cast<int>(d) == axis) {
        out[d] = (out[d] < 0 || s[d] < 0) ? -1 : out[d] + s[d];
      } else if (dims_conflict(out[d], s[d])) {
        fail(op, "shapes " + shape_to_string(*in[0]) + " and " + shape_to_string(s) +
                     " differ outside the concatenation axis " + std::to_string(attrs.axis));
      } else if (out[d] < 0) {
        out[d] = s[d];
      }
    }
  }
  return out;
}

Shape slice_shape(OpKind op, const std::vector<const Shape*>& in, const OpAttrs& op_attrs) {
  const auto& attrs = op_attrs.get<SliceAttrs>(op);
  expect_inputs(op, in, 1);
  Shape out = *in[0];
  int axis = normalize_axis(op, attrs.axis, static_cast<int>(out.size()));
  std::int64_t& dim = out[static_cast<std::size_t>(axis)];
  auto out_of_bounds = [&] {
    fail(op, "range [" + std::to_string(attrs.begin) + ", " +
                 (attrs.to_end ? std::string("end of axis") : std::to_string(attrs.end)) +
                 ") is out of bounds for axis " + std::to_string(attrs.axis) + " of " +
                 shape_to_string(*in[0]));
  };
  if (dim >= 0) {
    const auto [begin, end] = slice_bounds(attrs, dim);
    if (begin < 0 || end < begin || end > dim) out_of_bounds();
    dim = end - begin;
  } else if (attrs.begin < 0 && (attrs.to_end || attrs.end == 0)) {
    dim = -attrs.begin;  // the last steps: x[-k:]
  } else if (!attrs.to_end &&
             ((attrs.begin >= 0 && attrs.end >= 0) || (attrs.begin < 0 && attrs.end < 0))) {
    // Both bounds from the start, or both from the end: the width is known.
    if (attrs.end < attrs.begin) out_of_bounds();
    dim = attrs.end - attrs.begin;
  }  // else one bound from each end (x[a:], x[a:-b], x[-k:b]): the width is known at run time
  return out;
}

// SliceGrad(g, x): shaped like x.
Shape slice_grad_shape(OpKind op, const std::vector<const Shape*>& in, const OpAttrs&) {
  expect_inputs(op, in, 2);
  return *in[1];
}

Shape pad_shape(OpKind op, const std::vector<const Shape*>& in, const OpAttrs& op_attrs) {
  const auto& attrs = op_attrs.get<PadAttrs>(op);
  expect_inputs(op, in, 1);
  Shape out = *in[0];
  if (attrs.pad_begin.size() != out.size() || attrs.pad_end.size() != out.size())
    fail(op, "needs padding for each of the " + std::to_string(out.size()) + " axes of " +
                 shape_to_string(out));
  for (std::size_t d = 0; d < out.size(); ++d) {
    if (attrs.pad_begin[d] < 0 || attrs.pad_end[d] < 0) fail(op, "padding must be non-negative");
    if (out[d] >= 0) out[d] += attrs.pad_begin[d] + attrs.pad_end[d];
  }
  return out;
}

Grads reshape_grad(const Node& n, const SymbolicTensor&, const SymbolicTensor& g) {
  const Shape& x = n.inputs[0]->shape;
  Grads grads(n.inputs.size());
  if (std::count_if(x.begin(), x.end(), [](std::int64_t d) { return d < 0; }) <= 1) {
    grads[0] = K::reshape(g, x);
  } else {  // several dimensions known at run time only: x's own
    std::vector<int> all(x.size());
    std::iota(all.begin(), all.end(), 0);
    grads[0] = K::reshape_like(g, x, input(n, 0), all);
  }
  return grads;  // none for `like`, whose values are not read
}

Grads transpose_grad(const Node& n, const SymbolicTensor&, const SymbolicTensor& g) {
  const std::vector<int>& axes = n.attrs_as<TransposeAttrs>().axes;
  std::vector<int> inverse(axes.size());
  int rank = static_cast<int>(axes.size());
  for (int i = 0; i < rank; ++i) {
    int axis = axes[static_cast<std::size_t>(i)];
    inverse[static_cast<std::size_t>(axis < 0 ? axis + rank : axis)] = i;
  }
  return {K::permute_dimensions(g, inverse)};
}

Grads concatenate_grad(const Node& n, const SymbolicTensor& y, const SymbolicTensor& g) {
  Grads grads;
  int rank = y.ndim();
  const int concat_axis = n.attrs_as<ConcatenateAttrs>().axis;
  int axis = concat_axis < 0 ? concat_axis + rank : concat_axis;
  std::int64_t offset = 0;
  for (const auto& x : n.inputs) {
    std::int64_t dim = x->shape[static_cast<std::size_t>(axis)];
    if (dim < 0)
      throw std::invalid_argument(
          "K::gradients: cannot differentiate a concatenation along an unknown dimension");
    grads.push_back(K::slice(g, axis, offset, offset + dim));
    offset += dim;
  }
  return grads;
}

Grads slice_grad(const Node& n, const SymbolicTensor&, const SymbolicTensor& g) {
  return {K::make_node(OpKind::kSliceGrad, {g, input(n, 0)}, n.attrs)};
}

Grads slice_grad_grad(const Node& n, const SymbolicTensor&, const SymbolicTensor& g) {
  return {K::make_node(OpKind::kSlice, {g}, n.attrs), SymbolicTensor()};
}

Grads pad_grad(const Node& n, const SymbolicTensor&, const SymbolicTensor& g) {
  const auto& a = n.attrs_as<PadAttrs>();
  SymbolicTensor dx = g;
  const Shape& x_shape = n.inputs[0]->shape;
  for (std::size_t d = 0; d < x_shape.size(); ++d) {
    if (a.pad_begin[d] == 0 && a.pad_end[d] == 0) continue;
    if (x_shape[d] < 0)
      throw std::invalid_argument(
          "K::gradients: cannot differentiate a padding of an unknown dimension");
    dx = K::slice(dx, static_cast<int>(d), a.pad_begin[d], a.pad_begin[d] + x_shape[d]);
  }
  return {dx};
}

}  // namespace

void register_shape_ops(OpTable& table) {
  table.add({.op = OpKind::kReshape,
             .name = "Reshape",
             .attrs = attrs_of<ReshapeAttrs>(),
             .shape = &reshape_shape,
             .gradient = &reshape_grad,
             .reference = KERAS_KERNEL(kernels::reference::reshape),
             .cuda = KERAS_CUDA_KERNEL(kernels::cuda::reshape)});
  table.add({.op = OpKind::kTranspose,
             .name = "Transpose",
             .attrs = attrs_of<TransposeAttrs>(),
             .shape = &transpose_shape,
             .gradient = &transpose_grad,
             .reference = KERAS_KERNEL(kernels::reference::transpose),
             .cuda = KERAS_CUDA_KERNEL(kernels::cuda::transpose)});
  table.add({.op = OpKind::kConcatenate,
             .name = "Concatenate",
             .attrs = attrs_of<ConcatenateAttrs>(),
             .shape = &concatenate_shape,
             .gradient = &concatenate_grad,
             .reference = KERAS_KERNEL(kernels::reference::concatenate),
             .cuda = KERAS_CUDA_KERNEL(kernels::cuda::concatenate)});
  table.add({.op = OpKind::kSlice,
             .name = "Slice",
             .attrs = attrs_of<SliceAttrs>(),
             .shape = &slice_shape,
             .gradient = &slice_grad,
             .reference = KERAS_KERNEL(kernels::reference::slice),
             .cuda = KERAS_CUDA_KERNEL(kernels::cuda::slice)});
  table.add({.op = OpKind::kSliceGrad,
             .name = "SliceGrad",
             .attrs = attrs_of<SliceAttrs>(),
             .shape = &slice_grad_shape,
             .gradient = &slice_grad_grad,
             .reference = KERAS_KERNEL(kernels::reference::slice_grad),
             .cpu = KERAS_KERNEL(kernels::cpu::slice_grad),
             .cuda = KERAS_CUDA_KERNEL(kernels::cuda::slice_grad)});
  table.add({.op = OpKind::kPad,
             .name = "Pad",
             .attrs = attrs_of<PadAttrs>(),
             .shape = &pad_shape,
             .gradient = &pad_grad,
             .reference = KERAS_KERNEL(kernels::reference::pad),
             .cuda = KERAS_CUDA_KERNEL(kernels::cuda::pad)});
  // Keras's K.print_tensor: the identity, whose kernel also writes the value (on every backend:
  // the reference kernel, on host copies under cuda); the gradient passes through.
  table.add({.op = OpKind::kPrint,
             .name = "Print",
             .attrs = attrs_of<PrintAttrs>(),
             .shape = &same_shape,
             .gradient = [](const Node&, const SymbolicTensor&, const SymbolicTensor& g) -> Grads {
               return {g};
             },
             .reference = KERAS_KERNEL(kernels::reference::print)});
}

}  // namespace keras::ops
