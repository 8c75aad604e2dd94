"""keras.applications.densenet: the DenseNet-121, -169 and -201 models (Huang et al.,
arXiv:1608.06993) with Keras's layer names, so Keras's weight files load into them."""
from . import _common
from .imagenet_utils import _obtain_input_shape, _preprocess_with_mode, decode_predictions
from .. import backend as K
from .. import layers
from ..models import Model

__all__ = ['DenseNet121', 'DenseNet169', 'DenseNet201', 'decode_predictions',
           'preprocess_input']

_RELEASE = 'https://github.com/keras-team/keras-applications/releases/download/densenet/'
_EPSILON = 1.001e-5

# Per depth: the dense blocks' sizes and the md5 of Keras's weight files (with, without top).
_VARIANTS = {121: ((6, 12, 24, 16), '9d60b8095a5708f2dcce2bca79d332c7',
                   '30ee3e1110167f948a6b9946edeeb738'),
             169: ((6, 12, 32, 32), 'd699b8f76981ab1b30698df4c175e90b',
                   'b8c4d4c20dd625c148057b9ff1c1176b'),
             201: ((6, 12, 48, 32), '1ceb130c1ea1b78c3bf6114dbdfd8807',
                   'c13680b51ded0fb44dff2d8f86ac8bb1')}

preprocess_input = _preprocess_with_mode(
    'torch', "DenseNet's preprocessing: scales a batch of RGB values in [0, 255] to [0, 1] and "
             "normalises each channel by ImageNet's mean and standard deviation "
             "(imagenet_utils.preprocess_input with mode='torch').")


def _bn_relu(x, name):
    x = layers.BatchNormalization(axis=_common.channel_axis(), epsilon=_EPSILON,
                                  name=name + '_bn')(x)
    return layers.Activation('relu', name=name + '_relu')(x)


def _conv_block(x, growth_rate, name):
    """A dense layer: BN-relu-1x1 conv (4 * growth_rate), BN-relu-3x3 conv (growth_rate),
    concatenated to its input."""
    x1 = _bn_relu(x, name + '_0')
    x1 = layers.Conv2D(4 * growth_rate, 1, use_bias=False, name=name + '_1_conv')(x1)
    x1 = _bn_relu(x1, name + '_1')
    x1 = layers.Conv2D(growth_rate, 3, padding='same', use_bias=False,
                       name=name + '_2_conv')(x1)
    return layers.Concatenate(axis=_common.channel_axis(), name=name + '_concat')([x, x1])


def _transition_block(x, reduction, name):
    """BN-relu, a 1x1 convolution keeping `reduction` of the channels, 2x2 average pooling."""
    x = _bn_relu(x, name)
    x = layers.Conv2D(int(K.int_shape(x)[_common.channel_axis()] * reduction), 1,
                      use_bias=False, name=name + '_conv')(x)
    return layers.AveragePooling2D(2, strides=2, name=name + '_pool')(x)


def _densenet(depth, include_top, weights, input_tensor, input_shape, pooling, classes):
    """A DenseNet: the 7x7 stem, four dense blocks (growth rate 32) with transitions between,
    a final batch norm, then the classifier or the pooling."""
    blocks, top_hash, notop_hash = _VARIANTS[depth]
    _common.check_weights_argument(weights, include_top, classes)
    input_shape = _obtain_input_shape(input_shape, default_size=224, min_size=32,
                                      data_format=K.image_data_format(),
                                      require_flatten=include_top, weights=weights)
    img_input = _common.image_input(input_tensor, input_shape)
    x = layers.ZeroPadding2D(padding=((3, 3), (3, 3)))(img_input)
    x = layers.Conv2D(64, 7, strides=2, use_bias=False, name='conv1/conv')(x)
    x = layers.BatchNormalization(axis=_common.channel_axis(), epsilon=_EPSILON,
                                  name='conv1/bn')(x)
    x = layers.Activation('relu', name='conv1/relu')(x)
    x = layers.ZeroPadding2D(padding=((1, 1), (1, 1)))(x)
    x = layers.MaxPooling2D(3, strides=2, name='pool1')(x)
    for stage, size in enumerate(blocks, 2):
        for i in range(size):
            x = _conv_block(x, 32, name='conv%d_block%d' % (stage, i + 1))
        if stage < 5:
            x = _transition_block(x, 0.5, name='pool%d' % stage)
    x = layers.BatchNormalization(axis=_common.channel_axis(), epsilon=_EPSILON, name='bn')(x)
    if include_top:
        x = layers.GlobalAveragePooling2D(name='avg_pool')(x)
        x = layers.Dense(classes, activation='softmax', name='fc1000')(x)
    else:
        x = _common.pooled(x, pooling, avg_name='avg_pool', max_name='max_pool')
    model = Model(_common.model_inputs(input_tensor, img_input), x, name='densenet%d' % depth)
    fname = 'densenet%d_weights_tf_dim_ordering_tf_kernels%s.h5' % (
        depth, '' if include_top else '_notop')
    return _common.load_weights(model, weights, (fname, _RELEASE + fname,
                                                 top_hash if include_top else notop_hash))


def DenseNet121(include_top=True, weights='imagenet', input_tensor=None, input_shape=None,
                pooling=None, classes=1000):
    """DenseNet-121 (8,062,504 parameters with the classifier); the arguments are VGG16's."""
    return _densenet(121, include_top, weights, input_tensor, input_shape, pooling, classes)


def DenseNet169(include_top=True, weights='imagenet', input_tensor=None, input_shape=None,
                pooling=None, classes=1000):
    """DenseNet-169 (14,307,880 parameters with the classifier); the arguments are VGG16's."""
    return _densenet(169, include_top, weights, input_tensor, input_shape, pooling, classes)


def DenseNet201(include_top=True, weights='imagenet', input_tensor=None, input_shape=None,
                pooling=None, classes=1000):
    """DenseNet-201 (20,242,984 parameters with the classifier); the arguments are VGG16's."""
    return _densenet(201, include_top, weights, input_tensor, input_shape, pooling, classes)
