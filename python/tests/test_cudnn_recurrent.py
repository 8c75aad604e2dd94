"""Keras 2.2.4's CuDNNLSTM and CuDNNGRU (keras.layers.cudnn_recurrent) on keras_cpp's CPU backend:
their outputs are cuDNN's equations (a numpy loop over cuDNN's matrices, read from the layers'
arrays as Keras's _canonical_to_params hands them to cuDNN), their arguments and configs are
Keras's, saved models reload, and their weights load into LSTM / GRU(reset_after=True) and back
as Keras's _convert_rnn_weights converts them."""
import numpy as np
import pytest

import keras_cpp
from keras_cpp import layers
from keras_cpp.layers import (GRU, LSTM, Bidirectional, CuDNNGRU, CuDNNLSTM, Dense, Embedding,
                              Input)
from keras_cpp.models import Model, Sequential, load_model


def sigmoid(v):
    return 1.0 / (1.0 + np.exp(-v))


def cudnn_matrices(kernel, recurrent_kernel, bias, gates):
    """cuDNN's W (units, input_dim), R (units, units), bW, bR per gate: each kernel block
    flattened in C order is W (Keras's tf.reshape(x, (-1,)))."""
    units = recurrent_kernel.shape[0]
    blocks = []
    for g in range(gates):
        cols = slice(g * units, (g + 1) * units)
        W = kernel[:, cols].reshape(-1).reshape(units, kernel.shape[0])
        blocks.append((W, recurrent_kernel[:, cols], bias[cols],
                       bias[gates * units + g * units:gates * units + (g + 1) * units]))
    return blocks


def cudnn_lstm(x, weights, h=None, c=None):
    """cuDNN's LSTM over x (batch, time, input_dim): the sequence of h, and the last h and c."""
    (Wi, Ri, bWi, bRi), (Wf, Rf, bWf, bRf), (Wc, Rc, bWc, bRc), (Wo, Ro, bWo, bRo) = \
        cudnn_matrices(*weights, gates=4)
    units = Ri.shape[0]
    h = np.zeros((x.shape[0], units)) if h is None else h
    c = np.zeros((x.shape[0], units)) if c is None else c
    seq = []
    for t in range(x.shape[1]):
        xt = x[:, t]
        i = sigmoid(xt @ Wi.T + bWi + h @ Ri.T + bRi)
        f = sigmoid(xt @ Wf.T + bWf + h @ Rf.T + bRf)
        cc = np.tanh(xt @ Wc.T + bWc + h @ Rc.T + bRc)
        o = sigmoid(xt @ Wo.T + bWo + h @ Ro.T + bRo)
        c = f * c + i * cc
        h = o * np.tanh(c)
        seq.append(h)
    return np.stack(seq, 1), h, c


def cudnn_gru(x, weights, h=None):
    """cuDNN's GRU (Keras's gates z, r, h): the reset gate multiplies R_h h + bR_h."""
    (Wz, Rz, bWz, bRz), (Wr, Rr, bWr, bRr), (Wh, Rh, bWh, bRh) = cudnn_matrices(*weights, gates=3)
    h = np.zeros((x.shape[0], Rz.shape[0])) if h is None else h
    seq = []
    for t in range(x.shape[1]):
        xt = x[:, t]
        z = sigmoid(xt @ Wz.T + bWz + h @ Rz.T + bRz)
        r = sigmoid(xt @ Wr.T + bWr + h @ Rr.T + bRr)
        hh = np.tanh(xt @ Wh.T + bWh + r * (h @ Rh.T + bRh))
        h = (1 - z) * hh + z * h
        seq.append(h)
    return np.stack(seq, 1), h


def random_weights(layer, seed):
    rng = np.random.RandomState(seed)
    weights = [rng.uniform(-0.8, 0.8, w.shape).astype('float32') for w in layer.get_weights()]
    layer.set_weights(weights)
    return weights


