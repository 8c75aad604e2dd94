// The reference kernels: plain loops for every op, float32 and float64 (integers where the op
// makes sense). They are the oracle the cpu kernels are tested against.
#pragma once

#include <cstdint>

#include "kernels/kernel.h"
#include "ops/elementwise.h"

namespace keras::kernels::reference {

void unary(const KernelCall& call);
void binary(const KernelCall& call);
void cast(const KernelCall& call);
void switch_(const KernelCall& call);
void broadcast_copy(const Buffer& src, const Buffer& dst);

void reduce(const KernelCall& call);          // Sum, Mean, Max, Min, Prod
void arg_reduce(const KernelCall& call);      // ArgMax, ArgMin
void scan(const KernelCall& call);            // Cumsum, Cumprod
void broadcast_like(const KernelCall& call);  // BroadcastLike, MeanGrad
void sum_like(const KernelCall& call);

void matmul(const KernelCall& call);
void batch_matmul(const KernelCall& call);
void fused_dense(const KernelCall& call);

void reshape(const KernelCall& call);
void transpose(const KernelCall& call);
void concatenate(const KernelCall& call);
void slice(const KernelCall& call);
void slice_grad(const KernelCall& call);
void gather(const KernelCall& call);
void gather_grad(const KernelCall& call);
void one_hot(const KernelCall& call);

void softmax(const KernelCall& call);
void softmax_grad(const KernelCall& call);
void categorical_crossentropy(const KernelCall& call);
void categorical_crossentropy_grad(const KernelCall& call);
void softmax_cross_entropy_grad(const KernelCall& call);
void dropout_mask(const KernelCall& call);
void random_normal(const KernelCall& call);
void random_uniform(const KernelCall& call);
void truncated_normal(const KernelCall& call);
// CTC (kernels/reference/ctc.cpp)
void ctc_loss(const KernelCall& call);
void ctc_loss_grad(const KernelCall& call);
void ctc_greedy_decode(const KernelCall& call);

// convolution and pooling
void conv(const KernelCall& call);  // with the compiler's fused bias and activation
void conv_grad_input(const KernelCall& call);
void conv_grad_kernel(const KernelCall& call);
void max_pool(const KernelCall& call);
void max_pool_grad(const KernelCall& call);
void avg_pool(const KernelCall& call);
void avg_pool_grad(const KernelCall& call);
// The seven above: the scratch of their double accumulators, window counts and argmax.
std::size_t prepare_window(const KernelCall& call);
void pad(const KernelCall& call);
// Print: copies its input and writes PrintAttrs::message and the value to stderr.
void print(const KernelCall& call);
// embedding, normalization and recurrent
void recurrent(const KernelCall& call);  // kernels/recurrent.h describes the layouts
void recurrent_grad(const KernelCall& call);
void recurrent_grad_weights(const KernelCall& call);
void batch_norm_stats(const KernelCall& call);  // kernels/batch_norm.h describes the layouts
void batch_norm(const KernelCall& call);
void batch_norm_grad(const KernelCall& call);
void batch_norm_grad_params(const KernelCall& call);
// x / sqrt(max(sum of squares, kL2NormalizeFloor)) along L2NormalizeAttrs::axes (all when empty)
void l2_normalize(const KernelCall& call);
constexpr double kL2NormalizeFloor = 1e-12;  // TensorFlow's epsilon in tf.nn.l2_normalize

// Applies a fused dense layer's or conv's activation in place (shared with the cpu kernel).
template <typename T>
void apply_activation(const ops::FusedActivation& activation, T* data, std::int64_t n);

}  // namespace keras::kernels::reference
