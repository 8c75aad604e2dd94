"""Keras's weight constraints: MaxNorm, NonNeg, UnitNorm, MinMaxNorm (Keras 1: maxnorm, nonneg,
unitnorm). Layers take them as objects, by name, or as any Python function of the updated weight
(called once, traced into graph ops). The engine applies them after every optimizer update.
"""
from . import backend as K


class Constraint(object):
    def __call__(self, w):
        return w

    def get_config(self):
        return {}

    @classmethod
    def from_config(cls, config):
        return cls(**config)


def _norms(w, axis):
    return K.sqrt(K.sum(K.square(w), axis=axis, keepdims=True))


class MaxNorm(Constraint):
    def __init__(self, max_value=2, axis=0):
        self.max_value = max_value
        self.axis = axis

    def __call__(self, w):
        norms = _norms(w, self.axis)
        desired = K.clip(norms, 0, self.max_value)
        return w * (desired / (norms + K.epsilon()))

    def get_config(self):
        return {'max_value': self.max_value, 'axis': self.axis}


class NonNeg(Constraint):
    def __call__(self, w):
        return w * K.cast(K.greater_equal(w, 0.), K.floatx())


class UnitNorm(Constraint):
    def __init__(self, axis=0):
        self.axis = axis

    def __call__(self, w):
        return w / (_norms(w, self.axis) + K.epsilon())

    def get_config(self):
        return {'axis': self.axis}


class MinMaxNorm(Constraint):
    def __init__(self, min_value=0.0, max_value=1.0, rate=1.0, axis=0):
        self.min_value = min_value
        self.max_value = max_value
        self.rate = rate
        self.axis = axis

    def __call__(self, w):
        norms = _norms(w, self.axis)
        desired = (K.clip(norms, self.min_value, self.max_value) * self.rate +
                   norms * (1 - self.rate))
        return w * (desired / (norms + K.epsilon()))

    def get_config(self):
        return {'min_value': self.min_value, 'max_value': self.max_value, 'rate': self.rate,
                'axis': self.axis}


max_norm = MaxNorm
non_neg = NonNeg
unit_norm = UnitNorm
min_max_norm = MinMaxNorm
# Keras 1 names.
maxnorm = MaxNorm
nonneg = NonNeg
unitnorm = UnitNorm


def serialize(constraint):
    return {'class_name': type(constraint).__name__, 'config': constraint.get_config()}


def deserialize(config, custom_objects=None):
    classes = {'MaxNorm': MaxNorm, 'NonNeg': NonNeg, 'UnitNorm': UnitNorm,
               'MinMaxNorm': MinMaxNorm}
    classes.update(custom_objects or {})
    if config['class_name'] not in classes:
        raise ValueError('Unknown constraint: ' + str(config['class_name']))
    return classes[config['class_name']].from_config(config['config'])


def get(identifier):
    if identifier is None:
        return None
    if isinstance(identifier, dict):
        return deserialize(identifier)
    if isinstance(identifier, str):
        return deserialize({'class_name': identifier, 'config': {}},
                           {'max_norm': MaxNorm, 'non_neg': NonNeg, 'unit_norm': UnitNorm,
                            'min_max_norm': MinMaxNorm, 'maxnorm': MaxNorm, 'nonneg': NonNeg,
                            'unitnorm': UnitNorm})
    if callable(identifier):
        return identifier
    raise ValueError('Could not interpret constraint identifier: ' + str(identifier))
