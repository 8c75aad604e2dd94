"""keras.applications.inception_resnet_v2: the Inception-ResNet v2 model (Szegedy et al.,
arXiv:1602.07261; TF-slim's layout and names, as Keras has it), so Keras's weight files load."""
from . import _common
from .imagenet_utils import (_INCEPTION_DOC, _obtain_input_shape, _preprocess_with_mode,
                             decode_predictions)
from .. import backend as K
from .. import layers
from ..models import Model

__all__ = ['InceptionResNetV2', 'decode_predictions', 'preprocess_input']

_RELEASE = _common.WEIGHTS_RELEASES + 'v0.7/'

preprocess_input = _preprocess_with_mode('tf', _INCEPTION_DOC)


def _conv2d_bn(x, filters, kernel_size, strides=1, padding='same', activation='relu',
               use_bias=False, name=None):
    """Conv2D, then (without bias) batch normalisation without scale, then the activation;
    named name, name + '_bn', name + '_ac' when a name is given."""
    x = layers.Conv2D(filters, kernel_size, strides=strides, padding=padding,
                      use_bias=use_bias, name=name)(x)
    if not use_bias:
        x = layers.BatchNormalization(axis=_common.channel_axis(), scale=False,
                                      name=None if name is None else name + '_bn')(x)
    if activation is not None:
        x = layers.Activation(activation, name=None if name is None else name + '_ac')(x)
    return x


def _scaled_residual(inputs, scale):
    """x + scale * residual: the Lambda of an Inception-ResNet block (scale in `arguments`)."""
    return inputs[0] + inputs[1] * scale


def _inception_resnet_block(x, scale, block_type, block_idx, activation='relu'):
    """An Inception-ResNet block: 'block35' (A), 'block17' (B) or 'block8' (C); the branches'
    concatenation, projected by a 1x1 convolution, is scaled and added to x. The layers are
    made in Keras's order, so that their default names are Keras's."""
    if block_type == 'block35':
        branches = [_conv2d_bn(x, 32, 1),
                    _conv2d_bn(_conv2d_bn(x, 32, 1), 32, 3),
                    _conv2d_bn(_conv2d_bn(_conv2d_bn(x, 32, 1), 48, 3), 64, 3)]
    elif block_type == 'block17':
        branch_0 = _conv2d_bn(x, 192, 1)
        branch_1 = _conv2d_bn(_conv2d_bn(x, 128, 1), 160, [1, 7])
        branches = [branch_0, _conv2d_bn(branch_1, 192, [7, 1])]
    elif block_type == 'block8':
        branch_0 = _conv2d_bn(x, 192, 1)
        branch_1 = _conv2d_bn(_conv2d_bn(x, 192, 1), 224, [1, 3])
        branches = [branch_0, _conv2d_bn(branch_1, 256, [3, 1])]
    else:
        raise ValueError('Unknown Inception-ResNet block type. '
                         'Expects "block35", "block17" or "block8", '
                         'but got: ' + str(block_type))
    block_name = block_type + '_' + str(block_idx)
    axis = _common.channel_axis()
    mixed = layers.Concatenate(axis=axis, name=block_name + '_mixed')(branches)
    up = _conv2d_bn(mixed, K.int_shape(x)[axis], 1, activation=None, use_bias=True,
                    name=block_name + '_conv')
    x = layers.Lambda(_scaled_residual, output_shape=K.int_shape(x)[1:],
                      arguments={'scale': scale}, name=block_name)([x, up])
    if activation is not None:
        x = layers.Activation(activation, name=block_name + '_ac')(x)
    return x


