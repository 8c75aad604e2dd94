"""Keras's backend (`from keras_cpp import backend as K`): symbolic tensors and their ops.

Nothing is computed until a `K.function(inputs, outputs, updates)` runs, or `K.eval(x)`.
Tensors support +, -, *, /, **, unary -, abs(), <, <=, >, >= elementwise, numpy-style indexing
(`x[:, :1]`, `x[..., 0]`, `x[:, -1, :]`, `x[::2]`, `x[:, None]`) and `numpy.asarray(x)`.
"""
import builtins as _builtins

import numpy as _np

from ._export import export
from ._keras_cpp import Function, Tensor
from ._keras_cpp import backend as _backend

export(_backend, globals())

_END = 2 ** 63 - 1  # a slice end meaning 'to the end of the axis'


# Keras's variable.constraint (K.variable(constraint=), a layer's add_weight(constraint=)): the
# constraint a variable was made with, by variable. Keras 2.2.4's optimizers project a variable's
# new value with it after each update; so do keras_cpp's get_updates and the training step of a
# model whose Python layer holds the variable.
_variable_constraints = {}


def _set_constraint(x, constraint):
    from . import constraints
    if constraint is not None:
        _variable_constraints[x] = constraints.get(constraint)


def variable(value, dtype=None, name=None, constraint=None):
    """A variable holding `value` (a numpy array or number); `constraint` (a constraint object,
    name or function of a tensor) is applied to it after each optimizer update."""
    x = _backend.variable(value, dtype=dtype, name=name)
    _set_constraint(x, constraint)
    return x


Tensor.constraint = property(lambda self: _variable_constraints.get(self),
                             doc='The constraint the variable was made with (None without).')


def is_tensor(x):
    return isinstance(x, Tensor)


def is_keras_tensor(x):
    if not is_tensor(x):
        raise ValueError('Unexpectedly found an instance of type `' + str(type(x)) + '`. '
                         'Expected a symbolic tensor instance.')
    return getattr(x, '_keras_history', None) is not None


def is_placeholder(x):
    """True for tensors made by K.placeholder (and Input)."""
    return is_tensor(x) and _backend._is_placeholder(x)


def is_sparse(tensor):
    return False  # keras.cpp has no sparse tensors


def to_dense(tensor):
    return tensor


def identity(x, name=None):
    return x


def manual_variable_initialization(value):
    """Keras's switch for initializing variables by hand; keras.cpp's variables always hold their
    value from creation, so there is nothing to initialize either way."""
    global _MANUAL_VAR_INIT
    _MANUAL_VAR_INIT = bool(value)


_MANUAL_VAR_INIT = False


def learning_phase():
    """The learning phase: the integer set by set_learning_phase, else the placeholder that
    functions feed (1 train, 0 test)."""
    fixed = _backend._fixed_learning_phase()
    return _backend.learning_phase() if fixed is None else fixed


def _resolve(value):
    return value() if callable(value) else value


def in_train_phase(x, alt, training=None):
    """x in the training phase, alt otherwise; either may be a callable returning the tensor."""
    if training is None:
        training = learning_phase()
    if not isinstance(training, Tensor):  # a fixed phase or a Python bool
        return _resolve(x) if training else _resolve(alt)
    x, alt = _resolve(x), _resolve(alt)
    if training == _backend.learning_phase():
        return _backend.in_train_phase(x, alt)
    return _backend.switch(training, x, alt)


def in_test_phase(x, alt, training=None):
    return in_train_phase(alt, x, training=training)


def switch(condition, then_expression, else_expression):
    """then_expression where condition is nonzero, else else_expression (a scalar condition picks
    a whole branch; callables are called)."""
    return _backend.switch(condition, _resolve(then_expression), _resolve(else_expression))


def batch_get_value(ops):
    return [get_value(x) for x in ops]  # noqa: F821 (exported above)


def batch_set_value(tuples):
    for x, value in tuples:
        set_value(x, value)  # noqa: F821


def cast_to_floatx(x):
    """A numpy array of x in floatx()."""
    return _np.asarray(x, dtype=floatx())  # noqa: F821


def normalize_data_format(value):
    """'channels_first' or 'channels_last' (None: image_data_format())."""
    from .utils.conv_utils import normalize_data_format as normalize
    return normalize(value)


