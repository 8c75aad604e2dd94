"""keras.layers.wrappers: TimeDistributed(layer) and Bidirectional(layer, merge_mode='concat')."""
from .._keras_cpp import layers as _layers

TimeDistributed = _layers.TimeDistributed
Bidirectional = _layers.Bidirectional
__all__ = ['TimeDistributed', 'Bidirectional']