def _stem(img_input):
    """The stem (to 35x35x192) and the Inception-A block mixed_5b (35x35x320)."""
    x = _conv2d_bn(img_input, 32, 3, strides=2, padding='valid')
    x = _conv2d_bn(x, 32, 3, padding='valid')
    x = _conv2d_bn(x, 64, 3)
    x = layers.MaxPooling2D(3, strides=2)(x)
    x = _conv2d_bn(x, 80, 1, padding='valid')
    x = _conv2d_bn(x, 192, 3, padding='valid')
    x = layers.MaxPooling2D(3, strides=2)(x)
    branch_0 = _conv2d_bn(x, 96, 1)
    branch_1 = _conv2d_bn(_conv2d_bn(x, 48, 1), 64, 5)
    branch_2 = _conv2d_bn(_conv2d_bn(_conv2d_bn(x, 64, 1), 96, 3), 96, 3)
    branch_pool = layers.AveragePooling2D(3, strides=1, padding='same')(x)
    branch_pool = _conv2d_bn(branch_pool, 64, 1)
    return layers.Concatenate(axis=_common.channel_axis(), name='mixed_5b')(
        [branch_0, branch_1, branch_2, branch_pool])


def _body(x):
    """10 block35, reduction mixed_6a, 20 block17, reduction mixed_7a, 10 block8 (the last
    without activation)."""
    axis = _common.channel_axis()
    for block_idx in range(1, 11):
        x = _inception_resnet_block(x, scale=0.17, block_type='block35', block_idx=block_idx)
    branch_0 = _conv2d_bn(x, 384, 3, strides=2, padding='valid')
    branch_1 = _conv2d_bn(_conv2d_bn(_conv2d_bn(x, 256, 1), 256, 3), 384, 3, strides=2,
                          padding='valid')
    branch_pool = layers.MaxPooling2D(3, strides=2, padding='valid')(x)
    x = layers.Concatenate(axis=axis, name='mixed_6a')([branch_0, branch_1, branch_pool])
    for block_idx in range(1, 21):
        x = _inception_resnet_block(x, scale=0.1, block_type='block17', block_idx=block_idx)
    branch_0 = _conv2d_bn(_conv2d_bn(x, 256, 1), 384, 3, strides=2, padding='valid')
    branch_1 = _conv2d_bn(_conv2d_bn(x, 256, 1), 288, 3, strides=2, padding='valid')
    branch_2 = _conv2d_bn(_conv2d_bn(_conv2d_bn(x, 256, 1), 288, 3), 320, 3, strides=2,
                          padding='valid')
    branch_pool = layers.MaxPooling2D(3, strides=2, padding='valid')(x)
    x = layers.Concatenate(axis=axis, name='mixed_7a')([branch_0, branch_1, branch_2,
                                                        branch_pool])
    for block_idx in range(1, 10):
        x = _inception_resnet_block(x, scale=0.2, block_type='block8', block_idx=block_idx)
    return _inception_resnet_block(x, scale=1., activation=None, block_type='block8',
                                   block_idx=10)


def InceptionResNetV2(include_top=True, weights='imagenet', input_tensor=None, input_shape=None,
                      pooling=None, classes=1000):
    """The Inception-ResNet v2 architecture (55,873,736 parameters with the classifier); input
    299x299 by default, sides at least 75; the arguments are VGG16's."""
    _common.check_weights_argument(weights, include_top, classes)
    input_shape = _obtain_input_shape(input_shape, default_size=299, min_size=75,
                                      data_format=K.image_data_format(),
                                      require_flatten=False, weights=weights)
    img_input = _common.image_input(input_tensor, input_shape)
    x = _body(_stem(img_input))
    x = _conv2d_bn(x, 1536, 1, name='conv_7b')
    if include_top:
        x = layers.GlobalAveragePooling2D(name='avg_pool')(x)
        x = layers.Dense(classes, activation='softmax', name='predictions')(x)
    else:
        x = _common.pooled(x, pooling)
    model = Model(_common.model_inputs(input_tensor, img_input), x,
                  name='inception_resnet_v2')
    if include_top:
        imagenet = ('inception_resnet_v2_weights_tf_dim_ordering_tf_kernels.h5',
                    'e693bd0210a403b3192acc6073ad2e96')
    else:
        imagenet = ('inception_resnet_v2_weights_tf_dim_ordering_tf_kernels_notop.h5',
                    'd19885ff4a710c122648d3b5c3b684e4')
    return _common.load_weights(model, weights,
                                (imagenet[0], _RELEASE + imagenet[0], imagenet[1]))
