"""keras.layers.convolutional: Conv1D/2D/3D (Keras 1's Convolution1D/2D/3D and their nb_filter,
nb_row, nb_col, border_mode, subsample, init, dim_ordering arguments too), SeparableConv1D/2D,
DepthwiseConv2D, Conv2DTranspose (Deconvolution2D), Conv3DTranspose, ZeroPadding, Cropping and
UpSampling; and, as in Keras 1, the pooling layers. Each class's signature is its C++ schema's."""
import functools

from .._keras_cpp import layers as _layers
from ._signature import family_class, keras_signature

Conv1D = _layers.Conv1D
Conv2D = _layers.Conv2D
Conv3D = _layers.Conv3D
SeparableConv1D = _layers.SeparableConv1D
SeparableConv2D = _layers.SeparableConv2D
DepthwiseConv2D = _layers.DepthwiseConv2D
Conv2DTranspose = _layers.Conv2DTranspose
Conv3DTranspose = _layers.Conv3DTranspose
# Keras's aliases.
Convolution1D, Convolution2D, Convolution3D = Conv1D, Conv2D, Conv3D
SeparableConvolution1D, SeparableConvolution2D = SeparableConv1D, SeparableConv2D
Convolution2DTranspose, Convolution3DTranspose = Conv2DTranspose, Conv3DTranspose


def _keras1_class(base, name, doc):
    """A Keras 1 name over a Keras 2 class: the same schema (its Keras 1 spellings included)."""
    cls = type(name, (base,), {'__doc__': doc, '_arguments': base._arguments})
    cls.__signature__ = keras_signature(base._arguments)
    return cls


AtrousConvolution1D = _keras1_class(
    Conv1D, 'AtrousConvolution1D',
    "Keras 1's AtrousConvolution1D(nb_filter, filter_length, atrous_rate=1, ...): a Conv1D "
    "with dilation_rate atrous_rate.")
AtrousConvolution2D = _keras1_class(
    Conv2D, 'AtrousConvolution2D',
    "Keras 1's AtrousConvolution2D(nb_filter, nb_row, nb_col, atrous_rate=(1, 1), ...): a "
    "Conv2D with dilation_rate atrous_rate.")
Deconvolution2D = _keras1_class(
    Conv2DTranspose, 'Deconvolution2D',
    "Keras 1's Deconvolution2D(nb_filter, nb_row, nb_col, output_shape, ...): a "
    "Conv2DTranspose whose output rows and columns are output_shape's (batch, rows, cols, "
    "filters), or (batch, filters, rows, cols) with dim_ordering='th'; the batch may be None. "
    "output_shape may be positional (4th) or a keyword.")

# Keras's short aliases (Keras 1.2.2's AtrousConv1D/2D and Deconv2D, Keras 2.2.4's Deconv3D).
AtrousConv1D, AtrousConv2D = AtrousConvolution1D, AtrousConvolution2D
Deconv2D = Deconvolution2D
Deconvolution3D = Deconv3D = Conv3DTranspose


_zero_padding_class = functools.partial(family_class, _layers._ZeroPadding)
_cropping_class = functools.partial(family_class, _layers._Cropping)
_up_sampling_class = functools.partial(family_class, _layers._UpSampling)

ZeroPadding1D = _zero_padding_class('ZeroPadding1D')
ZeroPadding2D = _zero_padding_class('ZeroPadding2D')
ZeroPadding3D = _zero_padding_class('ZeroPadding3D')
Cropping1D = _cropping_class('Cropping1D')
Cropping2D = _cropping_class('Cropping2D')
Cropping3D = _cropping_class('Cropping3D')
UpSampling1D = _up_sampling_class('UpSampling1D')
UpSampling2D = _up_sampling_class('UpSampling2D')
UpSampling3D = _up_sampling_class('UpSampling3D')

from .pooling import *  # noqa: F401,F403,E402  (Keras 1 had the pooling layers here)
from . import pooling as _pooling  # noqa: E402

__all__ = ['Conv1D', 'Conv2D', 'Conv3D', 'Convolution1D', 'Convolution2D', 'Convolution3D',
           'SeparableConv1D', 'SeparableConv2D', 'SeparableConvolution1D',
           'SeparableConvolution2D', 'DepthwiseConv2D', 'Conv2DTranspose', 'Conv3DTranspose',
           'Convolution2DTranspose', 'Convolution3DTranspose', 'Deconvolution2D',
           'AtrousConvolution1D', 'AtrousConvolution2D', 'AtrousConv1D', 'AtrousConv2D',
           'Deconv2D', 'Deconv3D', 'Deconvolution3D',
           'ZeroPadding1D', 'ZeroPadding2D', 'ZeroPadding3D', 'Cropping1D', 'Cropping2D',
           'Cropping3D', 'UpSampling1D', 'UpSampling2D', 'UpSampling3D'] + _pooling.__all__
