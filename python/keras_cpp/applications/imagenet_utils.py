"""keras.applications.imagenet_utils: the ImageNet models' input preprocessing (modes 'caffe',
'tf', 'torch'), the decoding of their predictions into class names, and the input-shape rules
every model applies (_obtain_input_shape, Keras-internal)."""
import json
import warnings

import numpy as np

from .. import backend as K
from ..utils.data_utils import get_file

CLASS_INDEX = None
CLASS_INDEX_PATH = ('https://storage.googleapis.com/download.tensorflow.org/'
                    'data/imagenet_class_index.json')

# ImageNet's per-channel statistics: the BGR means of the 'caffe' mode (0-255 scale) and the
# RGB means and standard deviations of the 'torch' mode (0-1 scale).
_CAFFE_BGR_MEAN = (103.939, 116.779, 123.68)
_TORCH_MEAN = (0.485, 0.456, 0.406)
_TORCH_STD = (0.229, 0.224, 0.225)

_MODES = ('caffe', 'tf', 'torch')


def _data_format(data_format, dim_ordering):
    """data_format, or Keras 1's dim_ordering ('th', 'tf', 'default'; also Keras 1's second
    positional argument, where Keras 2 has data_format), else the backend's."""
    if data_format in ('th', 'tf', 'default'):
        data_format, dim_ordering = None, data_format
    if data_format is None and dim_ordering in ('th', 'tf'):
        data_format = 'channels_first' if dim_ordering == 'th' else 'channels_last'
    if data_format is None:
        data_format = K.image_data_format()
    if data_format not in {'channels_first', 'channels_last'}:
        raise ValueError('Unknown data_format ' + str(data_format))
    return data_format


def _channel_view(x, data_format):
    """The index that selects channel c of a 3D or 4D image batch: (c) for channels_first 3D,
    (:, c) for channels_first 4D, (..., c) for channels_last."""
    if data_format == 'channels_first':
        return (lambda c: (c,)) if x.ndim == 3 else (lambda c: (slice(None), c))
    return lambda c: (Ellipsis, c)


def _preprocess_numpy_input(x, data_format, mode):
    """Preprocesses a numpy batch in place when its dtype is floating (as Keras does)."""
    if not issubclass(x.dtype.type, np.floating):
        x = x.astype(K.floatx(), copy=False)
    if mode == 'tf':
        x /= 127.5
        x -= 1.
        return x
    if mode == 'torch':
        x /= 255.
        mean, std = _TORCH_MEAN, _TORCH_STD
    else:
        # 'RGB' -> 'BGR'
        if data_format == 'channels_first':
            x = x[::-1, ...] if x.ndim == 3 else x[:, ::-1, ...]
        else:
            x = x[..., ::-1]
        mean, std = _CAFFE_BGR_MEAN, None
    channel = _channel_view(x, data_format)
    for c in range(3):
        x[channel(c)] -= mean[c]
        if std is not None:
            x[channel(c)] /= std[c]
    return x


def _preprocess_symbolic_input(x, data_format, mode):
    """Preprocesses a symbolic (Keras) tensor with backend operations."""
    if mode == 'tf':
        return x / 127.5 - 1.
    if mode == 'torch':
        x = x / 255.
        mean, std = _TORCH_MEAN, _TORCH_STD
    else:
        if data_format == 'channels_first':
            x = x[::-1, ...] if K.ndim(x) == 3 else x[:, ::-1, ...]
        else:
            x = x[..., ::-1]
        mean, std = _CAFFE_BGR_MEAN, None
    x = K.bias_add(x, K.constant(-np.array(mean, dtype=K.floatx())), data_format=data_format)
    if std is not None:
        shape = [1] * K.ndim(x)
        shape[0 if (data_format == 'channels_first' and K.ndim(x) == 3) else
              (1 if data_format == 'channels_first' else -1)] = 3
        x = x / K.constant(np.reshape(np.array(std, dtype=K.floatx()), shape))
    return x


def preprocess_input(x, data_format=None, mode='caffe', dim_ordering=None):
    """Preprocesses a numpy array or a Keras tensor holding a batch of RGB images (values in
    [0, 255]), 3D or 4D.

    mode: 'caffe' (RGB to BGR, then subtract ImageNet's mean pixel, no scaling), 'tf' (scale
    to [-1, 1]) or 'torch' (scale to [0, 1], then normalise each channel by ImageNet's mean
    and standard deviation). data_format defaults to the backend's; Keras 1's dim_ordering
    ('th'/'tf') is accepted too. A floating numpy array is preprocessed in place (pass a copy
    to keep it), as in Keras.
    """
    data_format = _data_format(data_format, dim_ordering)
    if mode not in _MODES:
        raise ValueError('preprocess_input: unknown mode ' + repr(mode) +
                         "; expected one of 'caffe', 'tf' or 'torch'")
    if isinstance(x, np.ndarray):
        return _preprocess_numpy_input(x, data_format=data_format, mode=mode)
    if K.is_tensor(x):
        return _preprocess_symbolic_input(x, data_format=data_format, mode=mode)
    return _preprocess_numpy_input(np.asarray(x), data_format=data_format, mode=mode)


