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
