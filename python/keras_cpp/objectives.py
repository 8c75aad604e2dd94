"""Keras 1's name for `losses`."""
from .losses import *  # noqa: F401,F403
from .losses import get, mse, mae, mape, msle, kld, cosine  # noqa: F401