def _class_index():
    """ImageNet's class index {'0': [wnid, name], ...}, read once through get_file."""
    global CLASS_INDEX
    if CLASS_INDEX is None:
        fpath = get_file('imagenet_class_index.json', CLASS_INDEX_PATH, cache_subdir='models',
                         file_hash='c2c37ea517e94d9795004a39431a14cb')
        with open(fpath) as f:
            CLASS_INDEX = json.load(f)
    return CLASS_INDEX


def decode_predictions(preds, top=5):
    """The top `top` ImageNet classes of each prediction in a (samples, 1000) batch, as lists
    of (class_name, class_description, score) tuples, best first. The class index
    imagenet_class_index.json is read through keras_cpp.utils.get_file (cache_subdir
    'models'), as Keras does."""
    preds = np.asarray(preds)
    if len(preds.shape) != 2 or preds.shape[1] != 1000:
        raise ValueError('`decode_predictions` expects '
                         'a batch of predictions '
                         '(i.e. a 2D array of shape (samples, 1000)). '
                         'Found array with shape: ' + str(preds.shape))
    index = _class_index()
    results = []
    for pred in preds:
        top_indices = pred.argsort()[-top:][::-1]
        result = [tuple(index[str(i)]) + (pred[i],) for i in top_indices]
        result.sort(key=lambda entry: entry[2], reverse=True)
        results.append(result)
    return results


def _check_channels(input_shape, data_format, weights):
    """Keras's checks of a given 3D input shape's rank and channels."""
    if len(input_shape) != 3:
        raise ValueError('`input_shape` must be a tuple of three integers.')
    channels = input_shape[0] if data_format == 'channels_first' else input_shape[-1]
    if channels != 3 and weights == 'imagenet':
        raise ValueError('The input must have 3 channels; got '
                         '`input_shape=' + str(input_shape) + '`')


def _obtain_input_shape(input_shape, default_size, min_size, data_format, require_flatten,
                        weights=None):
    """A model's input shape (Keras's rules): the default (default_size square, 3 channels)
    when none is given and the model flattens; (None, None, 3) when it does not; a given shape
    must have 3 entries, 3 channels with ImageNet weights, sides of at least min_size, and
    equal the default with ImageNet weights and the top classifier."""
    if weights != 'imagenet' and input_shape and len(input_shape) == 3:
        channels = input_shape[0] if data_format == 'channels_first' else input_shape[-1]
        if channels not in {1, 3}:
            warnings.warn('This model usually expects 1 or 3 input channels. '
                          'However, it was passed an input_shape with ' +
                          str(channels) + ' input channels.')
        default_shape = ((channels, default_size, default_size)
                         if data_format == 'channels_first'
                         else (default_size, default_size, channels))
    else:
        default_shape = ((3, default_size, default_size) if data_format == 'channels_first'
                         else (default_size, default_size, 3))
    if weights == 'imagenet' and require_flatten:
        if input_shape is not None and tuple(input_shape) != default_shape:
            raise ValueError('When setting `include_top=True` '
                             'and loading `imagenet` weights, '
                             '`input_shape` should be ' + str(default_shape) + '.')
        return default_shape
    if input_shape:
        _check_channels(input_shape, data_format, weights)
        sides = input_shape[1:] if data_format == 'channels_first' else input_shape[:2]
        if any(side is not None and side < min_size for side in sides):
            raise ValueError('Input size must be at least ' + str(min_size) + 'x' +
                             str(min_size) + '; got `input_shape=' + str(input_shape) + '`')
    elif require_flatten:
        input_shape = default_shape
    else:
        input_shape = (3, None, None) if data_format == 'channels_first' else (None, None, 3)
    if require_flatten and None in input_shape:
        raise ValueError('If `include_top` is True, '
                         'you should specify a static `input_shape`. '
                         'Got `input_shape=' + str(input_shape) + '`')
    return input_shape


def _preprocess_with_mode(mode, doc):
    """A model module's preprocess_input: imagenet_utils.preprocess_input with its mode fixed."""
    def preprocess_input_in_mode(x, data_format=None, dim_ordering=None):
        return preprocess_input(x, data_format=data_format, mode=mode, dim_ordering=dim_ordering)
    preprocess_input_in_mode.__name__ = preprocess_input_in_mode.__qualname__ = 'preprocess_input'
    preprocess_input_in_mode.__doc__ = doc
    return preprocess_input_in_mode


_INCEPTION_DOC = ("Inception's preprocessing: scales a batch of RGB values in [0, 255] to "
                  "[-1, 1] (imagenet_utils.preprocess_input with mode='tf').")
