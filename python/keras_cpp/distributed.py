"""Data-parallel training over MPI processes (Horovod-style).

    import keras_cpp as keras
    keras.distributed.init()      # under `mpirun -np N python3 train.py`
    model.fit(x, y, batch_size=128)   # 128: the global batch, over all processes

Without init() (or KERAS_DISTRIBUTED=mpi) everything runs as one process: rank() 0, size() 1.
"""
from ._keras_cpp.distributed import (init, initialized, rank, size, local_rank,  # noqa: F401
                                     built_with_mpi)
