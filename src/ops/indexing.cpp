// Indexing: Gather(reference, indices) takes rows of the reference (Embedding), GatherGrad(g,
// indices, reference) scatters g back into rows of zeros, OneHot(indices) has attrs.count
// classes. Kernels: kernels/reference/shape.cpp, kernels/cuda/shape.cu and indexing.cu.
#include "ops/indexing.h"
#include "keras/backend/backend.h"
#include "kernels/cuda/cuda_kernels.h"
#include "kernels/reference/reference_kernels.h"
#include "ops/op_def.h"

namespace keras::ops {

namespace {

namespace K = keras::backend;

Shape gather_shape(OpKind op, const std::vector<const Shape*>& in, const OpAttrs&) {
  expect_inputs(op, in, 2);
  if (in[0]->empty()) fail(op, "the reference must have rank >= 1");
  Shape out = *in[1];
  out.insert(out.end(), in[0]->begin() + 1, in[0]->end());
  return out;
}

DType gather_dtype(OpKind op, const std::vector<DType>& in, const OpAttrs&) {
  if (in[1] != DType::int32 && in[1] != DType::int64)
    fail(op, std::string("indices must be int32 or int64, got ") + dtype_name(in[1]));
  return in[0];
}

Shape gather_grad_shape(OpKind op, const std::vector<const Shape*>& in, const OpAttrs&) {
  expect_inputs(op, in, 3);
  return *in[2];
}

Shape one_hot_shape(OpKind op, const std::vector<const Shape*>& in, const OpAttrs& attrs) {
  expect_inputs(op, in, 1);
  Shape out = *in[0];
  out.push_back(attrs.get<OneHotAttrs>(op).count);
  return out;
}

DType one_hot_dtype(OpKind op, const std::vector<DType>&, const OpAttrs& attrs) {
  return attrs.get<OneHotAttrs>(op).dtype;
}

Grads gather_grad(const Node& n, const SymbolicTensor&, const SymbolicTensor& g) {
  return {K::make_node(OpKind::kGatherGrad, {g, input(n, 1), input(n, 0)}), SymbolicTensor()};
}

Grads gather_grad_grad(const Node& n, const SymbolicTensor&, const SymbolicTensor& g) {
  return {K::gather(g, input(n, 1)), SymbolicTensor(), SymbolicTensor()};
}

}  // namespace

void register_indexing_ops(OpTable& table) {
  table.add({.op = OpKind::kGather,
             .name = "Gather",
             .shape = &gather_shape,
             .dtype = &gather_dtype,
             .gradient = &gather_grad,
             .reference = KERAS_KERNEL(kernels::reference::gather),
             .cuda = KERAS_CUDA_KERNEL(kernels::cuda::gather)});
  table.add({.op = OpKind::kGatherGrad,
             .name = "GatherGrad",
             .shape = &gather_grad_shape,
             .gradient = &gather_grad_grad,
             .reference = KERAS_KERNEL(kernels::reference::gather_grad),
             .cuda = KERAS_PREPARED_CUDA_KERNEL(kernels::cuda::gather_grad,
                                                kernels::cuda::prepare_gather_grad)});
  table.add({.op = OpKind::kOneHot,
             .name = "OneHot",
             .attrs = attrs_of<OneHotAttrs>(),
             .shape = &one_hot_shape,
             .dtype = &one_hot_dtype,
             .gradient = &no_gradient,  // piecewise constant
             .reference = KERAS_KERNEL(kernels::reference::one_hot),
             .cuda = KERAS_CUDA_KERNEL(kernels::cuda::one_hot)});
}

}  // namespace keras::ops
