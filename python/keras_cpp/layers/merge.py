"""keras.layers.merge: Add, Subtract, Multiply, Average, Maximum, Minimum, Concatenate, Dot and
their functions (add([a, b]), concatenate([a, b], axis=-1), ...); Keras 1's Merge and
merge(mode=...). Each takes the arguments of its C++ schema."""
import functools
import inspect

from .._keras_cpp import layers as _layers
from ._signature import call_text, keras_signature

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


# Keras 1's Merge(layers=None, mode='sum', concat_axis=-1, dot_axes=-1, output_shape=None,
# output_mask=None, arguments=None, node_indices=None, tensor_indices=None, name=None): the
# layers merged, then the schema's arguments.
_MERGE_ARGUMENTS = [('layers', None, False, [])] + list(_layers._Merge1._schema_arguments)
_MERGE_SIGNATURE = keras_signature(_MERGE_ARGUMENTS)


class Merge(_layers._Merge1):
    """Keras 1's Merge layer: Merge([left_branch, right_branch], mode='concat') over layers or
    models (the first layer of a Sequential that then takes one input per branch), or called
    on a list of tensors. mode: 'sum', 'mul', 'concat', 'ave', 'max', 'dot', 'cos', or a
    function of the list of tensors (called with `arguments` as keywords)."""
    _arguments = _MERGE_ARGUMENTS
    __signature__ = _MERGE_SIGNATURE

    def __init__(self, *args, **kwargs):
        call = dict(_MERGE_SIGNATURE.bind(*args, **kwargs).arguments)
        call.update(call.pop('kwargs', {}))
        mode = call.get('mode', 'sum')
        if call.get('arguments') and callable(mode):
            mode = functools.partial(mode, **call['arguments'])
        call['mode'] = _list_mode(mode)
        _layers._Merge1.__init__(self, **call)


Merge.__init__.__doc__ = call_text('Merge', _MERGE_ARGUMENTS)


def merge(inputs, *args, **kwargs):
    """Keras 1's merge(): a Merge layer (mode='sum', concat_axis=-1, dot_axes=-1, output_shape,
    output_mask, arguments, name) called on the list of tensors."""
    return Merge(None, *args, **kwargs)(inputs)


merge.__signature__ = inspect.Signature(
    [inspect.Parameter('inputs', inspect.Parameter.POSITIONAL_OR_KEYWORD)] +
    [p for p in _MERGE_SIGNATURE.parameters.values() if p.name != 'layers'])

__all__ = ['Add', 'Subtract', 'Multiply', 'Average', 'Maximum', 'Minimum', 'Concatenate', 'Dot',
           'add', 'subtract', 'multiply', 'average', 'maximum', 'minimum', 'concatenate', 'dot',
           'merge', 'Merge']
