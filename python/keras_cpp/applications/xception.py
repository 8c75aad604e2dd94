"""keras.applications.xception: the Xception model (Chollet, arXiv:1610.02357) with Keras's layer
order and names, so Keras's weight files load into it. channels_last only, as in Keras."""
from . import _common
from .imagenet_utils import (_INCEPTION_DOC, _obtain_input_shape, _preprocess_with_mode,
                             decode_predictions)
from .. import layers
from ..models import Model

__all__ = ['Xception', 'decode_predictions', 'preprocess_input']

_RELEASE = _common.WEIGHTS_RELEASES + 'v0.4/'

preprocess_input = _preprocess_with_mode('tf', _INCEPTION_DOC)


def _sepconv_bn(x, filters, name, activation_first=True):
    """[relu,] SeparableConv2D 3x3 'same' without bias, batch normalisation; named name,
    name + '_bn' and name + '_act'. activation_first False: the relu comes after."""
    if activation_first:
        x = layers.Activation('relu', name=name + '_act')(x)
    x = layers.SeparableConv2D(filters, (3, 3), padding='same', use_bias=False, name=name)(x)
    x = layers.BatchNormalization(name=name + '_bn')(x)
    if not activation_first:
        x = layers.Activation('relu', name=name + '_act')(x)
    return x


def _strided_residual(x, filters):
    """The shortcut of a downsampling block: a strided 1x1 convolution and batch norm."""
    residual = layers.Conv2D(filters, (1, 1), strides=(2, 2), padding='same',
                             use_bias=False)(x)
    return layers.BatchNormalization()(residual)


def _entry_flow(img_input):
    """Block 1 (two plain convolutions) and blocks 2-4 (downsampling residual blocks)."""
    x = layers.Conv2D(32, (3, 3), strides=(2, 2), use_bias=False, name='block1_conv1')(img_input)
    x = layers.BatchNormalization(name='block1_conv1_bn')(x)
    x = layers.Activation('relu', name='block1_conv1_act')(x)
    x = layers.Conv2D(64, (3, 3), use_bias=False, name='block1_conv2')(x)
    x = layers.BatchNormalization(name='block1_conv2_bn')(x)
    x = layers.Activation('relu', name='block1_conv2_act')(x)
    residual = _strided_residual(x, 128)
    # Block 2 starts without relu (the previous layer ends with one); its second relu is
    # named block2_sepconv2_act, as in Keras.
    x = layers.SeparableConv2D(128, (3, 3), padding='same', use_bias=False,
                               name='block2_sepconv1')(x)
    x = layers.BatchNormalization(name='block2_sepconv1_bn')(x)
    x = _sepconv_bn(x, 128, 'block2_sepconv2')
    x = layers.MaxPooling2D((3, 3), strides=(2, 2), padding='same', name='block2_pool')(x)
    x = layers.add([x, residual])
    for block, filters in ((3, 256), (4, 728)):
        residual = _strided_residual(x, filters)
        x = _sepconv_bn(x, filters, 'block%d_sepconv1' % block)
        x = _sepconv_bn(x, filters, 'block%d_sepconv2' % block)
        x = layers.MaxPooling2D((3, 3), strides=(2, 2), padding='same',
                                name='block%d_pool' % block)(x)
        x = layers.add([x, residual])
    return x


def _middle_and_exit_flow(x):
    """Blocks 5-12 (identity residual blocks of three separable convolutions), block 13
    (downsampling) and block 14 (two separable convolutions, relu after each)."""
    for i in range(8):
        residual = x
        prefix = 'block' + str(i + 5)
        for conv in range(1, 4):
            x = _sepconv_bn(x, 728, prefix + '_sepconv%d' % conv)
        x = layers.add([x, residual])
    residual = _strided_residual(x, 1024)
    x = _sepconv_bn(x, 728, 'block13_sepconv1')
    x = _sepconv_bn(x, 1024, 'block13_sepconv2')
    x = layers.MaxPooling2D((3, 3), strides=(2, 2), padding='same', name='block13_pool')(x)
    x = layers.add([x, residual])
    x = _sepconv_bn(x, 1536, 'block14_sepconv1', activation_first=False)
    return _sepconv_bn(x, 2048, 'block14_sepconv2', activation_first=False)


def Xception(include_top=True, weights='imagenet', input_tensor=None, input_shape=None,
             pooling=None, classes=1000):
    """The Xception architecture (22,910,480 parameters with the classifier); input 299x299
    by default, sides at least 71; channels_last only (with a channels_first setting Keras
    warns and builds channels_last); the arguments are VGG16's."""
    _common.check_weights_argument(weights, include_top, classes)
    with _common.channels_last_only('Xception model'):
        input_shape = _obtain_input_shape(input_shape, default_size=299, min_size=71,
                                          data_format='channels_last',
                                          require_flatten=False, weights=weights)
        img_input = _common.image_input(input_tensor, input_shape)
        x = _middle_and_exit_flow(_entry_flow(img_input))
        if include_top:
            x = layers.GlobalAveragePooling2D(name='avg_pool')(x)
            x = layers.Dense(classes, activation='softmax', name='predictions')(x)
        else:
            x = _common.pooled(x, pooling)
        model = Model(_common.model_inputs(input_tensor, img_input), x, name='xception')
        if include_top:
            imagenet = ('xception_weights_tf_dim_ordering_tf_kernels.h5',
                        '0a58e3b7378bc2990ea3b43d5981f1f6')
        else:
            imagenet = ('xception_weights_tf_dim_ordering_tf_kernels_notop.h5',
                        'b0042744bf5b25fce3cb969f33bebb97')
        return _common.load_weights(model, weights,
                                    (imagenet[0], _RELEASE + imagenet[0], imagenet[1]))
