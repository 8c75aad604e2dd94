"""keras_cpp.distributed in one process (two processes: tests/mpi/mpi_fit.py under mpirun)."""
import keras_cpp


def test_without_init_everything_is_one_process():
    d = keras_cpp.distributed
    assert not d.initialized()
    assert (d.rank(), d.size(), d.local_rank()) == (0, 1, 0)
    assert isinstance(d.built_with_mpi(), bool)
