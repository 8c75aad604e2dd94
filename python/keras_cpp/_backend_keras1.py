"""Keras 1.2.2's backend on keras_cpp's (Keras 2's): the functions Keras 2 removed or renamed, and
Keras 1's keyword names of the functions Keras 2 kept (`border_mode`, `dim_ordering`, `std`,
`nb_classes`, ...), so that a Keras 1 custom layer's `K.conv2d(x, self.W, border_mode='same',
dim_ordering='th')` runs unchanged. `keras_cpp.backend` imports this module last and wraps its
functions with `accept_keras1_keywords`.
"""
import functools
import numbers

from . import backend as _K

# Per function, Keras 2's parameters in their positional order, then each Keras 1 keyword with
# its Keras 2 name (None: a shape hint for Theano, which Keras 1's TensorFlow backend ignored
# too). `dim_ordering` is Keras 2's `data_format` in Keras 1's values ('th', 'tf', 'default').
_CONV = ('x', 'kernel', 'strides', 'padding', 'data_format', 'dilation_rate')
_POOL = ('x', 'pool_size', 'strides', 'padding', 'data_format', 'pool_mode')
_IMAGE = {'border_mode': 'padding', 'dim_ordering': 'data_format'}
_HINTS = {'image_shape': None, 'filter_shape': None}
_KERAS1_KEYWORDS = {
    'conv1d': (_CONV, dict(stride='strides', border_mode='padding', **_HINTS)),
    'conv2d': (_CONV, dict(_IMAGE, filter_dilation='dilation_rate', **_HINTS)),
    'conv3d': (_CONV, dict(_IMAGE, volume_shape=None, filter_shape=None)),
    'separable_conv2d': (('x', 'depthwise_kernel', 'pointwise_kernel', 'strides', 'padding',
                          'data_format', 'dilation_rate'), _IMAGE),
    'pool2d': (_POOL, _IMAGE),
    'pool3d': (_POOL, _IMAGE),
    'resize_images': (('x', 'height_factor', 'width_factor', 'data_format', 'interpolation'),
                      {'X': 'x', 'dim_ordering': 'data_format'}),
    'resize_volumes': (('x', 'depth_factor', 'height_factor', 'width_factor', 'data_format'),
                       {'X': 'x', 'dim_ordering': 'data_format'}),
    'spatial_2d_padding': (('x', 'padding', 'data_format'), {'dim_ordering': 'data_format'}),
    'spatial_3d_padding': (('x', 'padding', 'data_format'), {'dim_ordering': 'data_format'}),
    'one_hot': (('indices', 'num_classes'), {'nb_classes': 'num_classes'}),
    'expand_dims': (('x', 'axis'), {'dim': 'axis'}),
    'moving_average_update': (('x', 'value', 'momentum'), {'variable': 'x'}),
    'batch_get_value': (('ops',), {'xs': 'ops'}),
    'random_normal': (('shape', 'mean', 'stddev', 'dtype', 'seed'), {'std': 'stddev'}),
    'random_uniform': (('shape', 'minval', 'maxval', 'dtype', 'seed'),
                       {'low': 'minval', 'high': 'maxval'}),
}

# Under dim_ordering 'th' Keras 1's kernels are in Theano's layout, (filters, input_depth) + the
# window; its TensorFlow backend transposed them to TensorFlow's, the window + (input_depth,
# filters), which is keras_cpp's layout for both data formats.
_TH_KERNELS = {'conv2d': ('kernel',), 'conv3d': ('kernel',),
               'separable_conv2d': ('depthwise_kernel', 'pointwise_kernel')}


def _data_format(dim_ordering):
    """Keras 1's dim_ordering ('th', 'tf', 'default': image_dim_ordering()) as a data_format."""
    if dim_ordering == 'default':
        dim_ordering = _K.image_dim_ordering()
    if dim_ordering not in ('th', 'tf'):
        raise ValueError('Unknown dim_ordering ' + str(dim_ordering) + " (expected 'th', 'tf' "
                         "or 'default')")
    return 'channels_first' if dim_ordering == 'th' else 'channels_last'


def _from_theano_layout(kernel):
    """A 'th' kernel (filters, input_depth) + window in the layout window + (input_depth,
    filters)."""
    window = tuple(range(2, kernel.ndim))
    return _K.permute_dimensions(kernel, window + (1, 0))


def _check_border_mode(border_mode):
    if border_mode not in ('same', 'valid'):
        raise ValueError('Invalid border mode: ' + str(border_mode) + " (expected 'same' or "
                         "'valid')")


def _symmetric_padding(name, padding):
    """Keras 1's spatial padding, one int per axis for both sides, as Keras 2's pairs."""
    return name.startswith('spatial_') and isinstance(padding, (tuple, list)) and \
        all(isinstance(p, numbers.Integral) for p in padding)


def _written_for_keras1(name, positional, keywords, args, kwargs):
    if any(key in keywords for key in kwargs):
        return True
    given = dict(zip(positional, args), **kwargs)
    return given.get('data_format') in ('th', 'tf', 'default') or \
        _symmetric_padding(name, given.get('padding'))


