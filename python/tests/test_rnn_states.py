"""Keras 2.2.4's RNN state API from Python: return_state returns [output, states...], initial_state=
(or a list [x, states...]) starts from given states, Bidirectional(merge_mode=None) returns both
directions, GRU(reset_after=True); and an encoder-decoder that only learns through the states."""
import numpy as np
import pytest

from keras_cpp.layers import GRU, LSTM, Bidirectional, Dense, Input, SimpleRNN
from keras_cpp.models import Model


def outputs_of(model, x):
    out = model.predict(x)
    return out if isinstance(out, list) else [out]


@pytest.mark.parametrize('cls, n_states', [(SimpleRNN, 1), (GRU, 1), (LSTM, 2)])
def test_return_state_returns_the_final_states(cls, n_states):
    x = np.random.RandomState(0).rand(3, 5, 2).astype('float32')
    inp = Input(shape=(5, 2))
    outs = cls(4, return_sequences=True, return_state=True)(inp)
    assert isinstance(outs, list) and len(outs) == 1 + n_states
    model = Model(inp, outs)
    values = outputs_of(model, x)
    assert values[0].shape == (3, 5, 4)
    # h is the last step of the sequence output.
    np.testing.assert_allclose(values[1], values[0][:, -1, :], rtol=1e-6)


def test_initial_state_keyword_and_list_form_agree():
    rng = np.random.RandomState(1)
    x = rng.rand(3, 4, 2).astype('float32')
    h0, c0 = rng.rand(3, 5).astype('float32'), rng.rand(3, 5).astype('float32')
    seq, h, c = Input(shape=(4, 2)), Input(shape=(5,)), Input(shape=(5,))
    lstm = LSTM(5)
    by_keyword = lstm(seq, initial_state=[h, c])
    as_list = lstm([seq, h, c])  # the same layer, called again: shares its weights
    model = Model([seq, h, c], [by_keyword, as_list])
    a, b = model.predict([x, h0, c0])
    np.testing.assert_allclose(a, b, rtol=1e-6)
    zeros = np.zeros_like(h0)
    c_only = model.predict([x, zeros, zeros])[0]
    assert not np.allclose(a, c_only)  # the states were used


def test_initial_state_on_a_layer_without_states_is_a_type_error():
    inp, state = Input(shape=(3,)), Input(shape=(3,))
    with pytest.raises(TypeError, match='initial_state'):
        Dense(2)(inp, initial_state=[state])


def test_wrong_number_of_states_names_the_layer():
    seq, h = Input(shape=(4, 2)), Input(shape=(5,))
    with pytest.raises(ValueError, match='two_states has 2 states'):
        LSTM(5, name='two_states')(seq, initial_state=[h])


def test_bidirectional_merge_mode_none_returns_both_directions():
    x = np.random.RandomState(2).rand(2, 3, 2).astype('float32')
    inp = Input(shape=(3, 2))
    outs = Bidirectional(LSTM(4), merge_mode=None)(inp)
    assert isinstance(outs, list) and len(outs) == 2
    forward, backward = outputs_of(Model(inp, outs), x)
    assert forward.shape == backward.shape == (2, 4)
    assert not np.allclose(forward, backward)


def test_gru_reset_after_has_a_two_row_bias():
    inp = Input(shape=(3, 2))
    layer = GRU(4, reset_after=True)
    Model(inp, layer(inp))
    assert [w.shape for w in layer.get_weights()] == [(2, 12), (4, 12), (2, 12)]


def test_encoder_decoder_learns_through_the_states():
    rng = np.random.RandomState(3)
    x_enc = rng.rand(32, 5, 3).astype('float32')
    x_dec = rng.rand(32, 4, 3).astype('float32')
    y = (x_enc.sum(axis=(1, 2)) > 7.5).astype('float32')[:, None]
    enc_in, dec_in = Input(shape=(5, 3)), Input(shape=(4, 3))
    _, h, c = LSTM(6, return_state=True, name='encoder')(enc_in)
    dec = LSTM(6, name='decoder')(dec_in, initial_state=[h, c])
    model = Model([enc_in, dec_in], Dense(1, activation='sigmoid')(dec))
    model.compile('adam', 'binary_crossentropy')
    encoder = model.get_layer('encoder')
    before = [w.copy() for w in encoder.get_weights()]
    model.fit([x_enc, x_dec], y, epochs=2, batch_size=8, verbose=0)
    # Only the gradient through the initial states reaches the encoder.
    assert any(not np.allclose(a, b) for a, b in zip(before, encoder.get_weights()))
