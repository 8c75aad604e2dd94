"""keras.engine.topology: Layer."""
from .._keras_cpp.layers import Layer  # noqa: F401
