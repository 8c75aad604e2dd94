// Random ops, shaped like their input: DropoutMask (keep with probability 1 - rate, scaled by
// 1 / (1 - rate)), RandomNormal and TruncatedNormal (a mean and a stddev) and RandomUniform (in
// [low, high)); their attributes: random.h. Each run
// draws fresh numbers from the step's run counter. Kernels: kernels/reference/nn.cpp,
// kernels/cpu/nn.cpp, kernels/cuda/nn.cu and random.cu.
#include "ops/random.h"
#include "kernels/cpu/cpu_kernels.h"
#include "kernels/cuda/cuda_kernels.h"
#include "kernels/reference/reference_kernels.h"
#include "ops/op_def.h"

namespace keras::ops {

void register_random_ops(OpTable& table) {
  // No gradient flows through the draws: a dropout's gradient reaches x through x * mask.
  table.add({.op = OpKind::kDropoutMask,
             .name = "DropoutMask",
             .attrs = attrs_of<DropoutAttrs>(),
             .shape = &same_shape,
             .gradient = &no_gradient,
             .reference = KERAS_KERNEL(kernels::reference::dropout_mask),
             .cpu = KERAS_KERNEL(kernels::cpu::dropout_mask),
             .cuda = KERAS_CUDA_KERNEL(kernels::cuda::dropout_mask)});
  table.add({.op = OpKind::kRandomNormal,
             .name = "RandomNormal",
             .attrs = attrs_of<RandomAttrs>(),
             .shape = &same_shape,
             .gradient = &no_gradient,
             .reference = KERAS_KERNEL(kernels::reference::random_normal),
             .cuda = KERAS_CUDA_KERNEL(kernels::cuda::random_normal)});
  table.add({.op = OpKind::kRandomUniform,
             .name = "RandomUniform",
             .attrs = attrs_of<RandomAttrs>(),
             .shape = &same_shape,
             .gradient = &no_gradient,
             .reference = KERAS_KERNEL(kernels::reference::random_uniform),
             .cuda = KERAS_CUDA_KERNEL(kernels::cuda::random_uniform)});
  table.add({.op = OpKind::kTruncatedNormal,
             .name = "TruncatedNormal",
             .attrs = attrs_of<RandomAttrs>(),
             .shape = &same_shape,
             .gradient = &no_gradient,
             .reference = KERAS_KERNEL(kernels::reference::truncated_normal),
             .cuda = KERAS_CUDA_KERNEL(kernels::cuda::truncated_normal)});
}

}  // namespace keras::ops