# (the builtins any, sum, all, max, min, round, abs and slice are shadowed by K's: use _builtins.)

# ---- shapes known only at run time ------------------------------------------------------------

class _RunTimeDim(object):
    """An entry of K.shape(x) that is unknown when the graph is built (the batch size): it gives a
    random tensor or K.reshape its size at run time, and K.cast / arithmetic its value."""

    def __init__(self, x, axis):
        self.x, self.axis = x, axis

    def tensor(self):
        """The size as a scalar int32 tensor."""
        ones = _backend.ones_like(self.x, 'int32')
        return _backend.sum(ones, self.axis) if ones.ndim == 1 else \
            _backend.sum(_first_along_others(ones, self.axis), None)

    def __index__(self):
        raise TypeError('the size of axis %d of %r is known only at run time' % (self.axis, self.x))

    def __repr__(self):
        return '<run-time size of axis %d of %s>' % (self.axis, self.x.name)

    def _op(name):
        def op(self, other):
            return getattr(self.tensor(), name)(other.tensor() if isinstance(other, _RunTimeDim)
                                                else other)
        return op

    __add__, __radd__, __sub__, __rsub__ = _op('__add__'), _op('__radd__'), _op('__sub__'), \
        _op('__rsub__')
    __mul__, __rmul__, __truediv__, __rtruediv__ = _op('__mul__'), _op('__rmul__'), \
        _op('__truediv__'), _op('__rtruediv__')
    del _op


def _first_along_others(x, axis):
    """x with every axis but `axis` cut to its first entry."""
    begin = [0] * x.ndim
    end = [1] * x.ndim
    end[axis] = _END
    return _backend._strided_slice(x, begin, end, [1] * x.ndim)


def shape(x):
    """Keras's K.shape: x's shape as a tuple; its sizes known only at run time (None in
    int_shape) are entries that K.random_*, K.reshape, K.cast and arithmetic accept."""
    return tuple(_RunTimeDim(x, axis) if d is None else d for axis, d in enumerate(x.shape))


def _like_for(shape_arg, dtype):
    """(static shape, None) for a known shape; (None, a tensor of that shape) when entries of
    K.shape give sizes known only at run time."""
    dims = list(shape_arg) if isinstance(shape_arg, (tuple, list)) else [shape_arg]
    if not _builtins.any(isinstance(d, _RunTimeDim) for d in dims):
        return tuple(int(d) for d in dims), None
    like = None
    for position, d in enumerate(dims):
        if isinstance(d, _RunTimeDim):
            piece = _first_along_others(_backend.zeros_like(d.x, dtype), d.axis)
            piece = _backend.reshape(piece, (-1,))
        else:
            piece = _backend.constant(0, dtype, (int(d),))
        for _ in range(len(dims) - position - 1):
            piece = _backend.expand_dims(piece, -1)
        like = piece if like is None else like + piece
    return None, like


def cast(x, dtype):
    if isinstance(x, _RunTimeDim):
        x = x.tensor()
    elif isinstance(x, (tuple, list)) and _builtins.any(isinstance(d, _RunTimeDim) for d in x):
        # K.shape(x) of sizes known only at run time: a 1-D tensor of them, as TensorFlow's is.
        return _backend.stack([_backend.cast(d.tensor(), dtype) if isinstance(d, _RunTimeDim)
                               else _backend.constant(d, dtype) for d in x], 0)
    return _backend.cast(x, dtype)


def arange(start, stop=None, step=1, dtype='int32'):
    """numpy's arange as a 1-D tensor (empty for start < 0 and no stop, as in Keras). start, stop
    and step may be tensors computed from constants only: keras_cpp's shapes are fixed when the
    graph is built, so their values are read then."""
    def value(argument, what):
        if not is_tensor(argument):
            return argument
        if not _backend._is_constant(argument):
            raise ValueError(
                'K.arange: `%s` is a tensor whose value is known only at run time (it comes from '
                'a placeholder, a variable or a random draw); the length of arange\'s result must '
                'be known when the graph is built: pass a number or a constant tensor' % what)
        return _np.asarray(eval(argument)).item()  # noqa: F821 (exported above)
    start, stop, step = value(start, 'start'), value(stop, 'stop'), value(step, 'step')
    return _backend.arange(start, stop, step, dtype)


