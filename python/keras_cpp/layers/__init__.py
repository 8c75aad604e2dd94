"""Keras's layers: every layer keras.cpp has, under Keras's names (Keras 1 and 2 arguments)."""
from .._keras_cpp.layers import Layer

_engine_init = Layer.__init__


def _layer_init(self, **kwargs):
    """Layer.__init__(**kwargs) for layers written in Python: takes the keywords every Keras
    layer takes (name, input_shape, batch_input_shape, input_dim, trainable, dtype)."""
    dtype = kwargs.pop('dtype', None)
    if dtype is not None:
        from ..backend import floatx
        if str(dtype) != floatx():
            raise ValueError('Layer ' + type(self).__name__ + ': layers compute in floatx() (' +
                             floatx() + '), got dtype=' + str(dtype))
    _engine_init(self, type(self).__name__, **kwargs)


def _from_config(cls, config):
    """Keras's Layer.from_config: cls(**config) for layers written in Python; keras_cpp's own
    layers read their Keras configs in C++."""
    if cls.__module__.startswith('keras_cpp.'):
        return _layers_module._deserialize({'class_name': cls.__name__, 'config': config})
    return cls(**config)


from .._keras_cpp import layers as _layers_module  # noqa: E402

Layer.__init__ = _layer_init
Layer.from_config = classmethod(_from_config)
from .core import *  # noqa: F401,F403
from .advanced_activations import *  # noqa: F401,F403
from .noise import *  # noqa: F401,F403
from .convolutional import *  # noqa: F401,F403
from .pooling import *  # noqa: F401,F403
from .embeddings import *  # noqa: F401,F403
from .recurrent import *  # noqa: F401,F403
from .convolutional_recurrent import *  # noqa: F401,F403
from .local import *  # noqa: F401,F403
from .normalization import *  # noqa: F401,F403
from .merge import *  # noqa: F401,F403
from .wrappers import *  # noqa: F401,F403
from .._keras_cpp.layers import Input, InputLayer  # noqa: F401

_input_layer_init = InputLayer.__init__


def _input_layer_init_keeping_output(self, *args, **kwargs):
    """InputLayer(...) makes its placeholder, which the layer's Python object keeps (the
    engine's layers hold their outputs weakly)."""
    _input_layer_init(self, *args, **kwargs)
    self._input_tensor = self._make_input()


_input_layer_init_keeping_output.__doc__ = InputLayer.__init__.__doc__
InputLayer.__init__ = _input_layer_init_keeping_output


def serialize(layer):
    """{'class_name': ..., 'config': layer.get_config()}."""
    return _layers_module._serialize(layer)


def deserialize(config, custom_objects=None):
    """A layer from {'class_name': ..., 'config': ...}; names the library does not know come
    from custom_objects (and the objects of get_custom_objects() and CustomObjectScope)."""
    from ..utils.generic_utils import _visible_custom_objects
    return _layers_module._deserialize(config, _visible_custom_objects(custom_objects))
