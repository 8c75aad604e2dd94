"""Keras's metrics: the accuracies, and every loss (as Keras allows)."""
from ._export import export
from ._keras_cpp import metrics as _metrics
from .losses import *  # noqa: F401,F403
from .losses import mse, MSE, mae, MAE, mape, MAPE, msle, MSLE, kld, KLD, cosine  # noqa: F401
from . import losses as _losses

export(_metrics, globals(), ['binary_accuracy', 'categorical_accuracy',
                             'sparse_categorical_accuracy', 'top_k_categorical_accuracy',
                             'sparse_top_k_categorical_accuracy'])


def get(identifier):
    """A metric function by name (custom objects' names included), or the function itself."""
    if callable(identifier):
        return identifier
    return deserialize(identifier)


def serialize(metric):
    return metric.__name__


def deserialize(name, custom_objects=None):
    from .utils.generic_utils import _visible_custom_objects
    objects = _visible_custom_objects(custom_objects)
    if name in objects:
        return objects[name]
    name = _metrics.canonical_name(name)
    return globals().get(name) or _losses.get(name)
