"""Keras's layers: every layer keras.cpp has, under Keras's names (Keras 1 and 2 arguments)."""
from .._keras_cpp.layers import Layer

_engine_init = Layer.__init__


def _layer_init(self, **kwargs):
    """Layer.__init__(**kwargs) for layers written in Python: takes the keywords every Keras
    layer takes (name, input_shape, batch_input_shape, input_dim, trainable)."""
    _engine_init(self, type(self).__name__, **kwargs)


Layer.__init__ = _layer_init
from .core import *  # noqa: F401,F403
from .advanced_activations import *  # noqa: F401,F403
from .noise import *  # noqa: F401,F403
from .convolutional import *  # noqa: F401,F403
from .pooling import *  # noqa: F401,F403
from .embeddings import *  # noqa: F401,F403
from .recurrent import *  # noqa: F401,F403
from .normalization import *  # noqa: F401,F403
from .merge import *  # noqa: F401,F403
from .wrappers import *  # noqa: F401,F403
from .._keras_cpp.layers import Input  # noqa: F401
