"""keras.engine.topology: Layer and Input."""
from .._keras_cpp.layers import Input, InputLayer, Layer  # noqa: F401