@pytest.mark.parametrize('cls', [CuDNNLSTM, CuDNNGRU])
@pytest.mark.parametrize('return_sequences', [False, True])
@pytest.mark.parametrize('go_backwards', [False, True])
def test_outputs_are_cudnn_equations(cls, return_sequences, go_backwards):
    x = np.random.RandomState(0).uniform(-1, 1, (3, 5, 4)).astype('float32')
    layer = cls(6, return_sequences=return_sequences, go_backwards=go_backwards,
                input_shape=(5, 4))
    model = Sequential([layer])
    weights = random_weights(layer, 1)
    steps = x[:, ::-1] if go_backwards else x
    seq = (cudnn_lstm if cls is CuDNNLSTM else cudnn_gru)(steps, weights)[0]
    expected = seq if return_sequences else seq[:, -1]
    np.testing.assert_allclose(model.predict(x), expected, rtol=1e-4, atol=2e-5)


def test_return_state_initial_state_and_unknown_lengths():
    rng = np.random.RandomState(2)
    x = rng.uniform(-1, 1, (2, 7, 3)).astype('float32')
    h0, c0 = rng.rand(2, 4).astype('float32'), rng.rand(2, 4).astype('float32')
    seq, h, c = Input(shape=(None, 3)), Input(shape=(4,)), Input(shape=(4,))
    lstm = CuDNNLSTM(4, return_sequences=True, return_state=True)
    outs = lstm(seq, initial_state=[h, c])
    assert isinstance(outs, list) and len(outs) == 3
    model = Model([seq, h, c], outs)
    weights = random_weights(lstm, 3)
    y, last_h, last_c = model.predict([x, h0, c0])
    expected, expected_h, expected_c = cudnn_lstm(x, weights, h0, c0)
    np.testing.assert_allclose(y, expected, rtol=1e-4, atol=2e-5)
    np.testing.assert_allclose(last_h, expected_h, rtol=1e-4, atol=2e-5)
    np.testing.assert_allclose(last_c, expected_c, rtol=1e-4, atol=2e-5)
    # Another length through the same model.
    short = x[:, :3]
    np.testing.assert_allclose(model.predict([short, h0, c0])[0],
                               cudnn_lstm(short, weights, h0, c0)[0], rtol=1e-4, atol=2e-5)


def test_stateful_chunks_continue_the_sequence():
    x = np.random.RandomState(4).uniform(-1, 1, (2, 6, 3)).astype('float32')
    layer = CuDNNGRU(5, stateful=True, batch_input_shape=(2, 3, 3))
    model = Sequential([layer])
    weights = random_weights(layer, 5)
    model.predict(x[:, :3], batch_size=2)
    np.testing.assert_allclose(model.predict(x[:, 3:], batch_size=2), cudnn_gru(x, weights)[1],
                               rtol=1e-4, atol=2e-5)
    model.reset_states()
    np.testing.assert_allclose(model.predict(x[:, :3], batch_size=2),
                               cudnn_gru(x[:, :3], weights)[1], rtol=1e-4, atol=2e-5)


