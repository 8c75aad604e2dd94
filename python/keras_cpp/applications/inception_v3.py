"""keras.applications.inception_v3: the Inception V3 model (Szegedy et al., arXiv:1512.00567)
with Keras's layer order and names, so Keras's weight files load into it."""
from . import _common
from .imagenet_utils import _obtain_input_shape, decode_predictions
from .imagenet_utils import _INCEPTION_DOC, _preprocess_with_mode
from .. import backend as K
from .. import layers
from ..models import Model

__all__ = ['InceptionV3', 'decode_predictions', 'preprocess_input']

_RELEASE = _common.WEIGHTS_RELEASES + 'v0.5/'


def _conv2d_bn(x, filters, num_row, num_col, padding='same', strides=(1, 1), name=None):
    """Conv2D without bias, batch normalisation without scale, relu (Keras's conv2d_bn): the
    layers are named name + '_conv', name + '_bn' and name when a name is given."""
    x = layers.Conv2D(filters, (num_row, num_col), strides=strides, padding=padding,
                      use_bias=False, name=None if name is None else name + '_conv')(x)
    x = layers.BatchNormalization(axis=_common.channel_axis(), scale=False,
                                  name=None if name is None else name + '_bn')(x)
    return layers.Activation('relu', name=name)(x)


def _avg_pool_branch(x, filters):
    """A 3x3 'same' average pooling followed by a 1x1 conv2d_bn."""
    x = layers.AveragePooling2D((3, 3), strides=(1, 1), padding='same')(x)
    return _conv2d_bn(x, filters, 1, 1)


def _block_35(x, pool_filters, name):
    """The 35x35 Inception block (mixed0-2): 1x1, 5x5, double 3x3 and pooling branches."""
    branch1x1 = _conv2d_bn(x, 64, 1, 1)
    branch5x5 = _conv2d_bn(x, 48, 1, 1)
    branch5x5 = _conv2d_bn(branch5x5, 64, 5, 5)
    branch3x3dbl = _conv2d_bn(x, 64, 1, 1)
    branch3x3dbl = _conv2d_bn(branch3x3dbl, 96, 3, 3)
    branch3x3dbl = _conv2d_bn(branch3x3dbl, 96, 3, 3)
    branch_pool = _avg_pool_branch(x, pool_filters)
    return layers.concatenate([branch1x1, branch5x5, branch3x3dbl, branch_pool],
                              axis=_common.channel_axis(), name=name)


def _block_17(x, filters_7x7, name):
    """The 17x17 Inception block (mixed4-7): 1x1, factorised 7x7, double 7x7 and pooling."""
    branch1x1 = _conv2d_bn(x, 192, 1, 1)
    branch7x7 = _conv2d_bn(x, filters_7x7, 1, 1)
    branch7x7 = _conv2d_bn(branch7x7, filters_7x7, 1, 7)
    branch7x7 = _conv2d_bn(branch7x7, 192, 7, 1)
    branch7x7dbl = _conv2d_bn(x, filters_7x7, 1, 1)
    branch7x7dbl = _conv2d_bn(branch7x7dbl, filters_7x7, 7, 1)
    branch7x7dbl = _conv2d_bn(branch7x7dbl, filters_7x7, 1, 7)
    branch7x7dbl = _conv2d_bn(branch7x7dbl, filters_7x7, 7, 1)
    branch7x7dbl = _conv2d_bn(branch7x7dbl, 192, 1, 7)
    branch_pool = _avg_pool_branch(x, 192)
    return layers.concatenate([branch1x1, branch7x7, branch7x7dbl, branch_pool],
                              axis=_common.channel_axis(), name=name)


def _block_8(x, index):
    """The 8x8 Inception block (mixed9, mixed10) with its split 1x3/3x1 branches."""
    axis = _common.channel_axis()
    branch1x1 = _conv2d_bn(x, 320, 1, 1)
    branch3x3 = _conv2d_bn(x, 384, 1, 1)
    branch3x3 = layers.concatenate([_conv2d_bn(branch3x3, 384, 1, 3),
                                    _conv2d_bn(branch3x3, 384, 3, 1)],
                                   axis=axis, name='mixed9_' + str(index))
    branch3x3dbl = _conv2d_bn(x, 448, 1, 1)
    branch3x3dbl = _conv2d_bn(branch3x3dbl, 384, 3, 3)
    branch3x3dbl = layers.concatenate([_conv2d_bn(branch3x3dbl, 384, 1, 3),
                                       _conv2d_bn(branch3x3dbl, 384, 3, 1)], axis=axis)
    branch_pool = _avg_pool_branch(x, 192)
    return layers.concatenate([branch1x1, branch3x3, branch3x3dbl, branch_pool],
                              axis=axis, name='mixed' + str(9 + index))


