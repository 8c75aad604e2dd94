"""keras.layers.wrappers: TimeDistributed(layer) and Bidirectional(layer, merge_mode='concat')
over any recurrent layer (SimpleRNN, GRU, LSTM, RNN(cell), ConvLSTM2D)."""
from .._keras_cpp import layers as _layers
from .recurrent import _call_with_constants

TimeDistributed = _layers.TimeDistributed
Bidirectional = _layers.Bidirectional
# bidirectional(x, initial_state=[forward states..., backward states...], constants=[...]).
Bidirectional.__call__ = _call_with_constants
__all__ = ['TimeDistributed', 'Bidirectional']
