// The cpu backend's oneDNN convolution and pooling kernels (conv.cpp).
#pragma once

#include "kernels/kernel.h"

namespace keras::kernels::cpu {

void conv(const KernelCall& call);
void conv_grad_input(const KernelCall& call);
void conv_grad_kernel(const KernelCall& call);
void pool(const KernelCall& call);       // MaxPool, AvgPool
void pool_grad(const KernelCall& call);  // MaxPoolGrad, AvgPoolGrad

}  // namespace keras::kernels::cpu
