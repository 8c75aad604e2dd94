"""keras.engine.base_layer: Layer, InputSpec and Node."""
from .._input_spec import InputSpec, assert_input_compatibility  # noqa: F401
from .._keras_cpp.layers import Layer  # noqa: F401
from .. import _node
from .._node import Node  # noqa: F401

_node.install(Layer)
