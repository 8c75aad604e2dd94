"""keras.applications.resnet50: the ResNet50 model (He et al., arXiv:1512.03385) with Keras's
layer names, so Keras's weight files load into it."""
import warnings

from . import _common
from .imagenet_utils import _obtain_input_shape, decode_predictions, preprocess_input
from .. import backend as K
from .. import layers
from ..models import Model

__all__ = ['ResNet50', 'decode_predictions', 'preprocess_input']

_RELEASE = _common.WEIGHTS_RELEASES + 'v0.2/'


def _bottleneck(input_tensor, kernel_size, filters, stage, block, strides=None):
    """A residual block: 1x1, kernel_size x kernel_size and 1x1 convolutions, each with batch
    normalisation, added to the shortcut. strides None: the identity shortcut (Keras's
    identity_block); otherwise a strided 1x1 convolution on both paths (Keras's conv_block)."""
    filters1, filters2, filters3 = filters
    bn_axis = _common.channel_axis()
    conv_name = 'res%d%s_branch' % (stage, block)
    bn_name = 'bn%d%s_branch' % (stage, block)
    x = layers.Conv2D(filters1, (1, 1), strides=strides or (1, 1),
                      kernel_initializer='he_normal', name=conv_name + '2a')(input_tensor)
    x = layers.BatchNormalization(axis=bn_axis, name=bn_name + '2a')(x)
    x = layers.Activation('relu')(x)
    x = layers.Conv2D(filters2, kernel_size, padding='same', kernel_initializer='he_normal',
                      name=conv_name + '2b')(x)
    x = layers.BatchNormalization(axis=bn_axis, name=bn_name + '2b')(x)
    x = layers.Activation('relu')(x)
    x = layers.Conv2D(filters3, (1, 1), kernel_initializer='he_normal',
                      name=conv_name + '2c')(x)
    x = layers.BatchNormalization(axis=bn_axis, name=bn_name + '2c')(x)
    shortcut = input_tensor
    if strides is not None:
        shortcut = layers.Conv2D(filters3, (1, 1), strides=strides,
                                 kernel_initializer='he_normal',
                                 name=conv_name + '1')(input_tensor)
        shortcut = layers.BatchNormalization(axis=bn_axis, name=bn_name + '1')(shortcut)
    x = layers.add([x, shortcut])
    return layers.Activation('relu')(x)


def ResNet50(include_top=True, weights='imagenet', input_tensor=None, input_shape=None,
             pooling=None, classes=1000):
    """The ResNet50 architecture (25,636,712 parameters with the classifier).

    Arguments as VGG16's: include_top, weights (None, 'imagenet' or a file), input_tensor,
    input_shape (only without the top, sides at least 32), pooling (None, 'avg', 'max'),
    classes.
    """
    _common.check_weights_argument(weights, include_top, classes)
    input_shape = _obtain_input_shape(input_shape, default_size=224, min_size=32,
                                      data_format=K.image_data_format(),
                                      require_flatten=include_top, weights=weights)
    img_input = _common.image_input(input_tensor, input_shape)
    x = layers.ZeroPadding2D(padding=(3, 3), name='conv1_pad')(img_input)
    x = layers.Conv2D(64, (7, 7), strides=(2, 2), padding='valid',
                      kernel_initializer='he_normal', name='conv1')(x)
    x = layers.BatchNormalization(axis=_common.channel_axis(), name='bn_conv1')(x)
    x = layers.Activation('relu')(x)
    x = layers.ZeroPadding2D(padding=(1, 1), name='pool1_pad')(x)
    x = layers.MaxPooling2D((3, 3), strides=(2, 2))(x)
    stages = ((2, (64, 64, 256), 'abc', (1, 1)),
              (3, (128, 128, 512), 'abcd', (2, 2)),
              (4, (256, 256, 1024), 'abcdef', (2, 2)),
              (5, (512, 512, 2048), 'abc', (2, 2)))
    for stage, filters, blocks, strides in stages:
        x = _bottleneck(x, 3, filters, stage, blocks[0], strides=strides)
        for block in blocks[1:]:
            x = _bottleneck(x, 3, filters, stage, block)
    if include_top:
        x = layers.GlobalAveragePooling2D(name='avg_pool')(x)
        x = layers.Dense(classes, activation='softmax', name='fc1000')(x)
    else:
        if pooling not in ('avg', 'max'):
            warnings.warn('The output shape of `ResNet50(include_top=False)` '
                          'has been changed since Keras 2.2.0.')
        x = _common.pooled(x, pooling)
    model = Model(_common.model_inputs(input_tensor, img_input), x, name='resnet50')
    if include_top:
        imagenet = ('resnet50_weights_tf_dim_ordering_tf_kernels.h5',
                    'a7b3fe01876f51b976af0dea6bc144eb')
    else:
        imagenet = ('resnet50_weights_tf_dim_ordering_tf_kernels_notop.h5',
                    'a268eb855778b3df3c7506639542a6af')
    return _common.load_weights(model, weights,
                                (imagenet[0], _RELEASE + imagenet[0], imagenet[1]))
