"""keras.layers.normalization: BatchNormalization (Keras 1's beta_init, gamma_init too)."""
from .._keras_cpp import layers as _layers

BatchNormalization = _layers.BatchNormalization
__all__ = ['BatchNormalization']
