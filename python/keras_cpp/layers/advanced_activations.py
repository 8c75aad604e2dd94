"""keras.layers.advanced_activations: the ones the engine has (LeakyReLU, PReLU, ELU, ...)."""
from .._export import export
from .._keras_cpp import layers as _layers

__all__ = [name for name in ('LeakyReLU', 'PReLU', 'ELU', 'ThresholdedReLU', 'Softmax', 'ReLU')
           if hasattr(_layers, name)]
export(_layers, globals(), __all__)
