"""keras.engine.training: Model, the base of Sequential (compile/fit/evaluate/predict); and
Keras 1.2.2's array helpers that scripts imported from here (slice_X, make_batches,
batch_shuffle)."""
import numpy as np

from ..models import Model  # noqa: F401
from ..utils.generic_utils import slice_arrays


def batch_shuffle(index_array, batch_size):
    """Keras 1: index_array shuffled batch-wise (whole batches of batch_size change places; a
    last partial batch stays last), for arrays read by batches such as HDF5's."""
    batch_count = int(len(index_array) / batch_size)
    last_batch = index_array[batch_count * batch_size:]
    index_array = index_array[:batch_count * batch_size]
    index_array = index_array.reshape((batch_count, batch_size))
    np.random.shuffle(index_array)
    return np.append(index_array.flatten(), last_batch)


def make_batches(size, batch_size):
    """Keras 1: the (start, end) index pairs of the batches of `size` samples."""
    nb_batch = int(np.ceil(size / float(batch_size)))
    return [(i * batch_size, min(size, (i + 1) * batch_size)) for i in range(nb_batch)]


def slice_X(X, start=None, stop=None):
    """Keras 1: X[start:stop], or [x[start:stop] for x in X] for a list; `start` may be a list
    or array of indices (then stop is None)."""
    if isinstance(X, list):
        return slice_arrays(X, start, stop)
    if hasattr(start, '__len__'):
        return X[start.tolist() if hasattr(start, 'shape') else start]
    return X[start:stop]
