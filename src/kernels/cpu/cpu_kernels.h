// The cpu backend's kernels, one file per op family as under kernels/reference/ (linalg.cpp,
// nn.cpp, reduce.cpp, shape.cpp, conv.cpp, normalization.cpp, recurrent.cpp): oneDNN and OpenMP.
// The op families in src/ops/ name them in the op table; an op without one runs its reference
// kernel.
#pragma once

#include <chrono>
#include <mutex>

#include "kernels/kernel.h"

namespace keras::kernels::cpu {

// cpu_kernels.cpp: how many OpenMP threads a run may use. OpenMP workers spin while they wait, so
// when other processes keep cores busy, a team sized to every core spends its time spinning
// against them (two 2-thread MLP trainings on 2 cores: each at 0.20x of one alone). Each run asks;
// the answer is the requested team, or the cores the other running tasks leave (at least 1),
// sampled from /proc/loadavg at most every kSampleMs and changed only after kAgreeingSamples
// samples in a row agree, so a short-lived process does not flip it. KERAS_ADAPTIVE_THREADS=0
// turns it off.
class ThreadBudget {
 public:
  static constexpr int kSampleMs = 5;
  static constexpr int kAgreeingSamples = 3;
  // read_running: the machine's running tasks now, the caller included (-1: unknown).
  ThreadBudget(int cores, int (*read_running)(),
               std::chrono::milliseconds sample_every = std::chrono::milliseconds(kSampleMs));
  static ThreadBudget& process();  // the process's, reading /proc/loadavg
  int threads_for_run(int requested);

 private:
  std::mutex mutex_;
  int cores_;
  int (*read_running_)();
  std::chrono::milliseconds sample_every_;
  bool disabled_ = false;
  int requested_ = 0, granted_ = 0, agreeing_ = 0;
  std::chrono::steady_clock::time_point next_sample_{};
};

// linalg.cpp: oneDNN's sgemm (float32; other dtypes run the reference loops)
void matmul(const KernelCall& call);
void fused_dense(const KernelCall& call);  // with the bias and activation in one pass
// nn.cpp
void softmax(const KernelCall& call);
void dropout_mask(const KernelCall& call);
// reduce.cpp
void sum_like(const KernelCall& call);        // column sums (bias gradients)
void reduce(const KernelCall& call);          // Sum, Mean, Max, Min, Prod over adjacent axes
void broadcast_like(const KernelCall& call);  // BroadcastLike, MeanGrad over adjacent axes
// shape.cpp
void slice_grad(const KernelCall& call);
// conv.cpp: oneDNN convolution and pooling
void conv(const KernelCall& call);
void conv_grad_input(const KernelCall& call);
void conv_grad_kernel(const KernelCall& call);
std::size_t prepare_conv(const KernelCall& call);  // the three: primitive and scratch
void pool(const KernelCall& call);                 // MaxPool, AvgPool
void pool_grad(const KernelCall& call);            // MaxPoolGrad, AvgPoolGrad
std::size_t prepare_pool(const KernelCall& call);  // both: primitives and scratch
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
