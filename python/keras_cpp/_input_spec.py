"""Keras's InputSpec and its check, outside the engine package: keras_cpp.layers needs them and
the engine package imports keras_cpp.layers."""


class InputSpec(object):
    """What a layer expects of each input: dtype, shape (None for any size), ndim, max_ndim,
    min_ndim and axes ({axis: size}). A layer written in Python sets self.input_spec (one spec,
    or a list with one per input); calls on tensors that do not match raise ValueError."""

    def __init__(self, dtype=None, shape=None, ndim=None, max_ndim=None, min_ndim=None,
                 axes=None):
        self.dtype = dtype
        self.shape = shape
        self.ndim = len(shape) if shape is not None else ndim
        self.max_ndim = max_ndim
        self.min_ndim = min_ndim
        self.axes = axes or {}

    def __repr__(self):
        spec = [('dtype=' + str(self.dtype)) if self.dtype else '',
                ('shape=' + str(self.shape)) if self.shape else '',
                ('ndim=' + str(self.ndim)) if self.ndim else '',
                ('max_ndim=' + str(self.max_ndim)) if self.max_ndim else '',
                ('min_ndim=' + str(self.min_ndim)) if self.min_ndim else '',
                ('axes=' + str(self.axes)) if self.axes else '']
        return 'InputSpec(%s)' % ', '.join(x for x in spec if x)


def assert_input_compatibility(layer, input_spec, inputs):
    """Keras's checks of `inputs` (a tensor or a list) against `input_spec`, with its messages."""
    from . import backend as K
    inputs = inputs if isinstance(inputs, (list, tuple)) else [inputs]
    specs = input_spec if isinstance(input_spec, (list, tuple)) else [input_spec]
    if len(inputs) != len(specs):
        raise ValueError('Layer ' + layer.name + ' expects ' + str(len(specs)) + ' inputs, but '
                         'it received ' + str(len(inputs)) + ' input tensors. Input received: ' +
                         str(inputs))
    for input_index, (x, spec) in enumerate(zip(inputs, specs)):
        if spec is None:
            continue
        where = 'Input ' + str(input_index) + ' is incompatible with layer ' + layer.name + ': '
        ndim = K.ndim(x)
        if spec.ndim is not None and ndim != spec.ndim:
            raise ValueError(where + 'expected ndim=' + str(spec.ndim) + ', found ndim=' +
                             str(ndim))
        if spec.max_ndim is not None and ndim > spec.max_ndim:
            raise ValueError(where + 'expected max_ndim=' + str(spec.max_ndim) +
                             ', found ndim=' + str(ndim))
        if spec.min_ndim is not None and ndim < spec.min_ndim:
            raise ValueError(where + 'expected min_ndim=' + str(spec.min_ndim) +
                             ', found ndim=' + str(ndim))
        if spec.dtype is not None and K.dtype(x) != spec.dtype:
            raise ValueError(where + 'expected dtype=' + str(spec.dtype) + ', found dtype=' +
                             str(K.dtype(x)))
        x_shape = K.int_shape(x)
        for axis, value in spec.axes.items():
            if value is not None and x_shape[int(axis)] not in (value, None):
                raise ValueError(where + 'expected axis ' + str(axis) + ' of input shape to '
                                 'have value ' + str(value) + ' but got shape ' + str(x_shape))
        if spec.shape is not None:
            for spec_dim, dim in zip(spec.shape, x_shape):
                if spec_dim is not None and dim is not None and spec_dim != dim:
                    raise ValueError(where + 'expected shape=' + str(spec.shape) +
                                     ', found shape=' + str(x_shape))
