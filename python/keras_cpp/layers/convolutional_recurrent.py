"""keras.layers.convolutional_recurrent: ConvLSTM2D, an LSTM whose input and recurrent
transformations are 2D convolutions (Keras 2's filters, kernel_size, ..., recurrent_activation,
dropout, recurrent_dropout and Keras 1's nb_filter, nb_row, nb_col, init, inner_init,
forget_bias_init, inner_activation, dim_ordering, border_mode, subsample, W/U/b_regularizer,
dropout_W, dropout_U); Keras 2.2.4's ConvRNN2D(cell) over a ConvLSTM2DCell or a convolutional
cell written in Python (a Layer with filters, kernel_size, strides, padding, data_format,
dilation_rate, state_size and call(inputs, states)); Keras 1's abstract base ConvRecurrent2D."""
from .._keras_cpp import layers as _layers

ConvRecurrent2D = _layers.ConvRecurrent2D
ConvRNN2D = _layers.ConvRNN2D
ConvLSTM2DCell = _layers.ConvLSTM2DCell
ConvLSTM2D = _layers.ConvLSTM2D
__all__ = ['ConvRecurrent2D', 'ConvRNN2D', 'ConvLSTM2DCell', 'ConvLSTM2D']


def _get_initial_state(self, inputs):
    """Keras's ConvRNN2D.get_initial_state(inputs): zeros shaped like a state (batch, rows,
    cols, filters) (channels_first: (batch, filters, rows, cols)), one per state (h and c)."""
    from .. import backend as K
    shape = self.compute_output_shape(K.int_shape(inputs))
    shape = shape[0] if isinstance(shape, list) else shape
    if self.return_sequences:
        shape = shape[:1] + shape[2:]
    per_sample = K.sum(K.zeros_like(inputs), axis=tuple(range(1, K.ndim(inputs))))
    for _ in shape[1:]:
        per_sample = K.expand_dims(per_sample)
    size = self.cell.state_size
    count = len(size) if hasattr(size, '__len__') else 1
    return [per_sample + K.zeros(tuple(shape[1:])) for _ in range(count)]


def _call_with_states_of_any_tensors(self, inputs, initial_state=None, **kwargs):
    """layer(x, initial_state=...) where the states may be tensors no layer made (as
    get_initial_state's)."""
    from .recurrent import _as_keras_tensors
    return _layers.Layer.__call__(self, inputs, initial_state=_as_keras_tensors(initial_state,
                                                                              inputs), **kwargs)


ConvRNN2D.get_initial_state = _get_initial_state
ConvRNN2D.__call__ = _call_with_states_of_any_tensors
