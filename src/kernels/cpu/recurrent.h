// The cpu recurrent kernels (cpu/recurrent.cpp), registered by cpu::kernel in cpu_kernels.cpp.
#pragma once

#include "kernels/kernel.h"

namespace keras::kernels::cpu {

// embedding, normalization and recurrent
void recurrent(const KernelCall& call);
void recurrent_grad(const KernelCall& call);
void recurrent_grad_weights(const KernelCall& call);

}  // namespace keras::kernels::cpu
