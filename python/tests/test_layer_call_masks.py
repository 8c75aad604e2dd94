"""Keras 2.2.4's Layer.input_mask / output_mask / get_input_mask_at / get_output_mask_at, and
the AttributeError of the single-call properties (input, output, their masks) on a layer called
several times."""
import numpy as np
import pytest

from keras_cpp import backend as K
from keras_cpp.layers import LSTM, Dense, Embedding, Input


def test_masks_of_a_layer_called_once():
    tokens = Input(shape=(5,))
    embedding = Embedding(10, 3, mask_zero=True)
    lstm = LSTM(2, return_sequences=True)
    y = lstm(embedding(tokens))
    assert embedding.input_mask is None
    assert embedding.output_mask is not None and lstm.input_mask is not None
    assert lstm.output_mask is not None  # return_sequences passes the mask on
    # The mask is the embedding's: where the tokens are not 0.
    f = K.function([tokens], [lstm.input_mask])
    np.testing.assert_array_equal(f([np.array([[1, 2, 0, 0, 3]])])[0],
                                  [[True, True, False, False, True]])
    dense = Dense(4)
    held = dense(Input(shape=(3,)))
    assert dense.input_mask is None and dense.output_mask is None
    assert dense.get_input_mask_at(0) is None and y is not None and held is not None


def test_layer_called_twice():
    a, b = Input(shape=(3,)), Input(shape=(3,))
    dense = Dense(2)
    outputs = [dense(a), dense(b)]
    for name in ('input', 'output', 'input_mask', 'output_mask'):
        with pytest.raises(AttributeError, match='multiple inbound nodes'):
            getattr(dense, name)
        assert not hasattr(dense, name)
    assert dense.get_input_at(1) == b
    assert dense.get_output_mask_at(1) is None
    with pytest.raises(ValueError):
        dense.get_input_mask_at(2)
    del outputs
    with pytest.raises(RuntimeError, match='no longer held'):
        dense.get_output_mask_at(0)


def test_layer_never_called():
    with pytest.raises(RuntimeError, match='never been called'):
        Dense(2).get_output_mask_at(0)
