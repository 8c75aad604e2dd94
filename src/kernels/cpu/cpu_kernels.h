// The cpu backend's kernels, one file per op family as under kernels/reference/ (linalg.cpp,
// nn.cpp, reduce.cpp, conv.cpp, normalization.cpp, recurrent.cpp): oneDNN and OpenMP. The op
// families in src/ops/ name them in the op table; an op without one runs its reference kernel.
#pragma once

#include "kernels/kernel.h"

namespace keras::kernels::cpu {

// linalg.cpp: oneDNN's sgemm (float32; other dtypes run the reference loops)
void matmul(const KernelCall& call);
void fused_dense(const KernelCall& call);  // with the bias and activation in one pass
// nn.cpp
void softmax(const KernelCall& call);
void dropout_mask(const KernelCall& call);
// reduce.cpp
void sum_like(const KernelCall& call);  // column sums (bias gradients)
// conv.cpp: oneDNN convolution and pooling
void conv(const KernelCall& call);
void conv_grad_input(const KernelCall& call);
void conv_grad_kernel(const KernelCall& call);
void pool(const KernelCall& call);       // MaxPool, AvgPool
void pool_grad(const KernelCall& call);  // MaxPoolGrad, AvgPoolGrad
// normalization.cpp
void batch_norm_stats(const KernelCall& call);
void batch_norm(const KernelCall& call);
void batch_norm_grad(const KernelCall& call);
void batch_norm_grad_params(const KernelCall& call);
// recurrent.cpp
void recurrent(const KernelCall& call);
void recurrent_grad(const KernelCall& call);
void recurrent_grad_weights(const KernelCall& call);

}  // namespace keras::kernels::cpu
