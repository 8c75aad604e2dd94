"""Keras's backend (`from keras_cpp import backend as K`): symbolic tensors and their ops.

Nothing is computed until a `K.function(inputs, outputs, updates)` runs, or `K.eval(x)`.
Tensors support +, -, *, /, **, unary -, abs() and <, <=, >, >= elementwise.
"""
from ._export import export
from ._keras_cpp import Function, Tensor
from ._keras_cpp import backend as _backend

export(_backend, globals())


def is_tensor(x):
    return isinstance(x, Tensor)


def is_keras_tensor(x):
    return isinstance(x, Tensor)


def batch_get_value(ops):
    return [get_value(x) for x in ops]  # noqa: F821 (exported above)


def batch_set_value(tuples):
    for x, value in tuples:
        set_value(x, value)  # noqa: F821


def zeros_like(x, dtype=None, name=None):
    return zeros(int_shape(x), dtype or x.dtype, name)  # noqa: F821


def ones_like(x, dtype=None, name=None):
    return ones(int_shape(x), dtype or x.dtype, name)  # noqa: F821


def cast_to_floatx(x):
    """A numpy array of x in floatx()."""
    import numpy as np
    return np.asarray(x, dtype=floatx())  # noqa: F821


def normalize_data_format(value):
    """'channels_first' or 'channels_last' (None: image_data_format())."""
    from .utils.conv_utils import normalize_data_format as normalize
    return normalize(value)

