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
