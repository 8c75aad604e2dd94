// Convolution (channels_last, 1 to 3 spatial dimensions): Conv(x, kernel[, bias]) with kernel
// (k..., in / groups, out) and ConvAttrs (conv.h: strides, dilation, padding, groups; the bias and
// an activation are fused by the cpu compiler only), and its two gradients ConvGradInput(g,
// kernel) (a transposed convolution, shaped ConvAttrs::shape) and ConvGradKernel(x, g) (shaped
// ConvAttrs::shape). All three are linear in both inputs, so they differentiate into one another.
// Kernels: kernels/reference/conv.cpp, kernels/cpu/conv.cpp (oneDNN).
#include "ops/conv.h"
#include "keras/backend/backend.h"
#include "kernels/cpu/cpu_kernels.h"
#include "kernels/cuda/cuda_kernels.h"
#include "kernels/reference/reference_kernels.h"
#include "ops/op_def.h"

namespace keras::ops {

namespace {

namespace K = keras::backend;

Shape conv_output(OpKind op, const Shape& x, const Shape& w, const ConvAttrs& attrs) {
  const WindowSpec spec{attrs.strides, attrs.dilation, attrs.pad_begin, attrs.pad_end,
                        &attrs.dilation};
  check_window_attrs(op, spec, x);
  if (w.size() != x.size())
    fail(op, "the kernel " + shape_to_string(w) + " needs rank " + std::to_string(x.size()) +
                 " for the input " + shape_to_string(x));
  const std::int64_t in_per_group = w[w.size() - 2], out = w.back();
  if (attrs.groups < 1 || out % attrs.groups != 0 ||
      dims_conflict(x.back(), in_per_group * attrs.groups))
    fail(op, "the kernel " + shape_to_string(w) + " does not fit the input " + shape_to_string(x) +
                 " with " + std::to_string(attrs.groups) +
                 " group(s): input channels must be kernel[-2] * groups, output channels a "
                 "multiple of groups");
  return window_output(op, x, std::vector<std::int64_t>(w.begin(), w.end() - 2), spec, out);
}

Shape conv_shape(OpKind op, const std::vector<const Shape*>& in, const OpAttrs& op_attrs) {
  const auto& attrs = op_attrs.get<ConvAttrs>(op);
  if (in.size() != 3) expect_inputs(op, in, 2);
  if (in.size() == 3 && (in[2]->size() != 1 || dims_conflict((*in[2])[0], in[1]->back())))
    fail(op, "the bias must be 1D with one entry per filter, got " + shape_to_string(*in[2]));
  return conv_output(op, *in[0], *in[1], attrs);
}

Shape conv_grad_input_shape(OpKind op, const std::vector<const Shape*>& in,
                            const OpAttrs& op_attrs) {
  const auto& attrs = op_attrs.get<ConvAttrs>(op);
  if (in.size() != 3) expect_inputs(op, in, 2);
  // A third input is the forward input itself, whose shape is the gradient's where the attrs
  // leave sizes unknown (an image of any size: strided windows lose the exact input size).
  Shape x = in.size() == 3 ? *in[2] : attrs.shape;
  if (!x.empty()) x[0] = (*in[0])[0];
  // An unknown spatial length (a variable-length time axis) with stride 1: the gradient's, plus
  // the window's extent less the padding.
  for (std::size_t d = 1; d + 1 < x.size() && in[0]->size() == x.size(); ++d) {
    const std::size_t s = d - 1;
    const std::int64_t stride = s < attrs.strides.size() ? attrs.strides[s] : 1;
    const std::int64_t dilation = s < attrs.dilation.size() ? attrs.dilation[s] : 1;
    if (x[d] >= 0 || (*in[0])[d] < 0 || stride != 1 || s >= in[1]->size()) continue;
    const std::int64_t extent = dilation * ((*in[1])[s] - 1) + 1;
    x[d] = (*in[0])[d] + extent - 1 - (s < attrs.pad_begin.size() ? attrs.pad_begin[s] : 0) -
           (s < attrs.pad_end.size() ? attrs.pad_end[s] : 0);
  }
  Shape y = conv_output(op, x, *in[1], attrs);
  for (std::size_t d = 1; d < y.size(); ++d)
    if (y.size() != in[0]->size() || dims_conflict(y[d], (*in[0])[d]))
      fail(op, "the gradient " + shape_to_string(*in[0]) + " does not match the output " +
                   shape_to_string(y) + " of a convolution of " + shape_to_string(x));
  return x;
}

Shape conv_grad_kernel_shape(OpKind op, const std::vector<const Shape*>& in,
                             const OpAttrs& op_attrs) {
  const auto& attrs = op_attrs.get<ConvAttrs>(op);
  expect_inputs(op, in, 2);
  Shape y = conv_output(op, *in[0], attrs.shape, attrs);
  for (std::size_t d = 1; d < y.size(); ++d)
    if (y.size() != in[1]->size() || dims_conflict(y[d], (*in[1])[d]))
      fail(op, "the gradient " + shape_to_string(*in[1]) + " does not match the output " +
                   shape_to_string(y) + " of the convolution");
  return attrs.shape;
}

DType conv_dtype(OpKind op, const std::vector<DType>& in, const OpAttrs&) {
  if (in.size() >= 2 && in[0] != in[1])
    fail(op, std::string("both operands need the same dtype, got ") + dtype_name(in[0]) + " and " +
                 dtype_name(in[1]));
  return in[0];
}

Grads conv_grad(const Node& n, const SymbolicTensor& y, const SymbolicTensor& g) {
  ConvAttrs dx = n.attrs_as<ConvAttrs>(), dw = dx;
  dx.shape = n.inputs[0]->shape;
  dw.shape = n.inputs[1]->shape;
  std::vector<SymbolicTensor> dx_inputs{g, input(n, 1)};
  if (has_unknown_spatial_size(dx.shape)) dx_inputs.push_back(input(n, 0));  // its shape
  Grads grads{K::make_node(OpKind::kConvGradInput, dx_inputs, dx),
              K::make_node(OpKind::kConvGradKernel, {input(n, 0), g}, dw)};
  if (n.inputs.size() > 2) {
    K::Axes axes;
    for (int i = 0; i + 1 < y.ndim(); ++i) axes.push_back(i);
    grads.push_back(K::sum(g, axes));
  }
  return grads;
}

Grads conv_grad_input_grad(const Node& n, const SymbolicTensor&, const SymbolicTensor& g) {
  ConvAttrs forward = n.attrs_as<ConvAttrs>(), dw = forward;
  forward.shape = {};
  dw.shape = n.inputs[1]->shape;
  Grads grads{K::make_node(OpKind::kConv, {g, input(n, 1)}, forward),
              K::make_node(OpKind::kConvGradKernel, {g, input(n, 0)}, dw)};
  if (n.inputs.size() > 2) grads.emplace_back();  // the input lending its shape: none
  return grads;
}

Grads conv_grad_kernel_grad(const Node& n, const SymbolicTensor&, const SymbolicTensor& g) {
  ConvAttrs dx = n.attrs_as<ConvAttrs>(), forward = dx;
  dx.shape = n.inputs[0]->shape;
  forward.shape = {};
  return {K::make_node(OpKind::kConvGradInput, {input(n, 1), g}, dx),
          K::make_node(OpKind::kConv, {input(n, 0), g}, forward)};
}

}  // namespace

void register_conv_ops(OpTable& table) {
  table.add({.op = OpKind::kConv,
             .name = "Conv",
             .attrs = attrs_of<ConvAttrs>(),
             .shape = &conv_shape,
             .dtype = &conv_dtype,
             .gradient = &conv_grad,
             .reference = KERAS_PREPARED_KERNEL(kernels::reference::conv,
                                                kernels::reference::prepare_window),
             .cpu = KERAS_PREPARED_DNNL_KERNEL(kernels::cpu::conv, kernels::cpu::prepare_conv),
             .cuda = KERAS_PREPARED_CUDA_KERNEL(kernels::cuda::conv,
                                                kernels::reference::prepare_window)});
  table.add(
      {.op = OpKind::kConvGradInput,
       .name = "ConvGradInput",
       .attrs = attrs_of<ConvAttrs>(),
       .shape = &conv_grad_input_shape,
       .dtype = &conv_dtype,
       .gradient = &conv_grad_input_grad,
       .reference = KERAS_PREPARED_KERNEL(kernels::reference::conv_grad_input,
                                          kernels::reference::prepare_window),
       .cpu = KERAS_PREPARED_DNNL_KERNEL(kernels::cpu::conv_grad_input, kernels::cpu::prepare_conv),
       .cuda = KERAS_PREPARED_CUDA_KERNEL(kernels::cuda::conv_grad_input,
                                          kernels::reference::prepare_window)});
  table.add({.op = OpKind::kConvGradKernel,
             .name = "ConvGradKernel",
             .attrs = attrs_of<ConvAttrs>(),
             .shape = &conv_grad_kernel_shape,
             .dtype = &conv_dtype,
             .gradient = &conv_grad_kernel_grad,
             .reference = KERAS_PREPARED_KERNEL(kernels::reference::conv_grad_kernel,
                                                kernels::reference::prepare_window),
             .cpu = KERAS_PREPARED_DNNL_KERNEL(kernels::cpu::conv_grad_kernel,
                                               kernels::cpu::prepare_conv),
             .cuda = KERAS_PREPARED_CUDA_KERNEL(kernels::cuda::conv_grad_kernel,
                                                kernels::reference::prepare_window)});
}

}  // namespace keras::ops
