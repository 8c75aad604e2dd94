"""keras.utils.np_utils: to_categorical, normalize; Keras 1's probas_to_classes."""
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


def categorical_probas_to_classes(p):
    """Keras 1: the most probable class of each row."""
    return np.argmax(p, axis=1)


def probas_to_classes(y_pred):
    """Keras 1: classes from predicted probabilities, one column (threshold 0.5) or several."""
    y_pred = np.asarray(y_pred)
    if y_pred.ndim > 1 and y_pred.shape[1] > 1:
        return categorical_probas_to_classes(y_pred)
    return (y_pred.reshape(len(y_pred)) > 0.5).astype('int32')
