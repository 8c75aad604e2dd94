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
    """A metric function by name, or the function itself."""
    if callable(identifier):
        return identifier
    name = _metrics.canonical_name(identifier)
    return globals().get(name) or _losses.get(name)
