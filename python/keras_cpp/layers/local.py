"""keras.layers.local: LocallyConnected1D and LocallyConnected2D, convolutions whose weights are
not shared between output positions (Keras 2's filters, kernel_size, strides, padding,
data_format, ... and Keras 1's nb_filter, filter_length / nb_row, nb_col, init, border_mode,
subsample_length / subsample, dim_ordering, W_regularizer, ..., bias), from one schema."""
from .._keras_cpp import layers as _layers

LocallyConnected1D = _layers.LocallyConnected1D
LocallyConnected2D = _layers.LocallyConnected2D
__all__ = ['LocallyConnected1D', 'LocallyConnected2D']
