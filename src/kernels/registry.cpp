#include <stdexcept>

#include "kernels/kernel.h"
#include "kernels/reference/reference_kernels.h"

namespace keras::kernels {

Backend backend_from_name(const std::string& name) {
  if (name == "cpu") return Backend::kCpu;
  if (name == "reference") return Backend::kReference;
  throw std::invalid_argument("Unknown backend '" + name +
                              "'. Valid backends are: cpu, reference.");
}

namespace reference {
KernelFn kernel(OpKind op) {
  if (backend::is_elementwise(op)) return op < OpKind::kAdd ? &unary : &binary;
  switch (op) {
    case OpKind::kCast:
      return &cast;
    case OpKind::kSwitch:
      return &switch_;
    case OpKind::kSum:
    case OpKind::kMean:
    case OpKind::kMax:
    case OpKind::kMin:
    case OpKind::kProd:
      return &reduce;
    case OpKind::kArgMax:
    case OpKind::kArgMin:
      return &arg_reduce;
    case OpKind::kMatMul:
      return &matmul;
    case OpKind::kBatchMatMul:
      return &batch_matmul;
    case OpKind::kFusedDense:
      return &fused_dense;
    case OpKind::kReshape:
      return &reshape;
    case OpKind::kTranspose:
      return &transpose;
    case OpKind::kConcatenate:
      return &concatenate;
    case OpKind::kSlice:
      return &slice;
    case OpKind::kSliceGrad:
      return &slice_grad;
    case OpKind::kBroadcastLike:
    case OpKind::kMeanGrad:
      return &broadcast_like;
    case OpKind::kSumLike:
      return &sum_like;
    case OpKind::kGather:
      return &gather;
    case OpKind::kGatherGrad:
      return &gather_grad;
    case OpKind::kOneHot:
      return &one_hot;
    case OpKind::kSoftmax:
      return &softmax;
    case OpKind::kSoftmaxGrad:
      return &softmax_grad;
    case OpKind::kCategoricalCrossentropy:
      return &categorical_crossentropy;
    case OpKind::kCategoricalCrossentropyGrad:
      return &categorical_crossentropy_grad;
    case OpKind::kSoftmaxCrossEntropyGrad:
      return &softmax_cross_entropy_grad;
    case OpKind::kDropoutMask:
      return &dropout_mask;
    case OpKind::kRandomNormal:
      return &random_normal;
    // convolution and pooling
    case OpKind::kConv:
      return &conv;
    case OpKind::kConvGradInput:
      return &conv_grad_input;
    case OpKind::kConvGradKernel:
      return &conv_grad_kernel;
    case OpKind::kMaxPool:
      return &max_pool;
    case OpKind::kMaxPoolGrad:
      return &max_pool_grad;
    case OpKind::kAvgPool:
      return &avg_pool;
    case OpKind::kAvgPoolGrad:
      return &avg_pool_grad;
    case OpKind::kPad:
      return &pad;
    // embedding, normalization and recurrent
    case OpKind::kRecurrent:
      return &recurrent;
    case OpKind::kRecurrentGrad:
      return &recurrent_grad;
    case OpKind::kRecurrentGradWeights:
      return &recurrent_grad_weights;
    case OpKind::kBatchNormStats:
      return &batch_norm_stats;
    case OpKind::kBatchNorm:
      return &batch_norm;
    case OpKind::kBatchNormGrad:
      return &batch_norm_grad;
    case OpKind::kBatchNormGradParams:
      return &batch_norm_grad_params;
    default:
      return nullptr;
  }
}
}  // namespace reference

KernelFn find_kernel(Backend backend, OpKind op) {
  if (backend == Backend::kCpu)
    if (KernelFn fn = cpu::kernel(op)) return fn;
  return reference::kernel(op);
}

const char* kernel_name(Backend backend, OpKind op) {
  return backend == Backend::kCpu && cpu::kernel(op) ? "cpu" : "reference";
}

}  // namespace keras::kernels