def _reductions_and_blocks(x):
    """mixed0 to mixed10: the 35x35, 17x17 and 8x8 stages and the grid reductions between."""
    axis = _common.channel_axis()
    x = _block_35(x, 32, 'mixed0')
    x = _block_35(x, 64, 'mixed1')
    x = _block_35(x, 64, 'mixed2')
    branch3x3 = _conv2d_bn(x, 384, 3, 3, strides=(2, 2), padding='valid')
    branch3x3dbl = _conv2d_bn(x, 64, 1, 1)
    branch3x3dbl = _conv2d_bn(branch3x3dbl, 96, 3, 3)
    branch3x3dbl = _conv2d_bn(branch3x3dbl, 96, 3, 3, strides=(2, 2), padding='valid')
    branch_pool = layers.MaxPooling2D((3, 3), strides=(2, 2))(x)
    x = layers.concatenate([branch3x3, branch3x3dbl, branch_pool], axis=axis, name='mixed3')
    x = _block_17(x, 128, 'mixed4')
    x = _block_17(x, 160, 'mixed5')
    x = _block_17(x, 160, 'mixed6')
    x = _block_17(x, 192, 'mixed7')
    branch3x3 = _conv2d_bn(x, 192, 1, 1)
    branch3x3 = _conv2d_bn(branch3x3, 320, 3, 3, strides=(2, 2), padding='valid')
    branch7x7x3 = _conv2d_bn(x, 192, 1, 1)
    branch7x7x3 = _conv2d_bn(branch7x7x3, 192, 1, 7)
    branch7x7x3 = _conv2d_bn(branch7x7x3, 192, 7, 1)
    branch7x7x3 = _conv2d_bn(branch7x7x3, 192, 3, 3, strides=(2, 2), padding='valid')
    branch_pool = layers.MaxPooling2D((3, 3), strides=(2, 2))(x)
    x = layers.concatenate([branch3x3, branch7x7x3, branch_pool], axis=axis, name='mixed8')
    x = _block_8(x, 0)
    return _block_8(x, 1)


def InceptionV3(include_top=True, weights='imagenet', input_tensor=None, input_shape=None,
                pooling=None, classes=1000):
    """The Inception V3 architecture (23,851,784 parameters with the classifier); input
    299x299 by default, sides at least 75; the arguments are VGG16's."""
    _common.check_weights_argument(weights, include_top, classes)
    input_shape = _obtain_input_shape(input_shape, default_size=299, min_size=75,
                                      data_format=K.image_data_format(),
                                      require_flatten=False, weights=weights)
    img_input = _common.image_input(input_tensor, input_shape)
    x = _conv2d_bn(img_input, 32, 3, 3, strides=(2, 2), padding='valid')
    x = _conv2d_bn(x, 32, 3, 3, padding='valid')
    x = _conv2d_bn(x, 64, 3, 3)
    x = layers.MaxPooling2D((3, 3), strides=(2, 2))(x)
    x = _conv2d_bn(x, 80, 1, 1, padding='valid')
    x = _conv2d_bn(x, 192, 3, 3, padding='valid')
    x = layers.MaxPooling2D((3, 3), strides=(2, 2))(x)
    x = _reductions_and_blocks(x)
    if include_top:
        x = layers.GlobalAveragePooling2D(name='avg_pool')(x)
        x = layers.Dense(classes, activation='softmax', name='predictions')(x)
    else:
        x = _common.pooled(x, pooling)
    model = Model(_common.model_inputs(input_tensor, img_input), x, name='inception_v3')
    if include_top:
        imagenet = ('inception_v3_weights_tf_dim_ordering_tf_kernels.h5',
                    '9a0d58056eeedaa3f26cb7ebd46da564')
    else:
        imagenet = ('inception_v3_weights_tf_dim_ordering_tf_kernels_notop.h5',
                    'bcbd6486424b2319ff4ef7d526e38f63')
    return _common.load_weights(model, weights,
                                (imagenet[0], _RELEASE + imagenet[0], imagenet[1]))


preprocess_input = _preprocess_with_mode('tf', _INCEPTION_DOC)
