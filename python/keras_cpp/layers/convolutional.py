"""keras.layers.convolutional: Conv1D/2D/3D (Keras 1's Convolution1D/2D/3D and their nb_filter,
nb_row, nb_col, border_mode, subsample, init, dim_ordering arguments too), ZeroPadding,
Cropping and UpSampling; and, as in Keras 1, the pooling layers."""
from .._keras_cpp import layers as _layers

Conv1D = _layers.Conv1D
Conv2D = _layers.Conv2D
Conv3D = _layers.Conv3D
Convolution1D = Conv1D
Convolution2D = Conv2D
Convolution3D = Conv3D
SeparableConv2D = _layers.SeparableConv2D
SeparableConvolution2D = SeparableConv2D
Conv2DTranspose = _layers.Conv2DTranspose


class AtrousConvolution1D(Conv1D):
    """Keras 1's AtrousConvolution1D(nb_filter, filter_length, atrous_rate=1, ...): a Conv1D
    with dilation_rate atrous_rate."""


class AtrousConvolution2D(Conv2D):
    """Keras 1's AtrousConvolution2D(nb_filter, nb_row, nb_col, atrous_rate=(1, 1), ...): a
    Conv2D with dilation_rate atrous_rate."""


class Deconvolution2D(Conv2DTranspose):
    """Keras 1's Deconvolution2D(nb_filter, nb_row, nb_col, output_shape, ...): a
    Conv2DTranspose whose output rows and columns are output_shape's (batch, rows, cols,
    filters), or (batch, filters, rows, cols) with dim_ordering='th'; the batch may be None.
    output_shape may be positional (4th) or a keyword."""


def _resize_class(base, name, arg, default, doc):
    def __init__(self, *args, **kwargs):
        if len(args) > 2:
            raise TypeError('%s takes at most 2 positional arguments (%s, data_format)'
                            % (name, arg))
        if args:
            kwargs.setdefault(arg, args[0])
        if len(args) > 1:
            kwargs.setdefault('data_format', args[1])
        amount = kwargs.pop(arg, default)
        base.__init__(self, name, amount, kwargs.pop('data_format', None), **kwargs)

    __init__.__doc__ = doc
    return type(name, (base,), {'__init__': __init__, '__doc__': doc})


ZeroPadding1D = _resize_class(_layers._ZeroPadding, 'ZeroPadding1D', 'padding', 1,
                              'ZeroPadding1D(padding=1)')
ZeroPadding2D = _resize_class(_layers._ZeroPadding, 'ZeroPadding2D', 'padding', (1, 1),
                              'ZeroPadding2D(padding=(1, 1), data_format=None)')
ZeroPadding3D = _resize_class(_layers._ZeroPadding, 'ZeroPadding3D', 'padding', (1, 1, 1),
                              'ZeroPadding3D(padding=(1, 1, 1), data_format=None)')
Cropping1D = _resize_class(_layers._ZeroPadding, 'Cropping1D', 'cropping', (1, 1),
                           'Cropping1D(cropping=(1, 1))')
Cropping2D = _resize_class(_layers._ZeroPadding, 'Cropping2D', 'cropping', ((0, 0), (0, 0)),
                           'Cropping2D(cropping=((0, 0), (0, 0)), data_format=None)')
Cropping3D = _resize_class(_layers._ZeroPadding, 'Cropping3D', 'cropping',
                           ((1, 1), (1, 1), (1, 1)),
                           'Cropping3D(cropping=((1, 1), (1, 1), (1, 1)), data_format=None)')
UpSampling1D = _resize_class(_layers._UpSampling, 'UpSampling1D', 'size', 2,
                             'UpSampling1D(size=2) (Keras 1: length=2)')
UpSampling2D = _resize_class(_layers._UpSampling, 'UpSampling2D', 'size', (2, 2),
                             'UpSampling2D(size=(2, 2), data_format=None)')
UpSampling3D = _resize_class(_layers._UpSampling, 'UpSampling3D', 'size', (2, 2, 2),
                             'UpSampling3D(size=(2, 2, 2), data_format=None)')

from .pooling import *  # noqa: F401,F403,E402  (Keras 1 had the pooling layers here)
from . import pooling as _pooling  # noqa: E402

__all__ = ['Conv1D', 'Conv2D', 'Conv3D', 'Convolution1D', 'Convolution2D', 'Convolution3D',
           'SeparableConv2D', 'SeparableConvolution2D', 'Conv2DTranspose', 'Deconvolution2D',
           'AtrousConvolution1D', 'AtrousConvolution2D',
           'ZeroPadding1D', 'ZeroPadding2D', 'ZeroPadding3D', 'Cropping1D', 'Cropping2D',
           'Cropping3D', 'UpSampling1D', 'UpSampling2D', 'UpSampling3D'] + _pooling.__all__
