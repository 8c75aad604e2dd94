"""keras.utils.layer_utils (Keras 1): layer_from_config; print_summary, count_params."""
import numpy as np

from .._keras_cpp import models as _models
from ..layers import deserialize as _deserialize


def layer_from_config(config, custom_objects=None):
    """A layer from {'class_name': ..., 'config': ...} (Keras 1's name of layers.deserialize)."""
    return _deserialize(config, custom_objects)


def print_summary(model, line_length=None, positions=None, print_fn=print):
    """Keras's table of the model's layers, output shapes and parameter counts; positions are
    the columns' right edges (fractions of line_length, or characters)."""
    _models.Model.summary(model, line_length, positions, print_fn)


def count_params(weights):
    return int(sum(np.prod(np.shape(w)) for w in weights))
