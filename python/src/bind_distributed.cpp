// keras_cpp.distributed: data-parallel training on MPI (keras::distributed), Horovod-style.
#include "bindings.h"
#include "keras/distributed.h"

namespace keras::python {

void bind_distributed(pybind11::module_& root) {
  pybind11::module_ m = root.def_submodule(
      "distributed",
      "Data-parallel training over MPI processes: launch with `mpirun -np N python3 train.py`, "
      "call init() (or set KERAS_DISTRIBUTED=mpi), then fit trains one model on N processes.");
  m.def("init", &distributed::init,
        "Initializes MPI (unless mpi4py already did) and data-parallel training; idempotent.");
  m.def("initialized", &distributed::initialized);
  m.def("rank", &distributed::rank, "This process's index (0 when not initialized).");
  m.def("size", &distributed::size, "The number of processes (1 when not initialized).");
  m.def("local_rank", &distributed::local_rank, "This process's index on its machine.");
  m.def("built_with_mpi", &distributed::built_with_mpi);
}

}  // namespace keras::python
