"""Keras's activation functions on symbolic tensors; layers take them by name or as functions."""
from ._export import export
from ._keras_cpp import activations as _activations

export(_activations, globals(), _activations.names())


def get(identifier):
    if identifier is None:
        return linear  # noqa: F821 (exported above)
    if callable(identifier):
        return identifier
    _activations.check(identifier)  # ValueError listing the valid names
    return globals()[identifier]


def serialize(activation):
    return activation.__name__
