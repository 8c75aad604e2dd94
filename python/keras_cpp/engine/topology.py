"""keras.engine.topology: Layer, Input, InputLayer; Keras 1 also had merge, Merge and Container
(the graph base of Model) here."""
from .._keras_cpp.layers import Input, InputLayer, Layer  # noqa: F401
from ..layers.merge import Merge, merge  # noqa: F401


def __getattr__(name):
    if name == 'Container':  # Keras 1's base of Model: the functional Model here
        from ..models import Model
        return Model
    raise AttributeError("module 'keras_cpp.engine.topology' has no attribute " + repr(name))
