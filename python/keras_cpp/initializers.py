"""Keras's initializers (Keras 1: `initializations`). Calling one on a shape gives a variable
holding the drawn value, as in Keras (`K.get_value`, `K.eval` and `numpy.asarray` read it):

    K.get_value(RandomNormal(stddev=0.01)((3, 4)))

Layers take initializers by name or as initializer objects (with any arguments).
"""
import json
import re

import numpy as np

from ._keras_cpp import initializers as _initializers
from ._keras_cpp.initializers import _compute_fans  # noqa: F401 (Keras's tests use it)


def _variable(value):
    from . import backend
    return backend.variable(value)


class Initializer(object):
    """The base class: __call__(shape, dtype=None) draws a value."""

    def __call__(self, shape, dtype=None):
        return _variable(_initializers.draw({'class_name': type(self).__name__,
                                             'config': self.get_config()}, shape, dtype))

    def get_config(self):
        return {}

    @classmethod
    def from_config(cls, config):
        return cls(**config)


class Zeros(Initializer):
    pass


class Ones(Initializer):
    pass


class Constant(Initializer):
    def __init__(self, value=0):
        self.value = value

    def get_config(self):
        return {'value': self.value}


class RandomNormal(Initializer):
    def __init__(self, mean=0., stddev=0.05, seed=None):
        self.mean, self.stddev, self.seed = mean, stddev, seed

    def get_config(self):
        return {'mean': self.mean, 'stddev': self.stddev, 'seed': self.seed}


class RandomUniform(Initializer):
    def __init__(self, minval=-0.05, maxval=0.05, seed=None):
        self.minval, self.maxval, self.seed = minval, maxval, seed

    def get_config(self):
        return {'minval': self.minval, 'maxval': self.maxval, 'seed': self.seed}


class TruncatedNormal(RandomNormal):
    pass


class VarianceScaling(Initializer):
    def __init__(self, scale=1.0, mode='fan_in', distribution='normal', seed=None):
        self.scale, self.mode, self.distribution, self.seed = scale, mode, distribution, seed

    def get_config(self):
        return {'scale': self.scale, 'mode': self.mode, 'distribution': self.distribution,
                'seed': self.seed}


class Orthogonal(Initializer):
    def __init__(self, gain=1., seed=None):
        self.gain, self.seed = gain, seed

    def get_config(self):
        return {'gain': self.gain, 'seed': self.seed}


class Identity(Initializer):
    def __init__(self, gain=1.):
        self.gain = gain

    def get_config(self):
        return {'gain': self.gain}


class _Named(VarianceScaling):
    """glorot_uniform() and friends: VarianceScaling with a Keras name."""

    def __init__(self, name, scale, mode, distribution, seed=None):
        super().__init__(scale, mode, distribution, seed)
        self.name = name

    def __call__(self, shape, dtype=None):
        return _variable(_initializers.draw({'class_name': 'VarianceScaling',
                                             'config': self.get_config()}, shape, dtype))


def glorot_uniform(seed=None):
    return _Named('glorot_uniform', 1., 'fan_avg', 'uniform', seed)


def glorot_normal(seed=None):
    return _Named('glorot_normal', 1., 'fan_avg', 'normal', seed)


def he_uniform(seed=None):
    return _Named('he_uniform', 2., 'fan_in', 'uniform', seed)


def he_normal(seed=None):
    return _Named('he_normal', 2., 'fan_in', 'normal', seed)


def lecun_uniform(seed=None):
    return _Named('lecun_uniform', 1., 'fan_in', 'uniform', seed)


def lecun_normal(seed=None):
    return _Named('lecun_normal', 1., 'fan_in', 'normal', seed)


zero = zeros = Zeros
one = ones = Ones
constant = Constant
uniform = random_uniform = RandomUniform
normal = random_normal = RandomNormal
truncated_normal = TruncatedNormal
identity = Identity
orthogonal = Orthogonal

_DEFAULTS = {Zeros: 'zeros', Ones: 'ones', RandomNormal: 'random_normal',
             RandomUniform: 'random_uniform', TruncatedNormal: 'truncated_normal',
             Orthogonal: 'orthogonal', Identity: 'identity'}


def _name_of(initializer):
    """What a layer takes for `initializer`: its Keras name when it has its default arguments
    (so get_config writes what Keras writes for the name), else its serialized
    {"class_name", "config"} as JSON text, which the engine's initializers read."""
    if isinstance(initializer, dict):
        return json.dumps(initializer)
    module = getattr(initializer, '__module__', None)
    if module == 'keras_cpp.initializations' and callable(initializer) and \
            not isinstance(initializer, (type, Initializer)):
        # Keras 1's init=initializations.glorot_uniform: the function of a shape, by its name.
        return initializer.__name__
    if (isinstance(initializer, type) and issubclass(initializer, Initializer)) or \
            (module == __name__ and callable(initializer) and
             not isinstance(initializer, Initializer)):
        # The class or factory itself (init=initializers.Ones, initializers.he_normal).
        initializer = initializer()
    if isinstance(initializer, _Named):
        if initializer.seed is None:
            return initializer.name
        return json.dumps({'class_name': 'VarianceScaling', 'config': initializer.get_config()})
    cls = type(initializer)
    if cls in _DEFAULTS and initializer.get_config() == cls().get_config():
        return _DEFAULTS[cls]
    if not isinstance(initializer, Initializer) or cls.__module__ != __name__:
        raise ValueError('A layer takes an initializer by name, as a keras_cpp.initializers '
                         'object, or in a config dict; got ' + repr(initializer))
    # Keras writes numpy values (Constant(np.ones(...))) as nested lists.
    return json.dumps({'class_name': cls.__name__, 'config': initializer.get_config()},
                      default=lambda value: np.asarray(value).tolist())


def get(identifier):
    if isinstance(identifier, Initializer):
        return identifier
    if isinstance(identifier, dict):
        return globals()[identifier['class_name']](**identifier.get('config', {}))
    _initializers.check(identifier)  # ValueError listing the valid names
    camel = ''.join(part.capitalize() for part in identifier.split('_'))
    for name in (identifier, camel, re.sub('^Random', 'Random', camel)):
        if name in globals() and callable(globals()[name]):
            return globals()[name]()
    raise ValueError('Unknown initializer: ' + str(identifier))


def serialize(initializer):
    """Keras 2's {'class_name': ..., 'config': ...} of an initializer (glorot_uniform() and the
    other named ones are VarianceScaling, as in Keras); a function's name."""
    if isinstance(initializer, Initializer):
        cls = VarianceScaling if isinstance(initializer, _Named) else type(initializer)
        return {'class_name': cls.__name__, 'config': initializer.get_config()}
    from .utils.generic_utils import serialize_keras_object
    return serialize_keras_object(initializer)


def deserialize(config, custom_objects=None):
    """The initializer a serialize() config (or a name) describes, custom objects first."""
    from .utils.generic_utils import deserialize_keras_object
    return deserialize_keras_object(config, module_objects=globals(),
                                    custom_objects=custom_objects,
                                    printable_module_name='initializer')
