"""Keras's activation functions on symbolic tensors; layers take them by name or as functions."""
import warnings

from ._export import export
from ._keras_cpp import activations as _activations
from ._keras_cpp.layers import Layer as _Layer

export(_activations, globals(), _activations.names())


def get(identifier):
    """An activation function by name (custom objects' names included), or the function."""
    if identifier is None:
        return linear  # noqa: F821 (exported above)
    if isinstance(identifier, str):
        return deserialize(identifier)
    if callable(identifier):
        if isinstance(identifier, _Layer):
            warnings.warn('Do not pass a layer instance (such as %s) as the activation argument '
                          'of another layer. Instead, advanced activation layers should be used '
                          'just like any other layer in a model.' % type(identifier).__name__)
        return identifier
    raise ValueError('Could not interpret activation function identifier: %r' % (identifier,))


def serialize(activation):
    return activation.__name__


def deserialize(name, custom_objects=None):
    from .utils.generic_utils import _visible_custom_objects
    objects = _visible_custom_objects(custom_objects)
    if name in objects:
        return objects[name]
    _activations.check(name)  # ValueError listing the valid names
    return globals()[name]
