// Random ops, shaped like their input: DropoutMask (keep with probability 1 - attrs.alpha, scaled
// by 1 / (1 - rate); attrs.seed) and RandomNormal (mean attrs.alpha, stddev attrs.beta). Each run
// draws fresh numbers from the step's run counter. Kernels: kernels/reference/nn.cpp,
// kernels/cpu/nn.cpp.
#include "kernels/cpu/cpu_kernels.h"
#include "kernels/cuda/cuda_kernels.h"
#include "kernels/reference/reference_kernels.h"
#include "ops/op_def.h"

namespace keras::ops {

void register_random_ops(OpTable& table) {
  // No gradient flows through the draws: a dropout's gradient reaches x through x * mask.
  table.add({.op = OpKind::kDropoutMask,
             .name = "DropoutMask",
             .shape = &same_shape,
             .gradient = &no_gradient,
             .reference = KERAS_KERNEL(kernels::reference::dropout_mask),
             .cpu = KERAS_KERNEL(kernels::cpu::dropout_mask),
             .cuda = KERAS_CUDA_KERNEL(kernels::cuda::dropout_mask)});
  table.add({.op = OpKind::kRandomNormal,
             .name = "RandomNormal",
             .shape = &same_shape,
             .gradient = &no_gradient,
             .reference = KERAS_KERNEL(kernels::reference::random_normal),
             .cuda = KERAS_CUDA_KERNEL(kernels::cuda::random_normal)});
}

}  // namespace keras::ops
