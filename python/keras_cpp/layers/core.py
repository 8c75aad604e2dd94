"""keras.layers.core: Dense, Activation, Dropout, and the other core layers the engine has."""
import functools

from .._export import export
from .._keras_cpp import layers as _layers

__all__ = [name for name in ('Dense', 'Activation', 'Dropout', 'Flatten', 'Reshape', 'Permute',
                             'RepeatVector', 'Lambda', 'ActivityRegularization', 'Masking',
                             'SpatialDropout1D', 'SpatialDropout2D', 'SpatialDropout3D', 'Highway',
                             'MaxoutDense', 'TimeDistributedDense')
           if hasattr(_layers, name)]
export(_layers, globals(), __all__)


from ._signature import family_class as _family_class  # noqa: E402

_spatial_dropout_class = functools.partial(_family_class, _layers._SpatialDropout)
SpatialDropout1D = _spatial_dropout_class('SpatialDropout1D')
SpatialDropout2D = _spatial_dropout_class('SpatialDropout2D')
SpatialDropout3D = _spatial_dropout_class('SpatialDropout3D')
__all__ += ['SpatialDropout1D', 'SpatialDropout2D', 'SpatialDropout3D']

from .merge import Merge  # noqa: E402,F401 (Keras 1 had Merge in keras.layers.core)


# Keras 2.2.4's Lambda serialization of Python functions. The code of a function read back from
# a config runs with this module's globals (as Keras's keras.layers.core: K, np) and the visible
# custom objects.
import types as _types  # noqa: E402

import numpy as np  # noqa: E402,F401

from .. import backend as K  # noqa: E402,F401
from ..utils.generic_utils import func_dump as _func_dump  # noqa: E402
from ..utils.generic_utils import func_load as _func_load  # noqa: E402


def _function_code(function):
    """A Python function's func_dump (Keras writes every Python function, lambda or not, as its
    code); None for anything else (a builtin, a partial, a callable object)."""
    if isinstance(function, _types.FunctionType):
        return _func_dump(function)
    return None


def _arguments_config(arguments):
    """A Lambda's `arguments` for its config: numpy arrays as {'type': 'ndarray', 'value': ...}
    (what _lambda_from_config reads back), other values as they are."""
    return {k: {'type': 'ndarray', 'value': v.tolist()} if isinstance(v, np.ndarray) else v
            for k, v in arguments.items()}


def _lambda_from_config(config):
    """Keras 2.2.4's Lambda.from_config: `function` and `output_shape` by their types ('lambda':
    code, read with func_load; 'function': a name of the custom objects; 'raw': a shape)."""
    from ..utils.generic_utils import _visible_custom_objects
    config = dict(config)
    objects = _visible_custom_objects()
    globs = dict(globals())
    globs.update(objects)

    def restore(key, kind):
        value = config.get(key)
        if kind == 'lambda':
            return _func_load(value, globs=globs)
        if kind == 'function':
            if value not in objects:
                raise ValueError('Unknown %s in Lambda layer: %r; pass it in custom_objects'
                                 % (key, value))
            return objects[value]
        if kind == 'raw':
            return value
        raise TypeError('Unknown %s type in a Lambda config: %r' % (key, kind))

    config['function'] = restore('function', config.pop('function_type', 'function'))
    config['output_shape'] = restore('output_shape', config.pop('output_shape_type', 'raw'))
    # numpy arrays among the arguments were written as {'type': 'ndarray', 'value': [...]}.
    arguments = config.get('arguments') or {}
    for key, value in list(arguments.items()):
        if isinstance(value, dict) and value.get('type') == 'ndarray':
            arguments[key] = np.array(value['value'])
    return _layers.Lambda(**config)
