"""keras.applications.mobilenet_v2: the MobileNetV2 model (Sandler et al., arXiv:1801.04381) with
Keras's layer names, so Keras's weight files load into it. channels_last only, as in Keras."""
from . import _common
from .imagenet_utils import _obtain_input_shape, _preprocess_with_mode, decode_predictions
from .mobilenet import _check_imagenet_rows, _default_size
from .. import backend as K
from .. import layers
from ..models import Model

__all__ = ['MobileNetV2', 'decode_predictions', 'preprocess_input']

_RELEASE = 'https://github.com/JonathanCMitchell/mobilenet_v2_keras/releases/download/v1.1/'
_SIZES = (96, 128, 160, 192, 224)

preprocess_input = _preprocess_with_mode(
    'tf', "MobileNetV2's preprocessing: scales a batch of RGB values in [0, 255] to [-1, 1] "
          "(imagenet_utils.preprocess_input with mode='tf').")


def _make_divisible(v, divisor, min_value=None):
    """v rounded to a multiple of divisor (at least min_value), never more than 10% down (as
    TensorFlow's MobileNet code does)."""
    if min_value is None:
        min_value = divisor
    new_v = max(min_value, int(v + divisor / 2) // divisor * divisor)
    if new_v < 0.9 * v:
        new_v += divisor
    return new_v


def _inverted_res_block(inputs, expansion, stride, alpha, filters, block_id):
    """An inverted residual block: 1x1 expansion (not in block 0), 3x3 depthwise, linear 1x1
    projection, each with batch norm; added to the input when the shapes allow."""
    in_channels = K.int_shape(inputs)[-1]
    pointwise_filters = _make_divisible(int(filters * alpha), 8)
    x = inputs
    prefix = 'block_{}_'.format(block_id)
    if block_id:
        x = layers.Conv2D(expansion * in_channels, kernel_size=1, padding='same',
                          use_bias=False, activation=None, name=prefix + 'expand')(x)
        x = layers.BatchNormalization(epsilon=1e-3, momentum=0.999,
                                      name=prefix + 'expand_BN')(x)
        x = layers.ReLU(6., name=prefix + 'expand_relu')(x)
    else:
        prefix = 'expanded_conv_'
    x = layers.DepthwiseConv2D(kernel_size=3, strides=stride, activation=None, use_bias=False,
                               padding='same', name=prefix + 'depthwise')(x)
    x = layers.BatchNormalization(epsilon=1e-3, momentum=0.999,
                                  name=prefix + 'depthwise_BN')(x)
    x = layers.ReLU(6., name=prefix + 'depthwise_relu')(x)
    x = layers.Conv2D(pointwise_filters, kernel_size=1, padding='same', use_bias=False,
                      activation=None, name=prefix + 'project')(x)
    x = layers.BatchNormalization(epsilon=1e-3, momentum=0.999, name=prefix + 'project_BN')(x)
    if in_channels == pointwise_filters and stride == 1:
        return layers.Add(name=prefix + 'add')([inputs, x])
    return x


# (filters, stride, expansion) of the 17 inverted residual blocks.
_BLOCKS = ((16, 1, 1), (24, 2, 6), (24, 1, 6), (32, 2, 6), (32, 1, 6), (32, 1, 6), (64, 2, 6),
           (64, 1, 6), (64, 1, 6), (64, 1, 6), (96, 1, 6), (96, 1, 6), (96, 1, 6), (160, 2, 6),
           (160, 1, 6), (160, 1, 6), (320, 1, 6))


def _requested_shape(input_shape, input_tensor):
    """Keras's reconciliation of input_shape with input_tensor: a Keras tensor's shape gives
    the default size when no input_shape is given; both given must agree."""
    if input_tensor is not None and K.is_tensor(input_tensor):
        tensor_shape = K.int_shape(input_tensor)
        if input_shape is not None and tensor_shape[2] != input_shape[1]:
            raise ValueError('input_shape: ' + str(input_shape) + ' and input_tensor: ' +
                             str(tensor_shape) + ' do not meet the same shape requirements')
        if input_shape is None:
            return _default_size(tuple(tensor_shape[1:]), _SIZES)
    elif input_tensor is not None:
        raise ValueError('input_tensor specified: ' + repr(input_tensor) +
                         ' is not a keras tensor')
    return _default_size(input_shape, _SIZES)


def _check_imagenet(alpha, depth_multiplier, input_shape):
    """Keras's checks of the arguments with ImageNet weights; the weights' input size."""
    if depth_multiplier != 1:
        raise ValueError('If imagenet weights are being loaded, depth multiplier must be 1')
    if alpha not in [0.35, 0.50, 0.75, 1.0, 1.3, 1.4]:
        raise ValueError('If imagenet weights are being loaded, '
                         'alpha can be one of `0.35`, `0.50`, `0.75`, '
                         '`1.0`, `1.3` or `1.4` only.')
    return _check_imagenet_rows(
        input_shape[0], input_shape[1], _SIZES,
        'If imagenet weights are being loaded, input must have a static square shape'
        '(one of (96, 96), (128, 128), (160, 160),(192, 192), or (224, 224)).'
        'Input shape provided = %s' % (input_shape,))


def MobileNetV2(input_shape=None, alpha=1.0, depth_multiplier=1, include_top=True,
                weights='imagenet', input_tensor=None, pooling=None, classes=1000):
    """The MobileNetV2 architecture (3,538,984 parameters at alpha 1.0 with the classifier).

    alpha: the width multiplier (ImageNet weights for 0.35, 0.50, 0.75, 1.0, 1.3, 1.4);
    depth_multiplier: 1 for ImageNet weights (Keras's depthwise layers do not use it);
    input_shape: sides at least 32, ImageNet weights for square 96, 128, 160, 192 or 224
    inputs, and agreeing with input_tensor when both are given; the other arguments are
    VGG16's. channels_last only.
    """
    _common.check_weights_argument(weights, include_top, classes)
    with _common.channels_last_only('MobileNet family of models'):
        default_size = _requested_shape(input_shape, input_tensor)
        input_shape = _obtain_input_shape(input_shape, default_size=default_size, min_size=32,
                                          data_format='channels_last',
                                          require_flatten=include_top, weights=weights)
        rows = input_shape[0]
        if weights == 'imagenet':
            rows = _check_imagenet(alpha, depth_multiplier, input_shape)
        img_input = _common.image_input(input_tensor, input_shape)
        x = layers.Conv2D(_make_divisible(32 * alpha, 8), kernel_size=3, strides=(2, 2),
                          padding='same', use_bias=False, name='Conv1')(img_input)
        x = layers.BatchNormalization(epsilon=1e-3, momentum=0.999, name='bn_Conv1')(x)
        x = layers.ReLU(6., name='Conv1_relu')(x)
        for block_id, (filters, stride, expansion) in enumerate(_BLOCKS):
            x = _inverted_res_block(x, filters=filters, alpha=alpha, stride=stride,
                                    expansion=expansion, block_id=block_id)
        # The last convolution widens with alpha > 1 only (as in the paper).
        last_block_filters = _make_divisible(1280 * alpha, 8) if alpha > 1.0 else 1280
        x = layers.Conv2D(last_block_filters, kernel_size=1, use_bias=False, name='Conv_1')(x)
        x = layers.BatchNormalization(epsilon=1e-3, momentum=0.999, name='Conv_1_bn')(x)
        x = layers.ReLU(6., name='out_relu')(x)
        if include_top:
            x = layers.GlobalAveragePooling2D()(x)
            x = layers.Dense(classes, activation='softmax', use_bias=True, name='Logits')(x)
        else:
            x = _common.pooled(x, pooling)
        model = Model(_common.model_inputs(input_tensor, img_input), x,
                      name='mobilenetv2_%0.2f_%s' % (alpha, rows))
        fname = ('mobilenet_v2_weights_tf_dim_ordering_tf_kernels_' + str(alpha) + '_' +
                 str(rows) + ('' if include_top else '_no_top') + '.h5')
        return _common.load_weights(model, weights, (fname, _RELEASE + fname, None))
