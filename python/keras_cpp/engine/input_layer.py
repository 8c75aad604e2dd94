"""keras.engine.input_layer: Input and InputLayer."""
from ..layers import Input, InputLayer  # noqa: F401
