// Data-parallel training over several processes on MPI, Horovod-style: launch with
// `mpirun -np N ./train`, call keras::distributed::init() once (or set KERAS_DISTRIBUTED=mpi, and
// fit calls it), and Model::fit then trains one model on N processes: each process computes
// gradients on its shard of every global batch, the gradients are averaged across processes
// (allreduce, in buckets) before the optimizer's update, and rank 0's initial weights and
// optimizer state are broadcast at the start of fit (and by load_model). Without init (or in a
// library built without MPI, KERAS_WITH_MPI=OFF) everything behaves as one process: rank 0 of
// size 1. Every collective waits at most KERAS_DISTRIBUTED_TIMEOUT seconds (default 300, 0: no
// limit) for the other processes and then throws std::runtime_error: a process that died, hangs
// or left training ends the others with an error, not a silent hang.
#pragma once

namespace keras::distributed {

// Whether this library was built with MPI (KERAS_WITH_MPI).
bool built_with_mpi();

// Initializes MPI (unless the program, or mpi4py, already did) and this module; idempotent.
// MPI is finalized at exit when init started it. Throws std::runtime_error when the library was
// built without MPI.
void init();
bool initialized();

// This process's index among all processes (0 when not initialized).
int rank();
// The number of processes (1 when not initialized).
int size();
// This process's index among the processes on its machine (0 when not initialized): the GPU a
// process should use.
int local_rank();

// Calls init() when the environment variable KERAS_DISTRIBUTED is "mpi" (fit and evaluate call
// it); throws std::invalid_argument for another non-empty value.
void init_from_environment();

}  // namespace keras::distributed
