"""keras.layers.noise: the ones the engine has (GaussianNoise, GaussianDropout, AlphaDropout)."""
from .._export import export
from .._keras_cpp import layers as _layers

__all__ = [name for name in ('GaussianNoise', 'GaussianDropout', 'AlphaDropout')
           if hasattr(_layers, name)]
export(_layers, globals(), __all__)
