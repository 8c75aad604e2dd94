"""Keras's layers: every layer keras.cpp has, under Keras's names (Keras 1 and 2 arguments)."""
from .._keras_cpp.layers import Layer
from .core import *  # noqa: F401,F403
from .advanced_activations import *  # noqa: F401,F403
from .noise import *  # noqa: F401,F403
