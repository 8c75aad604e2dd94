"""keras.utils.np_utils."""
import numpy as np

from .._keras_cpp import utils as _utils


def to_categorical(y, num_classes=None, dtype='float32', nb_classes=None):
    """Class indices to a one-hot matrix (Keras 1 called num_classes `nb_classes`)."""
    if num_classes is None:
        num_classes = nb_classes
    return _utils.to_categorical(np.asarray(y), num_classes).astype(dtype, copy=False)


def normalize(x, axis=-1, order=2):
    norm = np.atleast_1d(np.linalg.norm(x, order, axis))
    norm[norm == 0] = 1
    return x / np.expand_dims(norm, axis)
