"""Keras's activation functions on symbolic tensors; layers take them by name or as functions."""
from ._export import export
from ._keras_cpp import activations as _activations

export(_activations, globals(), _activations.names())


def get(identifier):
    """An activation function by name (custom objects' names included), or the function."""
    if identifier is None:
        return linear  # noqa: F821 (exported above)
    if callable(identifier):
        return identifier
    return deserialize(identifier)


def serialize(activation):
    return activation.__name__


def deserialize(name, custom_objects=None):
    from .utils.generic_utils import _visible_custom_objects
    objects = _visible_custom_objects(custom_objects)
    if name in objects:
        return objects[name]
    _activations.check(name)  # ValueError listing the valid names
    return globals()[name]
