// The cpu batch-normalization kernels (cpu/normalization.cpp), registered by cpu::kernel in
// cpu_kernels.cpp.
#pragma once

#include "kernels/kernel.h"

namespace keras::kernels::cpu {

void batch_norm_stats(const KernelCall& call);
void batch_norm(const KernelCall& call);
void batch_norm_grad(const KernelCall& call);
void batch_norm_grad_params(const KernelCall& call);

}  // namespace keras::kernels::cpu
