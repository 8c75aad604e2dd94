"""keras.layers.advanced_activations: LeakyReLU, PReLU, ELU, ThresholdedReLU, Softmax, ReLU and
Keras 1's ParametricSoftplus and SReLU."""
from .._export import export
from .._keras_cpp import layers as _layers

__all__ = [name for name in ('LeakyReLU', 'PReLU', 'ELU', 'ThresholdedReLU', 'Softmax', 'ReLU',
                             'ParametricSoftplus', 'SReLU')
           if hasattr(_layers, name)]
export(_layers, globals(), __all__)
