"""keras.layers.recurrent: SimpleRNN, GRU, LSTM (Keras 1's output_dim, init, inner_init,
inner_activation, W/U/b_regularizer, dropout_W, dropout_U too), and their base Recurrent."""
from .._keras_cpp import layers as _layers

Recurrent = _layers.Recurrent
SimpleRNN = _layers.SimpleRNN
GRU = _layers.GRU
LSTM = _layers.LSTM
__all__ = ['Recurrent', 'SimpleRNN', 'GRU', 'LSTM']