def test_arguments_configs_and_modules_are_keras():
    assert layers.cudnn_recurrent.CuDNNLSTM is CuDNNLSTM
    assert keras_cpp.layers.cudnn_recurrent.CuDNNGRU is CuDNNGRU
    # Positional arguments in Keras's order; go_backwards is a keyword of the base class.
    layer = CuDNNLSTM(3, 'ones', 'zeros', 'ones', False, go_backwards=True)
    config = layer.get_config()
    assert config['kernel_initializer']['class_name'] == 'Ones'
    assert config['unit_forget_bias'] is False and config['go_backwards'] is True
    assert {'units', 'recurrent_initializer', 'bias_initializer', 'kernel_regularizer',
            'activity_regularizer', 'bias_constraint', 'return_sequences', 'return_state',
            'stateful'} <= set(config)
    assert not {'activation', 'recurrent_activation', 'use_bias', 'dropout'} & set(config)
    copy = CuDNNLSTM.from_config(config)
    assert type(copy) is CuDNNLSTM and copy.get_config() == config
    gru = CuDNNGRU(2, return_sequences=True)
    assert 'unit_forget_bias' not in gru.get_config()
    assert CuDNNGRU.from_config(gru.get_config()).get_config() == gru.get_config()
    with pytest.raises(TypeError):
        CuDNNGRU(2, unit_forget_bias=True)
    with pytest.raises(TypeError):
        CuDNNLSTM(2, activation='relu')
    # Weights: cuDNN's layout, the recurrent forget bias at one.
    lstm = Sequential([CuDNNLSTM(2, input_shape=(3, 4))]).layers[0]
    shapes = [w.shape for w in lstm.get_weights()]
    assert shapes == [(4, 8), (2, 8), (16,)]
    np.testing.assert_array_equal(lstm.get_weights()[2], [0] * 10 + [1, 1] + [0] * 4)
    assert [w.shape for w in Sequential([CuDNNGRU(2, input_shape=(3, 4))]).get_weights()] == \
        [(4, 6), (2, 6), (12,)]


def test_masking_is_refused_as_keras():
    model = Sequential([Embedding(10, 4, mask_zero=True, input_length=5)])
    with pytest.raises(ValueError, match='Masking is not supported for CuDNN RNNs.'):
        model.add(CuDNNLSTM(3))


def test_bidirectional_trains():
    x = np.random.RandomState(6).rand(32, 5, 3).astype('float32')
    y = x.sum(axis=(1, 2))[:, None] / 5
    model = Sequential([Bidirectional(CuDNNLSTM(4), input_shape=(5, 3)), Dense(1)])
    assert type(model.layers[0].backward_layer) is CuDNNLSTM
    model.compile('adam', 'mse')
    before = model.evaluate(x, y, verbose=0)
    model.fit(x, y, epochs=20, batch_size=8, verbose=0)
    assert model.evaluate(x, y, verbose=0) < before * 0.8


@pytest.mark.parametrize('cudnn_cls, plain', [
    (CuDNNLSTM, lambda: LSTM(3, recurrent_activation='sigmoid', input_shape=(4, 2), name='rnn')),
    (CuDNNGRU, lambda: GRU(3, recurrent_activation='sigmoid', reset_after=True,
                           input_shape=(4, 2), name='rnn'))])
def test_saved_models_reload_and_weights_convert(tmp_path, cudnn_cls, plain):
    x = np.random.RandomState(7).uniform(-1, 1, (3, 4, 2)).astype('float32')
    model = Sequential([cudnn_cls(3, input_shape=(4, 2), name='rnn')])
    random_weights(model.layers[0], 8)
    expected = model.predict(x)
    model.save(str(tmp_path / 'cudnn.h5'))
    reloaded = load_model(str(tmp_path / 'cudnn.h5'))
    assert type(reloaded.layers[0]) is cudnn_cls
    np.testing.assert_allclose(reloaded.predict(x), expected, rtol=1e-6)
    # Into the LSTM / GRU(reset_after=True) the weights stand for, and back.
    model.save_weights(str(tmp_path / 'cudnn_weights.h5'))
    other = Sequential([plain()])
    other.load_weights(str(tmp_path / 'cudnn_weights.h5'))
    np.testing.assert_allclose(other.predict(x), expected, rtol=1e-4, atol=2e-5)
    other.save_weights(str(tmp_path / 'plain_weights.h5'))
    again = Sequential([cudnn_cls(3, input_shape=(4, 2), name='rnn')])
    again.load_weights(str(tmp_path / 'plain_weights.h5'))
    np.testing.assert_allclose(again.predict(x), expected, rtol=1e-4, atol=2e-5)
    np.testing.assert_allclose(again.get_weights()[0], model.get_weights()[0], rtol=1e-6)