def stop_gradient(variables):
    """variables (a tensor or a list of tensors) through which no gradient flows."""
    if isinstance(variables, (list, tuple)):
        return [_backend.stop_gradient(v) for v in variables]
    return _backend.stop_gradient(variables)


def reshape(x, shape):
    dims = [-1 if isinstance(d, _RunTimeDim) else d for d in
            (shape if isinstance(shape, (tuple, list)) else [shape])]
    return _backend.reshape(x, dims)


def random_uniform(shape, minval=0.0, maxval=1.0, dtype=None, seed=None):
    static, like = _like_for(shape, dtype or floatx())  # noqa: F821
    return _backend._random_uniform(static, like, minval, maxval, dtype, seed)


def random_normal(shape, mean=0.0, stddev=1.0, dtype=None, seed=None):
    static, like = _like_for(shape, dtype or floatx())  # noqa: F821
    return _backend._random_normal(static, like, mean, stddev, dtype, seed, False)


def truncated_normal(shape, mean=0.0, stddev=1.0, dtype=None, seed=None):
    static, like = _like_for(shape, dtype or floatx())  # noqa: F821
    return _backend._random_normal(static, like, mean, stddev, dtype, seed, True)


def random_binomial(shape, p=0.0, dtype=None, seed=None):
    static, like = _like_for(shape, dtype or floatx())  # noqa: F821
    return _backend._random_binomial(static, like, p, dtype, seed)


def dropout(x, level, noise_shape=None, seed=None):
    """Keras's K.dropout; with noise_shape, one draw per entry of that shape, broadcast to x."""
    if noise_shape is None:
        return _backend.dropout(x, level, seed=seed)
    noise_shape = tuple(noise_shape)
    if len(noise_shape) != x.ndim:
        raise ValueError('noise_shape %r must have the rank of the input %r' % (noise_shape,
                                                                              x.shape))
    end = [_END] * x.ndim
    for axis, (n, d) in enumerate(zip(noise_shape, x.shape)):
        if n is None or isinstance(n, _RunTimeDim) or n == d:
            continue
        if n != 1:
            raise ValueError('noise_shape %r does not broadcast to the input %r' % (noise_shape,
                                                                                  x.shape))
        end[axis] = 1
    mask = _backend.ones_like(_backend._strided_slice(x, [0] * x.ndim, end, [1] * x.ndim))
    return x * _backend.dropout(mask, level, seed=seed)


def ctc_decode(y_pred, input_length, greedy=True, beam_width=100, top_paths=1):
    """Keras's ctc_decode with greedy=True: ([decoded (batch, time) int64, -1 after each
    sequence], log_prob (batch, 1))."""
    if not greedy:
        raise ValueError('keras_cpp.backend.ctc_decode decodes greedily (greedy=True); beam '
                         'search is not implemented')
    decoded, log_prob = _backend._ctc_decode_greedy(y_pred, input_length)
    return [decoded], log_prob


# ---- convolutions composed of others ----------------------------------------------------------

def separable_conv1d(x, depthwise_kernel, pointwise_kernel, strides=1, padding='valid',
                     data_format=None, dilation_rate=1):
    """Keras's separable_conv1d: x (batch, steps, channels) (channels_first: (batch, channels,
    steps)), depthwise_kernel (k, channels, multiplier), pointwise_kernel (1, channels *
    multiplier, filters); a separable_conv2d over a height of 1."""
    data_format = normalize_data_format(data_format)
    strides = strides[0] if isinstance(strides, (tuple, list)) else strides
    dilation_rate = dilation_rate[0] if isinstance(dilation_rate, (tuple, list)) else dilation_rate
    if data_format == 'channels_first':
        x = _backend.permute_dimensions(x, (0, 2, 1))
    if padding == 'causal':  # left padding, then 'valid'
        left = dilation_rate * (int_shape(depthwise_kernel)[0] - 1)  # noqa: F821
        x = _backend.temporal_padding(x, (left, 0))
        padding = 'valid'
    y = _backend.separable_conv2d(_backend.expand_dims(x, 1),
                                  _backend.expand_dims(depthwise_kernel, 0),
                                  _backend.expand_dims(pointwise_kernel, 0), (1, strides),
                                  padding, 'channels_last', (1, dilation_rate))
    y = _backend.squeeze(y, 1)
    return _backend.permute_dimensions(y, (0, 2, 1)) if data_format == 'channels_first' else y


