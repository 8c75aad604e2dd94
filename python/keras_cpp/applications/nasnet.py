"""keras.applications.nasnet: the NASNet-A Mobile and Large models (Zoph et al., arXiv:1707.07012;
TF-slim's layout and names, as Keras has them), so Keras's weight files load into them.
channels_last only, as in Keras."""
from . import _common
from .imagenet_utils import (_INCEPTION_DOC, _obtain_input_shape, _preprocess_with_mode,
                             decode_predictions)
from .. import backend as K
from .. import layers
from ..models import Model

__all__ = ['NASNetLarge', 'NASNetMobile', 'decode_predictions', 'preprocess_input']

_RELEASE = 'https://github.com/titu1994/Keras-NASNet/releases/download/v1.2/'

preprocess_input = _preprocess_with_mode('tf', _INCEPTION_DOC)


def _bn(x, name=None):
    return layers.BatchNormalization(axis=-1, momentum=0.9997, epsilon=1e-3, name=name)(x)


def _separable_conv_block(ip, filters, kernel_size=(3, 3), strides=(1, 1), block_id=None):
    """Twice [relu, separable convolution, batch norm]; the first may be strided. (Keras also
    passes kernel_initializer='he_normal', which its SeparableConv2D stores and never uses.)"""
    x = layers.Activation('relu')(ip)
    x = layers.SeparableConv2D(filters, kernel_size, strides=strides,
                               name='separable_conv_1_%s' % block_id, padding='same',
                               use_bias=False)(x)
    x = _bn(x, 'separable_conv_1_bn_%s' % block_id)
    x = layers.Activation('relu')(x)
    x = layers.SeparableConv2D(filters, kernel_size, name='separable_conv_2_%s' % block_id,
                               padding='same', use_bias=False)(x)
    return _bn(x, 'separable_conv_2_bn_%s' % block_id)


def _adjust_block(p, ip, filters, block_id=None):
    """The previous cell's output p made to match ip: halved spatially by two offset 1x1
    paths (a factorised reduction) when the sizes differ, or projected to `filters`
    channels when only those differ."""
    if p is None:
        return ip
    p_shape, ip_shape = K.int_shape(p), K.int_shape(ip)
    if p_shape[-2] != ip_shape[-2]:
        p = layers.Activation('relu', name='adjust_relu_1_%s' % block_id)(p)
        p1 = layers.AveragePooling2D((1, 1), strides=(2, 2), padding='valid',
                                     name='adjust_avg_pool_1_%s' % block_id)(p)
        p1 = layers.Conv2D(filters // 2, (1, 1), padding='same', use_bias=False,
                           name='adjust_conv_1_%s' % block_id,
                           kernel_initializer='he_normal')(p1)
        p2 = layers.ZeroPadding2D(padding=((0, 1), (0, 1)))(p)
        p2 = layers.Cropping2D(cropping=((1, 0), (1, 0)))(p2)
        p2 = layers.AveragePooling2D((1, 1), strides=(2, 2), padding='valid',
                                     name='adjust_avg_pool_2_%s' % block_id)(p2)
        p2 = layers.Conv2D(filters // 2, (1, 1), padding='same', use_bias=False,
                           name='adjust_conv_2_%s' % block_id,
                           kernel_initializer='he_normal')(p2)
        p = layers.concatenate([p1, p2], axis=-1)
        return _bn(p, 'adjust_bn_%s' % block_id)
    if p_shape[-1] != filters:
        p = layers.Activation('relu')(p)
        p = layers.Conv2D(filters, (1, 1), strides=(1, 1), padding='same',
                          name='adjust_conv_projection_%s' % block_id, use_bias=False,
                          kernel_initializer='he_normal')(p)
        return _bn(p, 'adjust_bn_%s' % block_id)
    return p


def _cell_input(ip, p, filters, kind, block_id):
    """A cell's two inputs: p adjusted, and h = relu, 1x1 convolution, batch norm of ip."""
    p = _adjust_block(p, ip, filters, block_id)
    h = layers.Activation('relu')(ip)
    h = layers.Conv2D(filters, (1, 1), strides=(1, 1), padding='same',
                      name='%s_conv_1_%s' % (kind, block_id), use_bias=False,
                      kernel_initializer='he_normal')(h)
    return p, _bn(h, '%s_bn_1_%s' % (kind, block_id))


