"""Variable-length sequences from Python: Input(shape=(None, d)), recurrent layers with
input_shape=(None, d), Bidirectional, TimeDistributed, Embedding(input_length=None) and
Reshape((-1, k)) built, fit on batches of several lengths (one compiled plan per length, kept in
the plan cache), predicted, saved and loaded; recurrent layers with any Keras activation (softmax,
selu, elu, softplus, custom functions) against a numpy reference of Keras 2.2.4's cells."""
import numpy as np
import pytest

import keras_cpp as keras
from keras_cpp import backend as K
from keras_cpp.layers import (GRU, LSTM, Bidirectional, Dense, Embedding, Input, Reshape,
                              SimpleRNN, TimeDistributed)
from keras_cpp.models import Model, Sequential, load_model


def sigmoid(v):
    return 1 / (1 + np.exp(-v))


def hard_sigmoid(v):
    return np.clip(0.2 * v + 0.5, 0, 1)


def softmax(v):
    e = np.exp(v - v.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)


def selu(v):
    return 1.0507009873554805 * np.where(v > 0, v, 1.6732632423543772 * np.expm1(v))


NUMPY_ACTIVATIONS = {
    'tanh': np.tanh, 'sigmoid': sigmoid, 'hard_sigmoid': hard_sigmoid, 'softmax': softmax,
    'selu': selu, 'elu': lambda v: np.where(v > 0, v, np.expm1(v)),
    'softplus': lambda v: np.log1p(np.exp(v)), 'softsign': lambda v: v / (1 + np.abs(v)),
}


def numpy_rnn(cell, x, weights, act, rec):
    """Keras 2.2.4's SimpleRNNCell / GRUCell (reset_after=False) / LSTMCell over x (b, t, d):
    the sequence of h."""
    kernel, recurrent, bias = weights
    u = recurrent.shape[0]
    h = np.zeros((x.shape[0], u))
    c = np.zeros((x.shape[0], u))
    out = []
    for t in range(x.shape[1]):
        xw = x[:, t] @ kernel + bias
        if cell is SimpleRNN:
            h = act(xw + h @ recurrent)
        elif cell is GRU:
            z = rec(xw[:, :u] + h @ recurrent[:, :u])
            r = rec(xw[:, u:2 * u] + h @ recurrent[:, u:2 * u])
            hh = act(xw[:, 2 * u:] + (r * h) @ recurrent[:, 2 * u:])
            h = z * h + (1 - z) * hh
        else:
            m = xw + h @ recurrent
            i, f, o = rec(m[:, :u]), rec(m[:, u:2 * u]), rec(m[:, 3 * u:])
            c = f * c + i * act(m[:, 2 * u:3 * u])
            h = o * act(c)
        out.append(h)
    return np.stack(out, axis=1)


@pytest.mark.parametrize('cell', [SimpleRNN, GRU, LSTM])
def test_unknown_timesteps_predict_every_length(cell):
    model = Sequential([cell(4, return_sequences=True, input_shape=(None, 3))])
    assert model.output_shape == (None, None, 4)
    weights = model.get_weights()
    rng = np.random.RandomState(0)
    for steps in (5, 9, 1, 5):
        x = rng.rand(2, steps, 3).astype('float32')
        expected = numpy_rnn(cell, x, weights, np.tanh, hard_sigmoid)
        np.testing.assert_allclose(model.predict(x), expected, rtol=1e-4, atol=1e-5)


def test_fit_generator_on_several_lengths_builds_one_plan_per_length():
    inp = Input(shape=(None, 3))
    out = Dense(1)(LSTM(8)(inp))
    model = Model(inp, out)
    model.compile('adam', 'mse')
    rng = np.random.RandomState(1)
    batches = {n: (rng.rand(4, n, 3).astype('float32'), rng.rand(4, 1).astype('float32'))
               for n in (5, 9)}

    def lengths():
        while True:
            for n in (5, 9, 5, 9):
                yield batches[n]

    before = K.plan_cache_stats()['builds']
    model.fit_generator(lengths(), steps_per_epoch=4, epochs=3, verbose=0)
    # The train function's two plans (lengths 5 and 9); nothing else ran.
    assert K.plan_cache_stats()['builds'] - before == 2
    first = model.evaluate(*batches[9], verbose=0)
    model.fit_generator(lengths(), steps_per_epoch=4, epochs=10, verbose=0)
    assert model.evaluate(*batches[9], verbose=0) < first