def local_conv1d(inputs, kernel, kernel_size, strides, data_format=None):
    """Keras's local_conv1d: an unshared-weights 1D convolution; kernel (output_length,
    kernel_size * input_dim, filters). Returns (batch, output_length, filters)."""
    stride = strides[0]
    output_length, feature_dim, filters = int_shape(kernel)  # noqa: F821
    windows = [_backend.reshape(inputs[:, i * stride:i * stride + kernel_size[0], :],
                                (1, -1, feature_dim)) for i in range(output_length)]
    output = _backend.batch_dot(_backend.concatenate(windows, 0), kernel)
    return _backend.permute_dimensions(output, (1, 0, 2))


def local_conv2d(inputs, kernel, kernel_size, strides, output_shape, data_format=None):
    """Keras's local_conv2d: an unshared-weights 2D convolution; kernel (output_rows *
    output_cols, kernel_rows * kernel_cols * channels, filters)."""
    data_format = normalize_data_format(data_format)
    stride_row, stride_col = strides
    output_row, output_col = output_shape
    _, feature_dim, filters = int_shape(kernel)  # noqa: F821
    windows = []
    for i in range(output_row):
        rows = _builtins.slice(i * stride_row, i * stride_row + kernel_size[0])
        for j in range(output_col):
            cols = _builtins.slice(j * stride_col, j * stride_col + kernel_size[1])
            window = inputs[:, :, rows, cols] if data_format == 'channels_first' else \
                inputs[:, rows, cols, :]
            windows.append(_backend.reshape(window, (1, -1, feature_dim)))
    output = _backend.batch_dot(_backend.concatenate(windows, 0), kernel)
    output = _backend.reshape(output, (output_row, output_col, -1, filters))
    return _backend.permute_dimensions(
        output, (2, 3, 0, 1) if data_format == 'channels_first' else (2, 0, 1, 3))


# ---- loops over a known axis --------------------------------------------------------------------

def rnn(step_function, inputs, initial_states, go_backwards=False, mask=None, constants=None,
        unroll=False, input_length=None):
    """Keras's K.rnn, unrolled over the known time axis of inputs (batch, time, ...):
    step_function(input_t, states (+ constants)) -> (output_t, new_states). Returns
    (last_output, outputs (batch, time, ...), new_states). A (batch, time) mask carries the
    previous output and states over masked steps."""
    steps = inputs.shape[1]
    if steps is None:
        raise ValueError('keras_cpp.backend.rnn unrolls the time axis, which must be known; got '
                         'inputs of shape %r' % (inputs.shape,))
    constants = list(constants or [])
    states = list(initial_states)
    order = range(steps - 1, -1, -1) if go_backwards else range(steps)
    outputs, last = [], None
    for t in order:
        output, new_states = step_function(inputs[:, t], states + constants)
        new_states = list(new_states)
        if mask is not None:
            keep = _backend.cast(mask[:, t], output.dtype)
            if last is None:
                last = _backend.zeros_like(output)
            output = _backend.switch(keep, output, last)
            new_states = [_backend.switch(keep, n, s) for n, s in zip(new_states, states)]
        outputs.append(output)
        last, states = output, new_states
    return last, _backend.stack(outputs, 1), states


def map_fn(fn, elems, name=None, dtype=None):
    """fn applied to each entry of elems along its (known) first axis, stacked."""
    return _backend.stack([fn(e) for e in _backend.unstack(elems, 0)], 0)


def foldl(fn, elems, initializer=None, name=None):
    """fn(accumulator, entry) over the (known) first axis of elems, left to right."""
    parts = _backend.unstack(elems, 0)
    acc = parts.pop(0) if initializer is None else initializer
    for e in parts:
        acc = fn(acc, e)
    return acc


def foldr(fn, elems, initializer=None, name=None):
    """fn(accumulator, entry) over the (known) first axis of elems, right to left."""
    parts = _backend.unstack(elems, 0)[::-1]
    acc = parts.pop(0) if initializer is None else initializer
    for e in parts:
        acc = fn(acc, e)
    return acc


# ---- indexing symbolic tensors ------------------------------------------------------------------