def _pool(kind, x, strides, name):
    pool = layers.AveragePooling2D if kind == 'avg' else layers.MaxPooling2D
    return pool((3, 3), strides=strides, padding='same', name=name)(x)


def _normal_a_cell(ip, p, filters, block_id=None):
    """A NASNet-A normal cell (Fig. 4 of the paper): five combinations, concatenated with p."""
    p, h = _cell_input(ip, p, filters, 'normal', block_id)
    x1 = layers.add([_separable_conv_block(h, filters, kernel_size=(5, 5),
                                           block_id='normal_left1_%s' % block_id),
                     _separable_conv_block(p, filters, block_id='normal_right1_%s' % block_id)],
                    name='normal_add_1_%s' % block_id)
    x2 = layers.add([_separable_conv_block(p, filters, (5, 5),
                                           block_id='normal_left2_%s' % block_id),
                     _separable_conv_block(p, filters, (3, 3),
                                           block_id='normal_right2_%s' % block_id)],
                    name='normal_add_2_%s' % block_id)
    x3 = layers.add([_pool('avg', h, (1, 1), 'normal_left3_%s' % block_id), p],
                    name='normal_add_3_%s' % block_id)
    x4 = layers.add([_pool('avg', p, (1, 1), 'normal_left4_%s' % block_id),
                     _pool('avg', p, (1, 1), 'normal_right4_%s' % block_id)],
                    name='normal_add_4_%s' % block_id)
    x5 = layers.add([_separable_conv_block(h, filters, block_id='normal_left5_%s' % block_id),
                     h], name='normal_add_5_%s' % block_id)
    x = layers.concatenate([p, x1, x2, x3, x4, x5], axis=-1,
                           name='normal_concat_%s' % block_id)
    return x, ip


def _reduction_a_cell(ip, p, filters, block_id=None):
    """A NASNet-A reduction cell (Fig. 4 of the paper): halves the spatial size."""
    p, h = _cell_input(ip, p, filters, 'reduction', block_id)
    x1 = layers.add([_separable_conv_block(h, filters, (5, 5), strides=(2, 2),
                                           block_id='reduction_left1_%s' % block_id),
                     _separable_conv_block(p, filters, (7, 7), strides=(2, 2),
                                           block_id='reduction_right1_%s' % block_id)],
                    name='reduction_add_1_%s' % block_id)
    x2 = layers.add([_pool('max', h, (2, 2), 'reduction_left2_%s' % block_id),
                     _separable_conv_block(p, filters, (7, 7), strides=(2, 2),
                                           block_id='reduction_right2_%s' % block_id)],
                    name='reduction_add_2_%s' % block_id)
    x3 = layers.add([_pool('avg', h, (2, 2), 'reduction_left3_%s' % block_id),
                     _separable_conv_block(p, filters, (5, 5), strides=(2, 2),
                                           block_id='reduction_right3_%s' % block_id)],
                    name='reduction_add3_%s' % block_id)
    x4 = layers.add([x2, _pool('avg', x1, (1, 1), 'reduction_left4_%s' % block_id)])
    x5 = layers.add([_separable_conv_block(x1, filters, (3, 3),
                                           block_id='reduction_left4_%s' % block_id),
                     _pool('max', h, (2, 2), 'reduction_right5_%s' % block_id)],
                    name='reduction_add4_%s' % block_id)
    x = layers.concatenate([x2, x3, x4, x5], axis=-1, name='reduction_concat_%s' % block_id)
    return x, ip


