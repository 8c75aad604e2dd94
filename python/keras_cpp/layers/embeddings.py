"""keras.layers.embeddings: Embedding(input_dim, output_dim, ...) (Keras 1's init, W_regularizer,
W_constraint too)."""
from .._keras_cpp import layers as _layers

Embedding = _layers.Embedding
__all__ = ['Embedding']
