"""keras.applications.vgg16: the VGG16 model (Simonyan & Zisserman, arXiv:1409.1556) with Keras's
layer names, so Keras's weight files load into it."""
from . import _common
from .imagenet_utils import _obtain_input_shape, decode_predictions, preprocess_input
from .. import backend as K
from .. import layers
from ..models import Model

__all__ = ['VGG16', 'decode_predictions', 'preprocess_input']

_RELEASE = _common.WEIGHTS_RELEASES + 'v0.1/'


def _vgg(convs_per_block, name, include_top, weights, input_tensor, input_shape, pooling,
         classes, weight_hashes):
    """A VGG network: five blocks of 3x3 'same' convolutions (64, 128, 256, 512, 512 filters;
    convs_per_block of each) with 2x2 max pooling, then the 4096-4096-classes classifier."""
    _common.check_weights_argument(weights, include_top, classes)
    input_shape = _obtain_input_shape(input_shape, default_size=224, min_size=32,
                                      data_format=K.image_data_format(),
                                      require_flatten=include_top, weights=weights)
    img_input = _common.image_input(input_tensor, input_shape)
    x = img_input
    for block, (filters, convs) in enumerate(zip((64, 128, 256, 512, 512), convs_per_block), 1):
        for conv in range(1, convs + 1):
            x = layers.Conv2D(filters, (3, 3), activation='relu', padding='same',
                              name='block%d_conv%d' % (block, conv))(x)
        x = layers.MaxPooling2D((2, 2), strides=(2, 2), name='block%d_pool' % block)(x)
    if include_top:
        x = layers.Flatten(name='flatten')(x)
        x = layers.Dense(4096, activation='relu', name='fc1')(x)
        x = layers.Dense(4096, activation='relu', name='fc2')(x)
        x = layers.Dense(classes, activation='softmax', name='predictions')(x)
    else:
        x = _common.pooled(x, pooling)
    model = Model(_common.model_inputs(input_tensor, img_input), x, name=name)
    suffix = '' if include_top else '_notop'
    fname = '%s_weights_tf_dim_ordering_tf_kernels%s.h5' % (name, suffix)
    return _common.load_weights(model, weights,
                                (fname, _RELEASE + fname, weight_hashes[include_top]))


def VGG16(include_top=True, weights='imagenet', input_tensor=None, input_shape=None,
          pooling=None, classes=1000):
    """The VGG16 architecture (138,357,544 parameters with the classifier).

    include_top: with the 3 fully-connected layers on top; weights: None (random), 'imagenet'
    (Keras's file, fetched through keras_cpp.utils.get_file) or a weight file's path;
    input_tensor: a Keras tensor to use as the image input; input_shape: only without the top,
    (224, 224, 3) otherwise, sides at least 32; pooling: None, 'avg' or 'max' on the features
    without the top; classes: the classifier's size (1000 with ImageNet weights).
    """
    return _vgg((2, 2, 3, 3, 3), 'vgg16', include_top, weights, input_tensor, input_shape,
                pooling, classes, {True: '64373286793e3c8b2b4e3219cbf3544b',
                                   False: '6d6bbae143d832006294945121d1f1fc'})