def _translated(name, positional, keywords, args, kwargs):
    """The Keras 2 keyword arguments of a call written with Keras 1's names or values."""
    if len(args) > len(positional):
        raise TypeError('%s() takes at most %d positional arguments (%d given)'
                        % (name, len(positional), len(args)))
    bound = dict(zip(positional, args))
    for key, value in kwargs.items():
        target = keywords.get(key, key)
        if target is None:
            continue
        if target in bound:
            raise TypeError('%s() got the argument %r twice (Keras 1 names it %r)'
                            % (name, target, key if key != target else
                               next(k for k, v in keywords.items() if v == target)))
        if key == 'border_mode':
            _check_border_mode(value)
        bound[target] = value
    ordering = bound.get('data_format')
    if ordering in ('th', 'tf', 'default') or 'dim_ordering' in kwargs:
        bound['data_format'] = _data_format(ordering)
        if bound['data_format'] == 'channels_first':
            for kernel in _TH_KERNELS.get(name, ()):
                if kernel in bound:
                    bound[kernel] = _from_theano_layout(bound[kernel])
    if _symmetric_padding(name, bound.get('padding')):
        bound['padding'] = tuple((p, p) for p in bound['padding'])
    return bound


def _accepting_keras1(name, function):
    positional, keywords = _KERAS1_KEYWORDS[name]

    @functools.wraps(function)
    def call(*args, **kwargs):
        if not _written_for_keras1(name, positional, keywords, args, kwargs):
            return function(*args, **kwargs)
        return function(**_translated(name, positional, keywords, args, kwargs))
    return call


def accept_keras1_keywords(namespace):
    """Wraps the functions of `namespace` (keras_cpp.backend's) whose Keras 1 keywords differ."""
    for name in _KERAS1_KEYWORDS:
        namespace[name] = _accepting_keras1(name, namespace[name])


def lesser(x, y):
    """Keras 1: element-wise truth value of (x < y) (Keras 2's less)."""
    return _K.less(x, y)


def lesser_equal(x, y):
    """Keras 1: element-wise truth value of (x <= y) (Keras 2's less_equal)."""
    return _K.less_equal(x, y)


def get_variable_shape(x):
    """The shape of a variable as a tuple of ints (Keras's int_shape)."""
    return _K.int_shape(x)


def asymmetric_temporal_padding(x, left_pad=1, right_pad=1):
    """Keras 1: pads the middle axis of a 3D tensor with left_pad zeros before, right_pad after."""
    return _K.temporal_padding(x, (left_pad, right_pad))


def asymmetric_spatial_2d_padding(x, top_pad=1, bottom_pad=1, left_pad=1, right_pad=1,
                                  dim_ordering='default'):
    """Keras 1: pads the rows (top_pad, bottom_pad) and columns (left_pad, right_pad) of a 4D
    tensor with zeros; dim_ordering 'th' is channels first, 'tf' channels last, 'default' the
    image_dim_ordering() setting."""
    return _K.spatial_2d_padding(x, ((top_pad, bottom_pad), (left_pad, right_pad)),
                                 data_format=_data_format(dim_ordering))


def _keras1_conv2d_args(kernel, border_mode, dim_ordering):
    """Keras 1's (border_mode, dim_ordering) as Keras 2's (padding, data_format), with a 'th'
    kernel in TensorFlow's layout."""
    _check_border_mode(border_mode)
    data_format = _data_format(dim_ordering)
    if data_format == 'channels_first':
        kernel = _from_theano_layout(kernel)
    return kernel, border_mode, data_format


def deconv2d(x, kernel, output_shape, strides=(1, 1), border_mode='valid',
             dim_ordering='default', image_shape=None, filter_shape=None):
    """Keras 1: the transposed 2D convolution of x with a kernel of Keras 1's Deconvolution2D
    ((rows, cols, input_depth, filters), 'th': (filters, input_depth, rows, cols)) to
    output_shape (in dim_ordering's order). image_shape and filter_shape are Theano's hints."""
    kernel, padding, data_format = _keras1_conv2d_args(kernel, border_mode, dim_ordering)
    kernel = _K.permute_dimensions(kernel, (0, 1, 3, 2))  # Keras 2's layout
    return _K.conv2d_transpose(x, kernel, output_shape, strides=strides, padding=padding,
                               data_format=data_format)


def atrous_conv2d(x, kernel, rate=1, border_mode='valid', dim_ordering='default',
                  image_shape=None, filter_shape=None):
    """Keras 1: the 2D convolution of x with the kernel dilated by `rate` (Keras 2's
    conv2d(dilation_rate=(rate, rate))). image_shape and filter_shape are Theano's hints."""
    kernel, padding, data_format = _keras1_conv2d_args(kernel, border_mode, dim_ordering)
    return _K.conv2d(x, kernel, strides=(1, 1), padding=padding, data_format=data_format,
                     dilation_rate=(rate, rate))


__all__ = ['lesser', 'lesser_equal', 'get_variable_shape', 'asymmetric_temporal_padding',
           'asymmetric_spatial_2d_padding', 'deconv2d', 'atrous_conv2d']