def test_more_lengths_than_the_cache_holds_evict_and_stay_correct():
    previous = K.plan_cache_size()
    K.set_plan_cache_size(2)
    try:
        model = Sequential([GRU(3, return_sequences=True, input_shape=(None, 2))])
        weights = model.get_weights()
        before = K.plan_cache_stats()
        rng = np.random.RandomState(2)
        for steps in (1, 2, 3, 4, 1, 2):
            x = rng.rand(2, steps, 2).astype('float32')
            np.testing.assert_allclose(model.predict(x),
                                       numpy_rnn(GRU, x, weights, np.tanh, hard_sigmoid),
                                       rtol=1e-4, atol=1e-5)
        after = K.plan_cache_stats()
        assert after['builds'] - before['builds'] == 6
        assert after['evictions'] - before['evictions'] == 4
    finally:
        K.set_plan_cache_size(previous)
    with pytest.raises(ValueError):
        K.set_plan_cache_size(0)


def test_imdb_bidirectional_style_model_with_input_length_none(tmp_path):
    # Keras 2.2.4's examples/imdb_bidirectional.py, with input_length=None and small sizes.
    model = Sequential()
    model.add(Embedding(50, 8, input_length=None, mask_zero=True))
    model.add(Bidirectional(LSTM(6)))
    model.add(keras.layers.Dropout(0.5))
    model.add(Dense(1, activation='sigmoid'))
    model.compile('adam', 'binary_crossentropy', metrics=['accuracy'])
    assert model.output_shape == (None, 1)
    rng = np.random.RandomState(3)
    for steps in (7, 12):
        x = rng.randint(1, 50, size=(6, steps))
        model.train_on_batch(x, rng.randint(0, 2, size=(6, 1)))
    x = rng.randint(0, 50, size=(3, 10))
    y = model.predict(x)
    path = str(tmp_path / 'imdb_bidirectional.h5')
    model.save(path)
    np.testing.assert_allclose(load_model(path).predict(x), y, rtol=1e-5)


def test_time_distributed_and_reshape_over_unknown_time():
    inp = Input(shape=(None, 4))
    halves = Reshape((-1, 2))(inp)
    assert K.int_shape(halves) == (None, None, 2)
    seq = Bidirectional(SimpleRNN(3, return_sequences=True))(halves)
    out = TimeDistributed(Dense(2))(seq)
    assert K.int_shape(out) == (None, None, 2)
    model = Model(inp, out)
    model.compile('sgd', 'mse')
    rng = np.random.RandomState(4)
    for steps in (3, 6):
        x = rng.rand(2, steps, 4).astype('float32')
        model.fit(x, rng.rand(2, 2 * steps, 2).astype('float32'), epochs=1, verbose=0)
        assert model.predict(x).shape == (2, 2 * steps, 2)


@pytest.mark.parametrize('cell', [SimpleRNN, GRU, LSTM])
@pytest.mark.parametrize('activation, recurrent_activation', [
    ('softmax', 'sigmoid'), ('selu', 'hard_sigmoid'), ('elu', 'softplus'),
    ('softsign', 'softmax')])
def test_any_keras_activation_matches_the_numpy_cell(cell, activation, recurrent_activation):
    # SimpleRNN has no recurrent_activation (Keras refuses the keyword).
    gates = {} if cell is SimpleRNN else {'recurrent_activation': recurrent_activation}
    model = Sequential([cell(4, activation=activation, return_sequences=True,
                             input_shape=(6, 3), **gates)])
    x = np.random.RandomState(5).rand(2, 6, 3).astype('float32')
    expected = numpy_rnn(cell, x, model.get_weights(), NUMPY_ACTIVATIONS[activation],
                         NUMPY_ACTIVATIONS[recurrent_activation])
    np.testing.assert_allclose(model.predict(x), expected, rtol=1e-4, atol=1e-5)


def test_a_custom_python_activation_trains_and_matches_the_numpy_cell():
    def scaled_tanh(v):
        return K.tanh(v) * 1.5

    model = Sequential([LSTM(4, activation=scaled_tanh, return_sequences=True,
                             input_shape=(5, 3)), TimeDistributed(Dense(1))])
    x = np.random.RandomState(6).rand(8, 5, 3).astype('float32')
    lstm_weights = model.layers[0].get_weights()
    expected = numpy_rnn(LSTM, x, lstm_weights, lambda v: np.tanh(v) * 1.5, hard_sigmoid)
    sequences = Model(model.inputs, model.layers[0].output).predict(x)
    np.testing.assert_allclose(sequences, expected, rtol=1e-4, atol=1e-5)
    model.compile('adam', 'mse')
    y = np.random.RandomState(7).rand(8, 5, 1).astype('float32')
    history = model.fit(x, y, epochs=15, verbose=0)
    assert history.history['loss'][-1] < history.history['loss'][0]


def test_a_custom_activation_over_unknown_timesteps_is_a_clear_error():
    with pytest.raises(ValueError, match='timesteps'):
        Sequential([LSTM(4, activation=lambda v: K.tanh(v), input_shape=(None, 3))])
