"""keras.layers.wrappers: Wrapper, the base of TimeDistributed(layer) and Bidirectional(layer,
merge_mode='concat') over any recurrent layer (SimpleRNN, GRU, LSTM, RNN(cell), ConvLSTM2D), and
of wrappers written in Python."""
from .._keras_cpp import layers as _layers
from .recurrent import _call_with_constants

Wrapper = _layers.Wrapper
TimeDistributed = _layers.TimeDistributed
Bidirectional = _layers.Bidirectional
# bidirectional(x, initial_state=[forward states..., backward states...], constants=[...]).
Bidirectional.__call__ = _call_with_constants
__all__ = ['Wrapper', 'TimeDistributed', 'Bidirectional']

_engine_wrapper_init = Wrapper.__init__


def _wrapper_init(self, layer, **kwargs):
    """Wrapper.__init__(layer, **kwargs) for wrappers written in Python: self.layer is `layer`;
    the keywords are those every Keras layer takes."""
    _engine_wrapper_init(self, type(self).__name__, layer, **kwargs)


def _wrapper_from_config(cls, config, custom_objects=None):
    """Keras's Wrapper.from_config: the wrapped layer from config['layer'] (custom_objects and
    the objects in scope resolve its class), then cls(layer, **the rest)."""
    from . import deserialize
    if cls.__module__.startswith('keras_cpp.'):
        return deserialize({'class_name': cls.__name__, 'config': config}, custom_objects)
    config = dict(config)
    layer = deserialize(config.pop('layer'), custom_objects=custom_objects)
    return cls(layer, **config)


Wrapper.__init__ = _wrapper_init
Wrapper.from_config = classmethod(_wrapper_from_config)
