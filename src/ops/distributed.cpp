// Distributed ops: AllReduceMean, the mean of its input over the processes of keras::distributed
// (weighted by each process's rows of the global batch; the identity in one process). Kernels:
// distributed/distributed.cpp (one MPI_Iallreduce started, then finished where the output is
// first read; the same functions on every backend).
#include "distributed/collectives.h"
#include "keras/backend/backend.h"
#include "ops/op_def.h"

namespace keras::ops {

namespace {

// The mean over processes is linear: its gradient is the mean of the output gradients (in one
// process, the identity).
Grads all_reduce_mean_gradient(const Node&, const SymbolicTensor&, const SymbolicTensor& g) {
  return {backend::all_reduce_mean(g)};
}

}  // namespace

void register_distributed_ops(OpTable& table) {
  table.add({.op = OpKind::kAllReduceMean,
             .name = "AllReduceMean",
             .shape = &same_shape,
             .dtype = &same_float_dtype,
             .gradient = &all_reduce_mean_gradient,
             .reference = KERAS_KERNEL(distributed::detail::all_reduce_mean_kernel),
             .cpu = KERAS_KERNEL(distributed::detail::all_reduce_mean_kernel),
             .finish = KERAS_KERNEL(distributed::detail::finish_all_reduce_mean_kernel)});
}

}  // namespace keras::ops
