"""keras.applications.mobilenet: the MobileNet v1 model (Howard et al., arXiv:1704.04861) with
Keras's layer names, so Keras's weight files load into it. channels_last only, as in Keras."""
import warnings

from . import _common
from .imagenet_utils import _obtain_input_shape, _preprocess_with_mode, decode_predictions
from .. import backend as K
from .. import layers
from ..models import Model

__all__ = ['MobileNet', 'decode_predictions', 'preprocess_input']

_RELEASE = _common.WEIGHTS_RELEASES + 'v0.6/'

preprocess_input = _preprocess_with_mode(
    'tf', "MobileNet's preprocessing: scales a batch of RGB values in [0, 255] to [-1, 1] "
          "(imagenet_utils.preprocess_input with mode='tf').")


def _default_size(input_shape, sizes):
    """The ImageNet size (one of `sizes`) matching a square input_shape, else 224."""
    if input_shape is None:
        return 224
    rows, cols = ((input_shape[1], input_shape[2]) if K.image_data_format() == 'channels_first'
                  else (input_shape[0], input_shape[1]))
    return rows if rows == cols and rows in sizes else 224


def _check_imagenet_rows(rows, cols, sizes, message):
    """ImageNet weights exist for square inputs of `sizes` only; an unknown size loads 224's."""
    if rows != cols or rows not in sizes:
        if rows is None:
            warnings.warn('MobileNet shape is undefined.'
                          ' Weights for input shape (224, 224) will be loaded.')
            return 224
        raise ValueError(message)
    return rows


def _conv_block(inputs, filters, alpha, kernel=(3, 3), strides=(1, 1)):
    """The stem: zero padding, strided convolution without bias, batch norm, relu6."""
    filters = int(filters * alpha)
    x = layers.ZeroPadding2D(padding=((0, 1), (0, 1)), name='conv1_pad')(inputs)
    x = layers.Conv2D(filters, kernel, padding='valid', use_bias=False, strides=strides,
                      name='conv1')(x)
    x = layers.BatchNormalization(axis=-1, name='conv1_bn')(x)
    return layers.ReLU(6., name='conv1_relu')(x)


def _depthwise_conv_block(inputs, pointwise_conv_filters, alpha, depth_multiplier=1,
                          strides=(1, 1), block_id=1):
    """A depthwise separable block: 3x3 depthwise convolution, batch norm, relu6, 1x1
    pointwise convolution, batch norm, relu6 (a strided block pads by hand first)."""
    pointwise_conv_filters = int(pointwise_conv_filters * alpha)
    x = inputs
    if strides != (1, 1):
        x = layers.ZeroPadding2D(((0, 1), (0, 1)), name='conv_pad_%d' % block_id)(x)
    x = layers.DepthwiseConv2D((3, 3), padding='same' if strides == (1, 1) else 'valid',
                               depth_multiplier=depth_multiplier, strides=strides,
                               use_bias=False, name='conv_dw_%d' % block_id)(x)
    x = layers.BatchNormalization(axis=-1, name='conv_dw_%d_bn' % block_id)(x)
    x = layers.ReLU(6., name='conv_dw_%d_relu' % block_id)(x)
    x = layers.Conv2D(pointwise_conv_filters, (1, 1), padding='same', use_bias=False,
                      strides=(1, 1), name='conv_pw_%d' % block_id)(x)
    x = layers.BatchNormalization(axis=-1, name='conv_pw_%d_bn' % block_id)(x)
    return layers.ReLU(6., name='conv_pw_%d_relu' % block_id)(x)


# (pointwise filters, strides) of the 13 depthwise separable blocks.
_BLOCKS = ((64, 1), (128, 2), (128, 1), (256, 2), (256, 1), (512, 2), (512, 1), (512, 1),
           (512, 1), (512, 1), (512, 1), (1024, 2), (1024, 1))


def _check_mobilenet_imagenet(alpha, depth_multiplier, input_shape):
    """Keras's checks of the arguments with ImageNet weights; the weights' input size."""
    if depth_multiplier != 1:
        raise ValueError('If imagenet weights are being loaded, depth multiplier must be 1')
    if alpha not in [0.25, 0.50, 0.75, 1.0]:
        raise ValueError('If imagenet weights are being loaded, '
                         'alpha can be one of'
                         '`0.25`, `0.50`, `0.75` or `1.0` only.')
    return _check_imagenet_rows(
        input_shape[0], input_shape[1], (128, 160, 192, 224),
        'If imagenet weights are being loaded, input must have a static square shape '
        '(one of (128, 128), (160, 160), (192, 192), or (224, 224)). '
        'Input shape provided = %s' % (input_shape,))


def MobileNet(input_shape=None, alpha=1.0, depth_multiplier=1, dropout=1e-3, include_top=True,
              weights='imagenet', input_tensor=None, pooling=None, classes=1000):
    """The MobileNet architecture (4,253,864 parameters at alpha 1.0 with the classifier).

    alpha: the width multiplier (ImageNet weights for 0.25, 0.50, 0.75, 1.0);
    depth_multiplier: the depthwise convolutions' (1 for ImageNet weights); dropout: the rate
    before the classifier; input_shape: sides at least 32, ImageNet weights for square 128,
    160, 192 or 224 inputs; the other arguments are VGG16's. channels_last only.
    """
    _common.check_weights_argument(weights, include_top, classes)
    with _common.channels_last_only('MobileNet family of models'):
        input_shape = _obtain_input_shape(input_shape,
                                          default_size=_default_size(input_shape,
                                                                     (128, 160, 192, 224)),
                                          min_size=32, data_format='channels_last',
                                          require_flatten=include_top, weights=weights)
        rows = input_shape[0]
        if weights == 'imagenet':
            rows = _check_mobilenet_imagenet(alpha, depth_multiplier, input_shape)
        img_input = _common.image_input(input_tensor, input_shape)
        x = _conv_block(img_input, 32, alpha, strides=(2, 2))
        for block_id, (filters, stride) in enumerate(_BLOCKS, 1):
            x = _depthwise_conv_block(x, filters, alpha, depth_multiplier,
                                      strides=(stride, stride), block_id=block_id)
        if include_top:
            x = layers.GlobalAveragePooling2D()(x)
            x = layers.Reshape((1, 1, int(1024 * alpha)), name='reshape_1')(x)
            x = layers.Dropout(dropout, name='dropout')(x)
            x = layers.Conv2D(classes, (1, 1), padding='same', name='conv_preds')(x)
            x = layers.Activation('softmax', name='act_softmax')(x)
            x = layers.Reshape((classes,), name='reshape_2')(x)
        else:
            x = _common.pooled(x, pooling)
        model = Model(_common.model_inputs(input_tensor, img_input), x,
                      name='mobilenet_%0.2f_%s' % (alpha, rows))
        alpha_text = {1.0: '1_0', 0.75: '7_5', 0.50: '5_0'}.get(alpha, '2_5')
        fname = 'mobilenet_%s_%d_tf%s.h5' % (alpha_text, rows if rows else 224,
                                             '' if include_top else '_no_top')
        return _common.load_weights(model, weights, (fname, _RELEASE + fname, None))
