// The cuda backend's kernels, one .cu file per op family as under kernels/reference/ and
// kernels/cpu/. Plain C++ declarations: the op families in src/ops/ name them in the op table
// (KERAS_CUDA_KERNEL, only in builds with CUDA); an op without one runs its reference kernel on
// host copies (kernels::cuda::host_fallback) and KERAS_LOG_KERNELS=1 says so. Buffers are device
// memory; kernels run on the backend's stream (runtime.cu).
#pragma once

#include "kernels/kernel.h"
#include "ops/elementwise.h"

namespace keras::kernels::cuda {

// elementwise.cu
void unary(const KernelCall& call);
void binary(const KernelCall& call);
void cast(const KernelCall& call);
void switch_(const KernelCall& call);
void broadcast_copy(const Buffer& src, const Buffer& dst);
// reduce.cu
void reduce(const KernelCall& call);          // Sum, Mean, Max, Min, Prod
void arg_reduce(const KernelCall& call);      // ArgMax, ArgMin
void broadcast_like(const KernelCall& call);  // BroadcastLike, MeanGrad
void sum_like(const KernelCall& call);
void scan(const KernelCall& call);  // Cumsum, Cumprod
// linalg.cu: cuBLASLt, the bias and relu in its epilogue
void matmul(const KernelCall& call);
void batch_matmul(const KernelCall& call);
void fused_dense(const KernelCall& call);
// nn.cu
void softmax(const KernelCall& call);
void softmax_grad(const KernelCall& call);
void categorical_crossentropy(const KernelCall& call);
void categorical_crossentropy_grad(const KernelCall& call);
void softmax_cross_entropy_grad(const KernelCall& call);
void dropout_mask(const KernelCall& call);  // the reference kernel's numbers, bit for bit
void random_normal(const KernelCall& call);
// shape.cu
void reshape(const KernelCall& call);
void transpose(const KernelCall& call);
void concatenate(const KernelCall& call);
void slice(const KernelCall& call);
void slice_grad(const KernelCall& call);
void gather(const KernelCall& call);
void one_hot(const KernelCall& call);
// indexing.cu: a stable radix sort of the indices, then each row's sum in the reference's order
std::size_t prepare_gather_grad(const KernelCall& call);
void gather_grad(const KernelCall& call);
// ctc.cu
void ctc_greedy_decode(const KernelCall& call);
// random.cu
void random_uniform(const KernelCall& call);
void truncated_normal(const KernelCall& call);

// conv.cu: cuDNN (deterministic algorithms unless KERAS_CUDA_FAST_NONDETERMINISTIC=1), the
// compiler's fused bias and activation after it; geometries cuDNN cannot express run on the host
void conv(const KernelCall& call);
void conv_grad_input(const KernelCall& call);
void conv_grad_kernel(const KernelCall& call);
void pad(const KernelCall& call);
// pool.cu: own kernels with the reference's semantics (cuDNN cannot pad "same" asymmetrically)
void max_pool(const KernelCall& call);
std::size_t prepare_max_pool_grad(const KernelCall& call);
void max_pool_grad(const KernelCall& call);
void avg_pool(const KernelCall& call);
void avg_pool_grad(const KernelCall& call);

// recurrent.cu: Recurrent, RecurrentGrad and RecurrentGradWeights (one kernel, by the call's op)
std::size_t prepare_recurrent(const KernelCall& call);
void recurrent(const KernelCall& call);

// normalization.cu
void batch_norm_stats(const KernelCall& call);
void batch_norm(const KernelCall& call);
void batch_norm_grad(const KernelCall& call);
void batch_norm_grad_params(const KernelCall& call);
void l2_normalize(const KernelCall& call);

// Shared by fused_dense and conv: data += bias over the last axis; an activation (kCount: none) in
// place.
void add_bias(const Buffer& data, const Buffer& bias);
void apply_activation(const ops::FusedActivation& activation, const Buffer& data);

}  // namespace keras::kernels::cuda