def _getitem(x, key):
    """numpy basic indexing: ints (negative from the end), slices with steps, Ellipsis, None."""
    if not isinstance(key, tuple):
        key = (key,)
    for position, k in enumerate(key):
        if position >= x.ndim or _builtins.any(e is None or e is Ellipsis for e in key[:position]):
            break
        if isinstance(k, Tensor) and k.ndim == 0 and k.dtype in ('int32', 'int64'):
            # An index known at run time (TensorFlow's x[i]; K.map_fn over K.arange): the
            # entry gathered along its axis, moved to the front and back.
            order = [position] + [a for a in range(x.ndim) if a != position]
            moved = _backend.permute_dimensions(x, order) if position else x
            return _getitem(_backend.gather(moved, k), key[:position] + key[position + 1:])
    if _builtins.any(isinstance(k, (Tensor, list, _np.ndarray)) for k in key):
        raise TypeError('keras_cpp tensors take ints, slices, ... and None as indices (use '
                        'K.gather for index tensors), got %r' % (key,))
    if _builtins.sum(k is Ellipsis for k in key) > 1:
        raise IndexError('an index can only have a single ellipsis (...)')
    used = _builtins.sum(1 for k in key if k is not None and k is not Ellipsis)
    if used > x.ndim:
        raise IndexError('too many indices for a tensor of rank %d: %r' % (x.ndim, key))
    if Ellipsis not in key:
        key = key + (Ellipsis,)
    expanded = []
    for k in key:
        expanded.extend([_builtins.slice(None)] * (x.ndim - used) if k is Ellipsis else [k])
    begin, end, step, final_shape, indexed = [], [], [], [], []
    axis = 0
    for k in expanded:
        if k is None:
            final_shape.append(1)
            continue
        dim = x.shape[axis]
        if isinstance(k, _builtins.slice):
            if k == _builtins.slice(None) or (dim is None and k.step in (None, 1) and k.start in (None, 0)
                                    and k.stop is None):
                begin.append(0), end.append(_END), step.append(1)
                final_shape.append(dim)
            elif dim is None and k.step not in (None, 1):
                # Any step: numpy's bounds as written (_END: omitted), resolved per size.
                begin.append(_END if k.start is None else k.start)
                end.append(_END if k.stop is None else k.stop)
                step.append(k.step)
                final_shape.append(None)
            elif dim is None:
                # Bounds counted from the start or the end, resolved when the size is known.
                b = 0 if k.start is None else k.start
                e = _END if k.stop is None else k.stop
                begin.append(b), end.append(e), step.append(1)
                from_end = b < 0, e < 0 or e == _END
                final_shape.append(e - b if from_end == (False, False) else
                                   (e if e < 0 else 0) - b if from_end == (True, True) else None)
            else:
                b, e, s = k.indices(dim)
                count = len(range(b, e, s))
                if count == 0:
                    raise IndexError('the slice %r of axis %d (size %d) is empty' % (k, axis, dim))
                begin.append(b), end.append(e), step.append(s)
                final_shape.append(count)
        else:
            i = _np.int64(k).item() if isinstance(k, _np.integer) else k
            if not isinstance(i, int) or isinstance(i, bool):
                raise TypeError('keras_cpp tensors take ints, slices, ... and None as indices, '
                                'got %r' % (k,))
            if dim is None:
                # Counted from the start or the end; the Slice op checks it when the size is
                # known (Keras's x[0] on a batch of any size).
                begin.append(i), end.append(_END if i == -1 else i + 1), step.append(1)
                indexed.append(axis)
                axis += 1
                continue
            if not -dim <= i < dim:
                raise IndexError('index %d is out of bounds for axis %d with size %d' % (i, axis,
                                                                                         dim))
            i %= dim
            begin.append(i), end.append(i + 1), step.append(1)
            indexed.append(axis)
        axis += 1
    y = _backend._strided_slice(x, begin, end, step)
    target = [-1 if d is None else d for d in final_shape]
    if tuple(y.shape) == tuple(final_shape):
        return y
    if target.count(-1) <= 1:
        return _backend.reshape(y, target)
    # Several sizes known only at run time: drop the indexed axes and insert the new ones one at
    # a time (each keeps the other axes' sizes, whatever they are).
    for a in reversed(indexed):
        y = _backend.squeeze(y, a)
    for position, k in enumerate(k for k in expanded if not isinstance(k, (int, _np.integer))):
        if k is None:
            y = _backend.expand_dims(y, position)
    return y


