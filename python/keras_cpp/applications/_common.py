"""What every keras.applications model does around its architecture, written once: the checks
of the `weights`/`classes` arguments, the input tensor, the classifier or pooling on top, the
model's inputs, and the weights (random, a file, or Keras's ImageNet file through get_file)."""
import contextlib
import os
import warnings

from .. import backend as K
from .. import layers
from ..utils.data_utils import get_file
from ..utils.layer_utils import get_source_inputs

WEIGHTS_RELEASES = 'https://github.com/fchollet/deep-learning-models/releases/download/'


def check_weights_argument(weights, include_top, classes):
    """Keras's checks: weights is None, 'imagenet' or an existing file; ImageNet weights with
    the classifier need 1000 classes."""
    if not (weights in {'imagenet', None} or os.path.exists(weights)):
        raise ValueError('The `weights` argument should be either '
                         '`None` (random initialization), `imagenet` '
                         '(pre-training on ImageNet), '
                         'or the path to the weights file to be loaded.')
    if weights == 'imagenet' and include_top and classes != 1000:
        raise ValueError('If using `weights` as `"imagenet"` with `include_top`'
                         ' as true, `classes` should be 1000')


def image_input(input_tensor, input_shape):
    """The model's image input: a new Input of input_shape, the given Keras tensor, or an Input
    wrapping a given backend tensor."""
    if input_tensor is None:
        return layers.Input(shape=input_shape)
    if not K.is_keras_tensor(input_tensor):
        return layers.Input(tensor=input_tensor, shape=input_shape)
    return input_tensor


def model_inputs(input_tensor, img_input):
    """The Model's inputs: the sources of input_tensor when one was given (the model takes
    account of the layers before it), else the model's own Input."""
    if input_tensor is not None:
        return get_source_inputs(input_tensor)
    return img_input


def pooled(x, pooling, avg_name=None, max_name=None):
    """The feature extractor's output for pooling None (the 4D features), 'avg' or 'max'
    (global pooling to a 2D tensor)."""
    if pooling == 'avg':
        return layers.GlobalAveragePooling2D(name=avg_name)(x)
    if pooling == 'max':
        return layers.GlobalMaxPooling2D(name=max_name)(x)
    return x


def channel_axis():
    """The channel axis of a 4D image batch in the backend's data format."""
    return 1 if K.image_data_format() == 'channels_first' else 3


def load_weights(model, weights, imagenet_file=None):
    """Loads the model's weights: weights None leaves the random initialisation; 'imagenet'
    loads Keras's file, imagenet_file = (fname, origin, file_hash or None), fetched through
    keras_cpp.utils.get_file into the cache's 'models' folder (md5 checked when given);
    anything else is a weight file's path."""
    if weights == 'imagenet':
        fname, origin, file_hash = imagenet_file
        model.load_weights(get_file(fname, origin, cache_subdir='models', file_hash=file_hash))
    elif weights is not None:
        model.load_weights(weights)
    return model


@contextlib.contextmanager
def channels_last_only(family):
    """Keras builds the MobileNet, NASNet and Xception families channels_last only: with a
    channels_first setting it warns, builds channels_last, and restores the setting after."""
    old = K.image_data_format()
    if old != 'channels_last':
        warnings.warn('The ' + family + ' is only available '
                      'for the input data format "channels_last" '
                      '(width, height, channels). '
                      'However your settings specify the default '
                      'data format "channels_first" (channels, width, height).'
                      ' You should set `image_data_format="channels_last"` '
                      'in your Keras config located at ~/.keras/keras.json. '
                      'The model being returned right now will expect inputs '
                      'to follow the "channels_last" data format.')
        K.set_image_data_format('channels_last')
    try:
        yield
    finally:
        K.set_image_data_format(old)


def static_spatial_shape(input_shape, input_tensor, default_size, model_name):
    """NASNet's reduction cells compare their inputs' spatial sizes when the graph is built (to
    crop and pad the odd one), so the image size must be known there: unknown sides take the
    default size, with a warning (pass input_shape for another size). A given input_tensor
    keeps its own shape."""
    if input_tensor is not None or None not in input_shape[:2]:
        return input_shape
    warnings.warn(model_name + ': this model is built for a known image size (its reduction '
                  "cells compare sizes when it is built); without an input_shape it takes "
                  + str(default_size) + 'x' + str(default_size) + ' images. Pass '
                  'input_shape=(rows, cols, ' + str(input_shape[2]) + ') for another size.')
    return (default_size, default_size, input_shape[2])
