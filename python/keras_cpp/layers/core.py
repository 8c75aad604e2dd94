"""keras.layers.core: Dense, Activation, Dropout, and the other core layers the engine has."""
from .._export import export
from .._keras_cpp import layers as _layers

__all__ = [name for name in ('Dense', 'Activation', 'Dropout', 'Flatten', 'Reshape', 'Permute',
                             'RepeatVector', 'Lambda', 'ActivityRegularization', 'Masking',
                             'SpatialDropout1D', 'SpatialDropout2D', 'SpatialDropout3D', 'Highway',
                             'MaxoutDense', 'TimeDistributedDense')
           if hasattr(_layers, name)]
export(_layers, globals(), __all__)
