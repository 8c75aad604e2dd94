"""keras.layers.convolutional_recurrent: ConvLSTM2D, an LSTM whose input and recurrent
transformations are 2D convolutions (Keras 2's filters, kernel_size, ..., recurrent_activation,
dropout, recurrent_dropout and Keras 1's nb_filter, nb_row, nb_col, init, inner_init,
forget_bias_init, inner_activation, dim_ordering, border_mode, subsample, W/U/b_regularizer,
dropout_W, dropout_U)."""
from .._keras_cpp import layers as _layers

ConvLSTM2D = _layers.ConvLSTM2D
__all__ = ['ConvLSTM2D']
