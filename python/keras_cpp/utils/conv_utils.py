"""keras.utils.conv_utils: the shape arithmetic of convolutions and the argument normalizers of
Keras 2's convolutional layers."""
import numpy as np


def normalize_tuple(value, n, name):
    """`value` (an int, or n ints) as a tuple of n ints; `name` is the argument's, for errors."""
    if isinstance(value, int):
        return (value,) * n
    try:
        value_tuple = tuple(value)
    except TypeError:
        raise ValueError('The `' + name + '` argument must be a tuple of ' + str(n) +
                         ' integers. Received: ' + str(value))
    if len(value_tuple) != n:
        raise ValueError('The `' + name + '` argument must be a tuple of ' + str(n) +
                         ' integers. Received: ' + str(value))
    for single_value in value_tuple:
        try:
            int(single_value)
        except (ValueError, TypeError):
            raise ValueError('The `' + name + '` argument must be a tuple of ' + str(n) +
                             ' integers. Received: ' + str(value) + ' including element ' +
                             str(single_value) + ' of type ' + str(type(single_value)))
    return value_tuple


def normalize_data_format(value):
    """'channels_first' or 'channels_last' (None: K.image_data_format()), lower-cased."""
    from .. import backend as K
    if value is None:
        value = K.image_data_format()
    data_format = value.lower()
    if data_format not in {'channels_first', 'channels_last'}:
        raise ValueError('The `data_format` argument must be one of "channels_first", '
                         '"channels_last". Received: ' + str(value))
    return data_format


def normalize_padding(value):
    """'valid', 'same' or 'causal', lower-cased."""
    padding = value.lower()
    if padding not in {'valid', 'same', 'causal'}:
        raise ValueError('The `padding` argument must be one of "valid", "same" (or "causal" '
                         'for Conv1D). Received: ' + str(padding))
    return padding


def convert_kernel(kernel):
    """A convolution kernel (spatial..., input_depth, output_depth) flipped along its spatial
    axes: Theano's convolution to TensorFlow's correlation and back."""
    kernel = np.asarray(kernel)
    if not 3 <= kernel.ndim <= 5:
        raise ValueError('Invalid kernel shape:', kernel.shape)
    slices = [slice(None, None, -1) for _ in range(kernel.ndim)]
    slices[-2:] = (slice(None, None), slice(None, None))
    return np.copy(kernel[tuple(slices)])


class InvalidPaddingError(ValueError, AssertionError):
    """An unknown padding name: Keras 2.2.4's shape helpers `assert` their padding (an
    AssertionError), other places raise ValueError; this is both."""


def conv_output_length(input_length, filter_size, padding, stride, dilation=1):
    """The output length of a convolution over `input_length` (None stays None); padding one of
    'same', 'valid', 'full', 'causal'."""
    if input_length is None:
        return None
    if padding not in {'same', 'valid', 'full', 'causal'}:
        raise InvalidPaddingError('Invalid padding: ' + str(padding) + " (expected 'same', "
                                  "'valid', 'full' or 'causal')")
    dilated_filter_size = filter_size + (filter_size - 1) * (dilation - 1)
    if padding in ('same', 'causal'):
        output_length = input_length
    elif padding == 'valid':
        output_length = input_length - dilated_filter_size + 1
    else:
        output_length = input_length + dilated_filter_size - 1
    return (output_length + stride - 1) // stride


def conv_input_length(output_length, filter_size, padding, stride):
    """The input length a convolution needs to give `output_length` (None stays None)."""
    if output_length is None:
        return None
    if padding not in {'same', 'valid', 'full'}:
        raise InvalidPaddingError('Invalid padding: ' + str(padding) + " (expected 'same', "
                                  "'valid' or 'full')")
    if padding == 'same':
        pad = filter_size // 2
    elif padding == 'valid':
        pad = 0
    else:
        pad = filter_size - 1
    return (output_length - 1) * stride - 2 * pad + filter_size


def deconv_length(dim_size, stride_size, kernel_size, padding, output_padding, dilation=1):
    """The output length of a transposed convolution over `dim_size` (None stays None)."""
    if dim_size is None:
        return None
    kernel_size = kernel_size + (kernel_size - 1) * (dilation - 1)
    if output_padding is None:
        if padding == 'valid':
            return dim_size * stride_size + max(kernel_size - stride_size, 0)
        if padding == 'full':
            return dim_size * stride_size - (stride_size + kernel_size - 2)
        if padding == 'same':
            return dim_size * stride_size
        raise InvalidPaddingError('Invalid padding: ' + str(padding))
    if padding == 'same':
        pad = kernel_size // 2
    elif padding == 'valid':
        pad = 0
    elif padding == 'full':
        pad = kernel_size - 1
    else:
        raise InvalidPaddingError('Invalid padding: ' + str(padding))
    return (dim_size - 1) * stride_size + kernel_size - 2 * pad + output_padding
