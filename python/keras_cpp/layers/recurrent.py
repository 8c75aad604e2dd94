"""keras.layers.recurrent: SimpleRNN, GRU, LSTM (Keras 1's output_dim, init, inner_init,
inner_activation, W/U/b_regularizer, dropout_W, dropout_U too), their base Recurrent, and Keras
2.2.4's cell API: RNN(cell) over SimpleRNNCell, GRUCell, LSTMCell, StackedRNNCells, a list of
cells, or a cell written in Python (a Layer with `state_size` and call(inputs, states))."""
from .._keras_cpp import layers as _layers

Recurrent = _layers.Recurrent
SimpleRNN = _layers.SimpleRNN
GRU = _layers.GRU
LSTM = _layers.LSTM
RNN = _layers.RNN
SimpleRNNCell = _layers.SimpleRNNCell
GRUCell = _layers.GRUCell
LSTMCell = _layers.LSTMCell
StackedRNNCells = _layers.StackedRNNCells
__all__ = ['Recurrent', 'SimpleRNN', 'GRU', 'LSTM', 'RNN', 'SimpleRNNCell', 'GRUCell', 'LSTMCell',
           'StackedRNNCells']
