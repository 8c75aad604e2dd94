// keras::distributed's internals: the collective calls the training loop and the AllReduceMean
// kernel make, and the graph-side gradient averaging the optimizers call. In one process (not
// initialized, or built without MPI) every collective is the identity.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "keras/backend/graph.h"
#include "keras/tensor/tensor.h"
#include "kernels/kernel.h"

namespace keras::distributed::detail {

// Sums `values` element-wise over all processes, in place.
void allreduce_sum(double* values, std::size_t n);
// Whether `flag` is set on any process (every process gets the same answer).
bool any_process(bool flag);
// Overwrites `tensor`'s storage with rank 0's values.
void broadcast_from_root(const Tensor& tensor);
// Overwrites `bytes` (a serialized generator state, a flag...) with rank 0's; every process gets
// rank 0's length too.
void broadcast_string_from_root(std::string& bytes);

// This process's weight in the next gradient averages: the number of rows of the current global
// batch it trains on (fit sets it before each step; 1 outside fit, a plain mean).
void set_gradient_weight(double rows);
double gradient_weight();

// This process's rows [first, second) of a global batch of `rows` rows: contiguous, in rank
// order, sizes differing by at most one.
std::pair<std::int64_t, std::int64_t> shard(std::int64_t rows);

// The gradients averaged over the processes (returned unchanged in one process): bucketed, from
// the last parameter's backwards (the first final in backpropagation), each bucket at most
// KERAS_ALLREDUCE_BUCKET_MB megabytes (default 25) of one dtype, flattened and concatenated
// into one AllReduceMean.
std::vector<backend::SymbolicTensor> average_gradients(
    const std::vector<backend::SymbolicTensor>& grads);

// The sizes in bytes of the buckets the last average_gradients made (the benchmark's scaling
// estimate).
const std::vector<std::size_t>& last_bucket_bytes();

// The AllReduceMean kernels (every backend), the sum over processes of x * weight divided by the
// sum of the weights: the kernel starts one MPI_Iallreduce over a per-step buffer, the finish
// (run by the executor just before the first step that reads the output) waits for it and
// writes the output, so that a bucket is reduced while the backward pass computes the next.
void all_reduce_mean_kernel(const kernels::KernelCall& call);
void finish_all_reduce_mean_kernel(const kernels::KernelCall& call);

// Seconds this process spent in collectives (started, waited for) since it began.
double collective_seconds();

}  // namespace keras::distributed::detail
