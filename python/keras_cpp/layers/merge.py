"""keras.layers.merge: Add, Subtract, Multiply, Average, Maximum, Minimum, Concatenate, Dot and
their functions (add([a, b]), concatenate([a, b], axis=-1), ...); Keras 1's merge(mode=...)."""
import functools
import inspect

from .._keras_cpp import layers as _layers

Add = _layers.Add
Subtract = _layers.Subtract
Multiply = _layers.Multiply
Average = _layers.Average
Maximum = _layers.Maximum
Minimum = _layers.Minimum
Concatenate = _layers.Concatenate
Dot = _layers.Dot
add = _layers.add
subtract = _layers.subtract
multiply = _layers.multiply
average = _layers.average
maximum = _layers.maximum
minimum = _layers.minimum
concatenate = _layers.concatenate
dot = _layers.dot


def _list_mode(mode):
    """Keras 1 calls a function mode with the list of tensors; one written as a function of
    each tensor (`lambda x, y: x - y`, as the seed's example) gets them spread out."""
    if isinstance(mode, str) or not callable(mode):
        return mode
    try:
        params = inspect.signature(mode).parameters.values()
    except (TypeError, ValueError):
        return mode
    positional = [p for p in params if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)
                  and p.default is p.empty]
    if len(positional) > 1:
        return lambda inputs: mode(*inputs)
    return mode


def merge(inputs, mode='sum', concat_axis=-1, dot_axes=-1, output_shape=None,
          output_mask=None, arguments=None, name=None):
    """Keras 1's merge(): the merged tensor of a list of tensors. mode: 'sum', 'mul', 'concat',
    'ave', 'max', 'dot', 'cos', or a function of the list of tensors (traced once)."""
    if output_mask is not None:
        raise NotImplementedError('output_mask is not supported by keras_cpp yet')
    fn = _list_mode(mode)
    if arguments:
        fn = functools.partial(fn, **arguments)
    return _layers._merge(inputs, fn, concat_axis, dot_axes, output_shape, name)


class Merge(_layers._Merge1):
    """Keras 1's Merge layer: Merge([left_branch, right_branch], mode='concat') over layers or
    models (the first layer of a Sequential that then takes one input per branch), or called
    on a list of tensors."""

    def __init__(self, layers=None, mode='sum', concat_axis=-1, dot_axes=-1,
                 output_shape=None, output_mask=None, arguments=None, node_indices=None,
                 tensor_indices=None, name=None):
        if output_mask is not None or node_indices is not None or tensor_indices is not None:
            raise NotImplementedError('output_mask, node_indices and tensor_indices are not '
                                      'supported by keras_cpp yet')
        fn = _list_mode(mode)
        if arguments:
            fn = functools.partial(fn, **arguments)
        _layers._Merge1.__init__(self, layers, fn, concat_axis, dot_axes, output_shape, name)

__all__ = ['Add', 'Subtract', 'Multiply', 'Average', 'Maximum', 'Minimum', 'Concatenate', 'Dot',
           'add', 'subtract', 'multiply', 'average', 'maximum', 'minimum', 'concatenate', 'dot',
           'merge', 'Merge']