def _cells(x, filters, num_blocks, skip_reduction, filter_multiplier):
    """The two stem reductions, then num_blocks normal cells per stage with a reduction cell
    between stages."""
    x, p = _reduction_a_cell(x, None, filters // (filter_multiplier ** 2), block_id='stem_1')
    x, p = _reduction_a_cell(x, p, filters // filter_multiplier, block_id='stem_2')
    for stage in range(3):
        if stage:
            x, p0 = _reduction_a_cell(x, p, filters * filter_multiplier ** stage,
                                      block_id='reduce_%d' % (stage * num_blocks))
            p = p if skip_reduction else p0
        for i in range(num_blocks):
            x, p = _normal_a_cell(x, p, filters * filter_multiplier ** stage,
                                  block_id='%d' % (stage * num_blocks + i + (stage > 0)))
    return x


def _nasnet(input_shape, penultimate_filters, num_blocks, stem_block_filters, skip_reduction,
            filter_multiplier, include_top, weights, input_tensor, pooling, classes,
            default_size, imagenet_files):
    """A NASNet-A model (Keras's NASNet): 'N @ P' with N = num_blocks cells per stage and P =
    penultimate_filters (a multiple of 24)."""
    _common.check_weights_argument(weights, include_top, classes)
    if isinstance(input_shape, tuple) and None in input_shape and weights == 'imagenet':
        raise ValueError('When specifying the input shape of a NASNet'
                         ' and loading `ImageNet` weights, '
                         'the input_shape argument must be static '
                         '(no None entries). Got: `input_shape=' + str(input_shape) + '`.')
    with _common.channels_last_only('NASNet family of models'):
        input_shape = _obtain_input_shape(input_shape, default_size=default_size, min_size=32,
                                          data_format='channels_last',
                                          require_flatten=include_top, weights=weights)
        input_shape = _common.static_spatial_shape(input_shape, input_tensor, default_size,
                                                   'NASNet')
        img_input = _common.image_input(input_tensor, input_shape)
        if penultimate_filters % 24 != 0:
            raise ValueError('For NASNet-A models, the value of `penultimate_filters` '
                             'needs to be divisible by 24. Current value: %d' %
                             penultimate_filters)
        x = layers.Conv2D(stem_block_filters, (3, 3), strides=(2, 2), padding='valid',
                          use_bias=False, name='stem_conv1',
                          kernel_initializer='he_normal')(img_input)
        x = _bn(x, 'stem_bn1')
        x = _cells(x, penultimate_filters // 24, num_blocks, skip_reduction, filter_multiplier)
        x = layers.Activation('relu')(x)
        if include_top:
            x = layers.GlobalAveragePooling2D()(x)
            x = layers.Dense(classes, activation='softmax', name='predictions')(x)
        else:
            x = _common.pooled(x, pooling)
        model = Model(_common.model_inputs(input_tensor, img_input), x, name='NASNet')
        fname, origin, file_hash = imagenet_files[include_top]
        return _common.load_weights(model, weights, (fname, _RELEASE + origin, file_hash))


def NASNetLarge(input_shape=None, include_top=True, weights='imagenet', input_tensor=None,
                pooling=None, classes=1000):
    """NASNet-A (6 @ 4032), 88,949,818 parameters with the classifier; input 331x331 by
    default, sides at least 32; the arguments are VGG16's. channels_last only."""
    return _nasnet(input_shape, penultimate_filters=4032, num_blocks=6, stem_block_filters=96,
                   skip_reduction=True, filter_multiplier=2, include_top=include_top,
                   weights=weights, input_tensor=input_tensor, pooling=pooling,
                   classes=classes, default_size=331, imagenet_files={
                       True: ('nasnet_large.h5', 'NASNet-large.h5',
                              '11577c9a518f0070763c2b964a382f17'),
                       False: ('nasnet_large_no_top.h5', 'NASNet-large-no-top.h5',
                               'd81d89dc07e6e56530c4e77faddd61b5')})


def NASNetMobile(input_shape=None, include_top=True, weights='imagenet', input_tensor=None,
                 pooling=None, classes=1000):
    """NASNet-A (4 @ 1056), 5,326,716 parameters with the classifier; input 224x224 by
    default, sides at least 32; the arguments are VGG16's. channels_last only."""
    return _nasnet(input_shape, penultimate_filters=1056, num_blocks=4, stem_block_filters=32,
                   skip_reduction=False, filter_multiplier=2, include_top=include_top,
                   weights=weights, input_tensor=input_tensor, pooling=pooling,
                   classes=classes, default_size=224, imagenet_files={
                       True: ('nasnet_mobile.h5', 'NASNet-mobile.h5',
                              '020fb642bf7360b370c678b08e0adf61'),
                       False: ('nasnet_mobile_no_top.h5', 'NASNet-mobile-no-top.h5',
                               '1ed92395b5b598bdda52abe5c0dbfd63')})
