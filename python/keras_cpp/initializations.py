"""Keras 1's initializations: functions of a shape returning a new variable,
`initializations.normal((3, 4), scale=0.01)` (K.get_value reads it). Keras 2's initializer
classes (`initializers`) are here too, as Keras 1's successor names."""
import numpy as np

from .initializers import *  # noqa: F401,F403
from ._keras_cpp import initializers as _initializers
from .utils.generic_utils import get_from_module


def _variable(class_name, config, shape, name):
    """A variable holding a value the engine's initializer `class_name` draws (seeded by
    keras_cpp.utils.set_random_seed, as every layer's weights)."""
    from . import backend as K
    value = _initializers.draw({'class_name': class_name, 'config': config}, tuple(shape), None)
    return K.variable(value, name=name)


def get_fans(shape, dim_ordering='th'):
    """(fan_in, fan_out) of a weight shape: a Dense kernel (in, out), a convolution kernel
    (Theano 'th' or TensorFlow 'tf' order), else sqrt of the size for both."""
    if len(shape) == 2:
        return shape[0], shape[1]
    if len(shape) in (4, 5):
        if dim_ordering == 'th':
            receptive_field_size = np.prod(shape[2:])
            return shape[1] * receptive_field_size, shape[0] * receptive_field_size
        if dim_ordering == 'tf':
            receptive_field_size = np.prod(shape[:2])
            return shape[-2] * receptive_field_size, shape[-1] * receptive_field_size
        raise ValueError('Invalid dim_ordering: ' + str(dim_ordering))
    fan = np.sqrt(np.prod(shape))
    return fan, fan


def uniform(shape, scale=0.05, name=None, dim_ordering='th'):
    return _variable('RandomUniform', {'minval': -scale, 'maxval': scale, 'seed': None}, shape,
                     name)


def normal(shape, scale=0.05, name=None, dim_ordering='th'):
    return _variable('RandomNormal', {'mean': 0., 'stddev': scale, 'seed': None}, shape, name)


def lecun_uniform(shape, name=None, dim_ordering='th'):
    fan_in, _ = get_fans(shape, dim_ordering)
    return uniform(shape, np.sqrt(3. / fan_in), name=name)


def glorot_normal(shape, name=None, dim_ordering='th'):
    fan_in, fan_out = get_fans(shape, dim_ordering)
    return normal(shape, np.sqrt(2. / (fan_in + fan_out)), name=name)


def glorot_uniform(shape, name=None, dim_ordering='th'):
    fan_in, fan_out = get_fans(shape, dim_ordering)
    return uniform(shape, np.sqrt(6. / (fan_in + fan_out)), name=name)


def he_normal(shape, name=None, dim_ordering='th'):
    fan_in, _ = get_fans(shape, dim_ordering)
    return normal(shape, np.sqrt(2. / fan_in), name=name)


def he_uniform(shape, name=None, dim_ordering='th'):
    fan_in, _ = get_fans(shape, dim_ordering)
    return uniform(shape, np.sqrt(6. / fan_in), name=name)


def orthogonal(shape, scale=1.1, name=None, dim_ordering='th'):
    return _variable('Orthogonal', {'gain': scale, 'seed': None}, shape, name)


def identity(shape, scale=1, name=None, dim_ordering='th'):
    from . import backend as K
    if len(shape) != 2 or shape[0] != shape[1]:
        raise ValueError('Identity matrix initialization can only be used for 2D square '
                         'matrices.')
    return K.variable(scale * np.identity(shape[0]), name=name)


def zero(shape, name=None, dim_ordering='th'):
    from . import backend as K
    return K.zeros(shape, name=name)


def one(shape, name=None, dim_ordering='th'):
    from . import backend as K
    return K.ones(shape, name=name)


def get(identifier, **kwargs):
    """Keras 1: the initialization function named `identifier` (or `identifier` itself)."""
    return get_from_module(identifier, globals(), 'initialization', kwargs=kwargs)