def _tensor_array(x, dtype=None, copy=None):
    """numpy.asarray(tensor): the value of a variable or constant, else K.eval."""
    value = eval(x)  # noqa: F821 (K.eval, exported above)
    return value if dtype is None else value.astype(dtype)


def _tensor_iter(x):
    raise TypeError('a symbolic tensor is not iterable: index it (x[i]) or use K.unstack')


Tensor.__getitem__ = _getitem
Tensor.__iter__ = _tensor_iter  # without it, indexing would make tensors silently iterable
Tensor.__array__ = _tensor_array


def relu(x, alpha=0., max_value=None, threshold=0.):
    """Keras 2.2.4's relu: max_value for x >= max_value, x for threshold <= x < max_value,
    alpha * (x - threshold) otherwise."""
    if threshold == 0.:
        return _backend.relu(x, alpha, max_value)
    negative_part = _backend.relu(threshold - x) if alpha != 0. else None
    x = x * _backend.cast(_backend.greater(x, threshold), x.dtype)
    if max_value is not None:
        x = _backend.clip(x, 0., max_value)
    if negative_part is not None:
        x = x - alpha * negative_part
    return x


def dot(x, y):
    """Keras's dot: a matrix product, and for operands of more than two axes Theano's: the last
    axis of x against the second-to-last of y, shape x.shape[:-1] + y.shape[:-2] +
    y.shape[-1:]."""
    if y.ndim <= 2:
        return _backend.dot(x, y)
    x_shape, y_shape = tuple(x.shape), tuple(y.shape)
    perm = list(range(y.ndim))
    perm = [perm.pop(-2)] + perm
    xt = _backend.reshape(x, [-1, x_shape[-1]])
    yt = _backend.reshape(_backend.permute_dimensions(y, perm), [y_shape[-2], -1])
    out = x_shape[:-1] + y_shape[:-2] + y_shape[-1:]
    if _builtins.sum(d is None for d in out) > 1:
        raise ValueError('K.dot of %s and %s: the result %s may have one unknown dimension at most'
                         % (x_shape, y_shape, out))
    return _backend.reshape(_backend.dot(xt, yt), [-1 if d is None else d for d in out])


def batch_dot(x, y, axes=None):
    """Keras 2.2.4's batch_dot, operands of different ranks included: the smaller is padded
    with trailing axes of size 1, the product taken over `axes` (default: x's last, y's
    second-to-last), the padding squeezed out again; a 1-D result becomes (batch, 1)."""
    x_ndim, y_ndim = x.ndim, y.ndim
    if x_ndim == y_ndim:
        return _backend.batch_dot(x, y, axes)
    if isinstance(axes, int):
        axes = (axes, axes)
    if axes is None:
        axes = (x_ndim - 1, y_ndim - 2)

    def padded(t, extra):
        return _backend.reshape(t, [-1 if d is None else d for d in t.shape] + [1] * extra)

    diff = _builtins.abs(x_ndim - y_ndim)
    if x_ndim > y_ndim:
        y = padded(y, diff)
    else:
        x = padded(x, diff)
    out = _backend.batch_dot(x, y, tuple(axes))
    start = x_ndim + y_ndim - 3 if x_ndim > y_ndim else x_ndim - 1
    for axis in reversed(range(start, start + diff)):
        out = _backend.squeeze(out, axis)
    return _backend.expand_dims(out, 1) if out.ndim == 1 else out


def bias_add(x, bias, data_format=None):
    """Keras's bias_add: a bias of one axis (the channels), or of every axis but the batch's
    (laid out channels last; with channels_first its shape is read as Keras 2.2.4 reads it,
    the channels moved to the front)."""
    if bias.ndim == 1 or bias.ndim != x.ndim - 1 or x.ndim < 3:
        return _backend.bias_add(x, bias, data_format)
    shape = (1,) + tuple(bias.shape)
    if normalize_data_format(data_format) == 'channels_first':
        shape = (1, shape[-1]) + shape[1:-1]
    return x + _backend.reshape(bias, list(shape))


# Keras 1.2.2's backend: the names Keras 2 removed or renamed, and Keras 1's keyword spellings of
# the functions above (`K.conv2d(x, W, border_mode='same', dim_ordering='th')`).
from ._backend_keras1 import *  # noqa: E402,F401,F403
from ._backend_keras1 import accept_keras1_keywords  # noqa: E402

accept_keras1_keywords(globals())
del accept_keras1_keywords
