"""keras.layers.embeddings: Embedding(input_dim, output_dim, ...) (Keras 1's init, W_regularizer,
W_constraint too)."""
from .._keras_cpp import layers as _layers

Embedding = _layers.Embedding
__all__ = ['Embedding']

_embedding_init = Embedding.__init__


def _embedding_init_taking_shapes(self, *args, **kwargs):
    """Keras 2.2.4's input_length may also be a tuple for inputs of several axes, such as
    (None, 5): the input's shape without the batch axis (None: any length)."""
    length = kwargs.get('input_length')
    if isinstance(length, (tuple, list)):
        del kwargs['input_length']
        if 'input_shape' not in kwargs and 'batch_input_shape' not in kwargs:
            kwargs['input_shape'] = tuple(length)
    _embedding_init(self, *args, **kwargs)


_embedding_init_taking_shapes.__doc__ = _embedding_init.__doc__
Embedding.__init__ = _embedding_init_taking_shapes
