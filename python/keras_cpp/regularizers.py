"""Keras's weight regularizers: L1L2 and l1/l2/l1_l2 (Keras 1: l1l2, activity_l1, ...).

Layers take them as objects (`kernel_regularizer=l2(0.01)`), by name ('l2'), or as any Python
function of the weight tensor, which is called once and becomes graph ops.
"""
from . import backend as K


class Regularizer(object):
    """The base class: __call__(x) returns the penalty as a symbolic scalar."""

    def __call__(self, x):
        return 0.

    @classmethod
    def from_config(cls, config):
        return cls(**config)


class L1L2(Regularizer):
    """sum(l1 * |x|) + sum(l2 * x^2)."""

    def __init__(self, l1=0., l2=0.):
        self.l1 = float(l1)
        self.l2 = float(l2)

    def __call__(self, x):
        penalty = 0.
        if self.l1:
            penalty = penalty + K.sum(K.abs(x) * self.l1)
        if self.l2:
            penalty = penalty + K.sum(K.square(x) * self.l2)
        return penalty

    def get_config(self):
        return {'l1': self.l1, 'l2': self.l2}


class EigenvalueRegularizer(Regularizer):
    """Keras 1.2.2: k * sqrt(the largest eigenvalue of x^T x) for a rank-2 weight x, the
    eigenvalue approximated by 9 steps of the power method from a vector of ones."""

    def __init__(self, k):
        self.k = k

    def __call__(self, x):
        if K.ndim(x) != 2:
            raise ValueError('EigenvalueRegularizer is only available for tensors of rank 2.')
        covariance = K.dot(K.transpose(x), x)
        eigenvector = K.dot(covariance, K.ones([K.int_shape(covariance)[0], 1]))
        for _ in range(8):
            eigenvector = K.dot(covariance, eigenvector)
        covariance_d = K.dot(covariance, eigenvector)
        eigenvalue = (K.dot(K.transpose(covariance_d), eigenvector) /
                      K.dot(K.transpose(eigenvector), eigenvector))
        return K.sum((eigenvalue ** 0.5) * self.k)


def l1(l=0.01):
    return L1L2(l1=l)


def l2(l=0.01):
    return L1L2(l2=l)


def l1_l2(l1=0.01, l2=0.01):  # noqa: F811 (Keras's argument names)
    return L1L2(l1=l1, l2=l2)


# Keras 1 names.
l1l2 = l1_l2
activity_l1 = l1
activity_l2 = l2
activity_l1l2 = l1_l2
WeightRegularizer = L1L2
L1L2Regularizer = L1L2
ActivityRegularizer = L1L2


_BY_NAME = {'L1L2': L1L2, 'WeightRegularizer': L1L2, 'ActivityRegularizer': L1L2,
            'L1L2Regularizer': L1L2, 'l1': l1, 'l2': l2, 'l1_l2': l1_l2, 'l1l2': l1_l2,
            'activity_l1': l1, 'activity_l2': l2, 'activity_l1l2': l1_l2}


def serialize(regularizer):
    return {'class_name': type(regularizer).__name__, 'config': regularizer.get_config()}


def deserialize(config, custom_objects=None):
    """The regularizer a {'class_name', 'config'} dict describes: Keras's classes and functions
    (l1, l2, l1_l2 and Keras 1's names), or a custom object (also of a CustomObjectScope)."""
    from .utils.generic_utils import deserialize_keras_object
    return deserialize_keras_object(config, module_objects=_BY_NAME,
                                    custom_objects=custom_objects,
                                    printable_module_name='regularizer')


def get(identifier):
    if identifier is None:
        return None
    if isinstance(identifier, dict):
        return deserialize(identifier)
    if isinstance(identifier, str):
        return deserialize({'class_name': identifier, 'config': {}})
    if callable(identifier):
        return identifier
    raise ValueError('Could not interpret regularizer identifier: ' + str(identifier))
