"""keras.layers.recurrent: SimpleRNN, GRU, LSTM (Keras 1's output_dim, init, inner_init,
inner_activation, W/U/b_regularizer, dropout_W, dropout_U too), their base Recurrent, and Keras
2.2.4's cell API: RNN(cell) over SimpleRNNCell, GRUCell, LSTMCell, StackedRNNCells, a list of
cells, or a cell written in Python (a Layer with `state_size` and call(inputs, states), and
`constants=` when it takes constants)."""
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


def _as_list(tensors):
    return list(tensors) if isinstance(tensors, (list, tuple)) else [tensors]


def _call_with_constants(self, inputs, initial_state=None, constants=None, **kwargs):
    """Keras 2.2.4's RNN.__call__(inputs, initial_state=None, constants=None): constants (a
    tensor or a list) reach every step of a cell whose call takes `constants=`; they follow the
    initial states among the layer's inputs, and the layer remembers how many (num_constants)."""
    if constants is None:
        return _layers.Layer.__call__(self, inputs, initial_state=initial_state, **kwargs)
    constants = _as_list(constants)
    full = _as_list(inputs)
    if initial_state is not None:
        full += _as_list(initial_state)
    self._num_constants = len(constants)
    return _layers.Layer.__call__(self, full + constants, **kwargs)


RNN.__call__ = _call_with_constants
