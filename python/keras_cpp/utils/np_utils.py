"""keras.utils.np_utils: to_categorical, normalize; Keras 1's probas_to_classes, log losses,
accuracy, convert_kernel and the convolution length helpers."""
import numpy as np

from .._keras_cpp import utils as _utils
from . import conv_utils


def to_categorical(y, num_classes=None, dtype='float32', nb_classes=None):
    """Class indices to a one-hot matrix (Keras 1 called num_classes `nb_classes`)."""
    if num_classes is None:
        num_classes = nb_classes
    return _utils.to_categorical(np.asarray(y), num_classes).astype(dtype, copy=False)


def normalize(x, axis=-1, order=2):
    """x divided by its `order`-norm along `axis` (zero norms left as they are)."""
    norm = np.atleast_1d(np.linalg.norm(x, order, axis))
    norm[norm == 0] = 1
    return x / np.expand_dims(norm, axis)


def binary_logloss(p, y):
    """Keras 1: the mean binary cross-entropy of probabilities p for labels y."""
    epsilon = 1e-15
    p = np.minimum(1 - epsilon, np.maximum(epsilon, np.asarray(p, dtype='float64')))
    y = np.asarray(y)
    return -np.sum(y * np.log(p) + (1 - y) * np.log(1 - p)) / len(y)


def multiclass_logloss(p, y):
    """Keras 1: minus the mean log of each row's probability of its class y (1-based)."""
    predictions = [p[i][y[i] - 1] for i in range(len(y))]
    return -np.sum(np.log(predictions)) / len(y)


def accuracy(p, y):
    """Keras 1: the fraction of predictions p equal to y."""
    return np.mean([a == b for a, b in zip(p, y)])


def categorical_probas_to_classes(p):
    """Keras 1: the most probable class of each row."""
    return np.argmax(p, axis=1)


def probas_to_classes(y_pred):
    """Keras 1: classes from predicted probabilities, one column (threshold 0.5) or several."""
    y_pred = np.asarray(y_pred)
    if y_pred.ndim > 1 and y_pred.shape[1] > 1:
        return categorical_probas_to_classes(y_pred)
    return (y_pred.reshape(len(y_pred)) > 0.5).astype('int32')


def convert_kernel(kernel, dim_ordering=None):
    """Keras 1: a 4-D or 5-D convolution kernel flipped along its spatial axes, for its
    dim_ordering ('th': (out, in, spatial...), 'tf': (spatial..., in, out); default
    K.image_dim_ordering())."""
    from .. import backend as K
    kernel = np.asarray(kernel)
    if dim_ordering is None:
        dim_ordering = K.image_dim_ordering()
    if not 4 <= kernel.ndim <= 5:
        raise ValueError('Invalid kernel shape:', kernel.shape)
    slices = [slice(None, None, -1) for _ in range(kernel.ndim)]
    no_flip = (slice(None, None), slice(None, None))
    if dim_ordering == 'th':
        slices[:2] = no_flip
    elif dim_ordering == 'tf':
        slices[-2:] = no_flip
    else:
        raise ValueError('Invalid dim_ordering:', dim_ordering)
    return np.copy(kernel[tuple(slices)])


def conv_output_length(input_length, filter_size, border_mode, stride, dilation=1):
    """Keras 1's name and arguments of conv_utils.conv_output_length."""
    return conv_utils.conv_output_length(input_length, filter_size, border_mode, stride,
                                         dilation)


def conv_input_length(output_length, filter_size, border_mode, stride):
    """Keras 1's name and arguments of conv_utils.conv_input_length."""
    return conv_utils.conv_input_length(output_length, filter_size, border_mode, stride)
