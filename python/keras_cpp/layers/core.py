"""keras.layers.core: Dense, Activation, Dropout, and the other core layers the engine has."""
from .._export import export
from .._keras_cpp import layers as _layers

__all__ = [name for name in ('Dense', 'Activation', 'Dropout', 'Flatten', 'Reshape', 'Permute',
                             'RepeatVector', 'Lambda', 'ActivityRegularization', 'Masking',
                             'SpatialDropout1D', 'SpatialDropout2D', 'SpatialDropout3D', 'Highway',
                             'MaxoutDense', 'TimeDistributedDense')
           if hasattr(_layers, name)]
export(_layers, globals(), __all__)


def _spatial_dropout_class(name):
    def __init__(self, rate=None, data_format=None, p=None, **kwargs):
        if p is not None:  # Keras 1's name of rate
            rate = p
        if rate is None:
            raise TypeError(name + "() missing 1 required argument: 'rate'")
        _layers._SpatialDropout.__init__(self, name, rate, data_format, **kwargs)

    doc = '%s(rate, data_format=None) (Keras 1: p, dim_ordering)' % name
    __init__.__doc__ = doc
    return type(name, (_layers._SpatialDropout,), {'__init__': __init__, '__doc__': doc})


SpatialDropout1D = _spatial_dropout_class('SpatialDropout1D')
SpatialDropout2D = _spatial_dropout_class('SpatialDropout2D')
SpatialDropout3D = _spatial_dropout_class('SpatialDropout3D')
__all__ += ['SpatialDropout1D', 'SpatialDropout2D', 'SpatialDropout3D']

from .merge import Merge  # noqa: E402,F401 (Keras 1 had Merge in keras.layers.core)
