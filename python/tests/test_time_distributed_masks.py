"""TimeDistributed as Keras 2.2.4 runs it: over integer indices (an Embedding inside, the model's
input int32), over inputs whose inner dimensions are unknown, with the wrapped layer's mask (a
Masking or Embedding(mask_zero=True) inside gives a mask per step, a masked input reaches the
wrapped RNN, a layer without a mask of its own reduces the input mask to (batch, timesteps))."""
import numpy as np
import pytest

from keras_cpp import backend as K
from keras_cpp.layers import Dense, Embedding, Masking, SimpleRNN, TimeDistributed
from keras_cpp.models import Sequential


def test_an_embedding_inside_reads_int32_indices():
    model = Sequential([TimeDistributed(Embedding(5, 6), input_shape=(3, 4), dtype='int32')])
    assert K.dtype(model.input) == 'int32'
    indices = np.random.randint(5, size=(2, 3, 4)).astype('int32')
    table = model.layers[0].get_weights()[0]
    np.testing.assert_allclose(model.predict(indices), table[indices], rtol=1e-6)
    model.compile('rmsprop', 'mse')
    model.fit(indices, np.random.rand(2, 3, 4, 6), epochs=1, verbose=0)
    # dtype= is the implied Input's: integer for layers that read indices, floatx elsewhere.
    assert K.dtype(Sequential([Embedding(5, 2, input_length=3, dtype='int64')]).input) == 'int32'
    with pytest.raises(ValueError, match='floatx'):
        Dense(3, dtype='int32')


def test_a_masking_layer_inside_gives_a_mask_per_step():
    model = Sequential([TimeDistributed(Masking(0.), input_shape=(None, 4)),
                        TimeDistributed(Dense(5))])
    x = np.random.randint(1, 5, size=(6, 3, 4)).astype('float32')
    for i in range(3):
        x[i, i:] = 0
    first = model.layers[0].compute_mask(model.input)
    second = model.layers[1].compute_mask(model.layers[1].input, first)
    got = K.function([model.input], [first, second])([x])
    for mask in got:
        np.testing.assert_array_equal(mask, np.any(x, axis=-1))
    model.compile('rmsprop', 'mse')
    model.fit(x, np.random.rand(6, 3, 5), epochs=1, verbose=0)


def test_unknown_inner_lengths_with_a_masked_embedding():
    # (batch, words, letters) of unknown words and letters: each word's letters run through
    # the inner RNNs as a masked sequence, so a word padded with zeros gives what its letters
    # alone give.
    model = Sequential([
        TimeDistributed(Embedding(5, 6, mask_zero=True), input_shape=(None, None)),
        TimeDistributed(SimpleRNN(7, return_sequences=True)),
        TimeDistributed(SimpleRNN(8)),
    ])
    assert model.output_shape == (None, None, 8)
    masks = [model.layers[0].compute_mask(model.input)]
    for layer in model.layers[1:]:
        masks.append(layer.compute_mask(layer.input, masks[-1]))
    x = np.random.randint(1, 5, size=(2, 3, 4)).astype('int32')
    x[0, 1, 2:] = 0
    x[1, 2, :] = 0
    values = K.function([model.input], masks)([x])
    np.testing.assert_array_equal(values[0], x > 0)
    np.testing.assert_array_equal(values[1], x > 0)
    np.testing.assert_array_equal(values[2], np.any(x > 0, axis=-1))

    padded = model.predict(x)
    alone = model.predict(x[:1, 1:2, :2])
    np.testing.assert_allclose(padded[0, 1], alone[0, 0], rtol=1e-5, atol=1e-6)
    assert model.predict(np.ones((1, 5, 2), 'int32')).shape == (1, 5, 8)  # other lengths


def test_a_wrapped_layer_without_a_mask_reduces_the_input_mask():
    model = Sequential([TimeDistributed(Embedding(5, 2, mask_zero=True), input_shape=(None, 3)),
                        TimeDistributed(SimpleRNN(4))])
    x = np.array([[[1, 2, 0], [0, 0, 0]]], 'int32')
    mask = model.layers[1].compute_mask(model.layers[1].input,
                                        model.layers[0].compute_mask(model.input))
    np.testing.assert_array_equal(K.function([model.input], [mask])([x])[0], [[True, False]])


def test_a_wrapped_model_after_a_masking_layer_keeps_the_steps_mask():
    # A model takes no mask: TimeDistributed asks it without one and passes the input mask on.
    from keras_cpp.layers import Activation, Input
    from keras_cpp.models import Model
    inner = Sequential([Dense(5, input_shape=(4,)), Activation('relu')])
    inputs = Input((3, 4))
    masked = Masking(0.)(inputs)
    wrapped = TimeDistributed(inner)
    model = Model(inputs, wrapped(masked))
    x = np.random.randint(1, 5, size=(4, 3, 4)).astype('float32')
    x[0, 1:] = 0
    mask = wrapped.compute_mask(masked, model.layers[1].compute_mask(inputs))
    np.testing.assert_array_equal(K.function([inputs], [mask])([x])[0], np.any(x, axis=-1))
    model.compile('rmsprop', 'mse')
    model.fit(x, np.random.rand(4, 3, 5), epochs=1, verbose=0)
