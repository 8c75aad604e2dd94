"""keras.engine.base_layer: Layer and InputSpec."""
from .._input_spec import InputSpec, assert_input_compatibility  # noqa: F401
from .._keras_cpp.layers import Layer  # noqa: F401
