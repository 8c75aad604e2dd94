"""Bidirectional over any recurrent layer (RNN of a cell, a cell written in Python), RNN's
constants (Keras 2.2.4's `rnn(x, constants=c)` reaching every step of a cell whose call takes
them), and the layers built from their schemas last: Bidirectional, TimeDistributed, Lambda,
InputLayer, ConvLSTM2D and Recurrent (signatures, Keras 1 spellings, strict from_config)."""
import inspect

import numpy as np
import pytest

from keras_cpp import backend as K
from keras_cpp import layers
from keras_cpp.layers import (LSTM, RNN, Bidirectional, ConvLSTM2D, Dense, Input, InputLayer,
                              Lambda, LSTMCell, TimeDistributed)
from keras_cpp.models import Model, model_from_json
from test_rnn_cells import MinimalRNNCell


class RNNCellWithConstants(layers.Layer):
    """Keras 2.2.4's test cell taking constants: its build gets [input shape, constant shape]."""

    def __init__(self, units, **kwargs):
        self.units = units
        self.state_size = units
        super(RNNCellWithConstants, self).__init__(**kwargs)

    def build(self, input_shape):
        if not isinstance(input_shape, list):
            raise TypeError('expects constants shape')
        [input_shape, constant_shape] = input_shape
        self.input_kernel = self.add_weight(shape=(input_shape[-1], self.units),
                                            initializer='uniform', name='kernel')
        self.recurrent_kernel = self.add_weight(shape=(self.units, self.units),
                                                initializer='uniform', name='recurrent_kernel')
        self.constant_kernel = self.add_weight(shape=(constant_shape[-1], self.units),
                                               initializer='uniform', name='constant_kernel')

    def call(self, inputs, states, constants):
        [prev_output] = states
        [constant] = constants
        output = (K.dot(inputs, self.input_kernel) + K.dot(prev_output, self.recurrent_kernel) +
                  K.dot(constant, self.constant_kernel))
        return output, [output]

    def get_config(self):
        config = super(RNNCellWithConstants, self).get_config()
        config['units'] = self.units
        return config


def numpy_rnn(x, weights, constant=None, backwards=False):
    """h = x W + h U (+ c V) over the steps in processing order; the outputs (batch, steps, n)."""
    h = np.zeros((x.shape[0], weights[1].shape[0]))
    steps = range(x.shape[1])[::-1] if backwards else range(x.shape[1])
    out = []
    for t in steps:
        h = x[:, t] @ weights[0] + h @ weights[1]
        if constant is not None:
            h = h + constant @ weights[2]
        out.append(h)
    return np.stack(out, axis=1)


def randomize(layer, seed):
    rng = np.random.RandomState(seed)
    weights = [rng.uniform(-0.8, 0.8, w.shape).astype(np.float32) for w in layer.get_weights()]
    layer.set_weights(weights)
    return weights


def test_bidirectional_of_an_rnn_of_lstm_cell_equals_bidirectional_lstm():
    x = np.random.RandomState(1).rand(2, 5, 3).astype(np.float32)
    for merge_mode in ('concat', 'sum', 'ave', 'mul'):
        inputs = Input(shape=(5, 3))
        of_cell = Bidirectional(RNN(LSTMCell(4), return_sequences=True), merge_mode=merge_mode)
        of_layer = Bidirectional(LSTM(4, return_sequences=True), merge_mode=merge_mode)
        a, b = Model(inputs, of_cell(inputs)), Model(inputs, of_layer(inputs))
        of_layer.set_weights(randomize(of_cell, 3))
        np.testing.assert_allclose(a.predict(x), b.predict(x), rtol=1e-5, atol=1e-6)
        assert of_cell.backward_layer.go_backwards and not of_cell.forward_layer.go_backwards


def test_bidirectional_of_a_python_cell_runs_both_directions():
    inputs = Input(shape=(4, 3))
    bi = Bidirectional(RNN(MinimalRNNCell(2), return_sequences=True), merge_mode=None)
    forward, backward = bi(inputs)
    model = Model(inputs, [forward, backward])
    weights = randomize(bi, 5)
    x = np.random.RandomState(2).rand(2, 4, 3).astype(np.float32)
    got_forward, got_backward = model.predict(x)
    np.testing.assert_allclose(got_forward, numpy_rnn(x, weights[:2]), rtol=1e-4, atol=1e-5)
    # The backward output in time order (Keras reverses it back).
    np.testing.assert_allclose(got_backward, numpy_rnn(x, weights[2:], backwards=True)[:, ::-1],
                               rtol=1e-4, atol=1e-5)
    config = bi.get_config()
    assert config['merge_mode'] is None and config['layer']['class_name'] == 'RNN'
    assert config['layer']['config']['cell']['class_name'] == 'MinimalRNNCell'
    restored = model_from_json(model.to_json(), custom_objects={'MinimalRNNCell': MinimalRNNCell})
    restored.set_weights(model.get_weights())
    np.testing.assert_allclose(restored.predict(x)[1], got_backward, rtol=1e-6)


def test_rnn_constants_reach_every_step_and_survive_the_config():
    x_in, c_in = Input(shape=(4, 3)), Input(shape=(5,))
    rnn = RNN(RNNCellWithConstants(2), return_sequences=True)
    y = rnn(x_in, constants=c_in)
    assert K.int_shape(y) == (None, 4, 2)
    model = Model([x_in, c_in], y)
    weights = randomize(rnn, 7)
    assert [w.shape for w in weights] == [(3, 2), (2, 2), (5, 2)]
    x = np.random.RandomState(3).rand(2, 4, 3).astype(np.float32)
    c = np.random.RandomState(4).rand(2, 5).astype(np.float32)
    np.testing.assert_allclose(model.predict([x, c]), numpy_rnn(x, weights, c), rtol=1e-4,
                               atol=1e-5)
    assert rnn.get_config()['num_constants'] == 1
    restored = model_from_json(model.to_json(),
                               custom_objects={'RNNCellWithConstants': RNNCellWithConstants})
    restored.set_weights(model.get_weights())
    np.testing.assert_allclose(restored.predict([x, c]), model.predict([x, c]), rtol=1e-6)
    # With initial states too, and Keras's error for a cell without constants.
    h0 = Input(shape=(2,))
    y2 = RNN(RNNCellWithConstants(2))(x_in, initial_state=[h0], constants=[c_in])
    assert K.int_shape(y2) == (None, 2)
    with pytest.raises(ValueError, match='RNN cell does not support constants'):
        RNN(LSTMCell(2))(x_in, constants=c_in)


def test_bidirectional_passes_constants_to_both_directions():
    x_in, c_in = Input(shape=(4, 3)), Input(shape=(5,))
    bi = Bidirectional(RNN(RNNCellWithConstants(2)), merge_mode=None)
    forward, backward = bi(x_in, constants=c_in)
    model = Model([x_in, c_in], [forward, backward])
    weights = randomize(bi, 9)
    x = np.random.RandomState(5).rand(2, 4, 3).astype(np.float32)
    c = np.random.RandomState(6).rand(2, 5).astype(np.float32)
    got = model.predict([x, c])
    np.testing.assert_allclose(got[0], numpy_rnn(x, weights[:3], c)[:, -1], rtol=1e-4, atol=1e-5)
    np.testing.assert_allclose(got[1], numpy_rnn(x, weights[3:], c, True)[:, -1], rtol=1e-4,
                               atol=1e-5)
    assert bi.get_config()['num_constants'] == 1


def test_signatures_come_from_the_schemas():
    assert str(inspect.signature(Bidirectional)) == "(layer, merge_mode='concat', **kwargs)"
    assert str(inspect.signature(TimeDistributed)) == '(layer, **kwargs)'
    distributed = TimeDistributed(layer=Dense(2), input_shape=(3, 4))
    config = distributed.get_config()
    assert config['layer']['class_name'] == 'Dense' and config['layer']['config']['units'] == 2
    assert TimeDistributed.from_config(config).get_config() == config
    with pytest.raises(TypeError, match="missing required argument: 'layer'"):
        TimeDistributed()
    assert str(inspect.signature(Lambda)) == \
        '(function, output_shape=None, mask=None, arguments=None, **kwargs)'
    assert str(inspect.signature(InputLayer)) == (
        '(input_shape=None, batch_size=None, batch_input_shape=None, dtype=None, '
        'input_tensor=None, sparse=False, name=None, **kwargs)')
    signature = str(inspect.signature(ConvLSTM2D))
    assert signature.startswith("(filters, kernel_size, strides=(1, 1), padding='valid', "
                                "data_format=None, dilation_rate=(1, 1), activation='tanh'")
    assert signature.endswith('dropout=0.0, recurrent_dropout=0.0, **kwargs)')
    assert str(inspect.signature(layers.Recurrent)) == (
        '(return_sequences=False, return_state=False, go_backwards=False, stateful=False, '
        'unroll=False, implementation=1, **kwargs)')


def test_from_config_with_an_unknown_key_names_it_and_the_valid_ones():
    lstm = {'class_name': 'LSTM', 'config': LSTM(2).get_config()}
    cases = [('Bidirectional', {'layer': lstm, 'merge_mode': 'sum'}, ['layer', 'merge_mode']),
             ('TimeDistributed', {'layer': {'class_name': 'Dense', 'config': {'units': 2}}},
              ['layer']),
             ('InputLayer', {'batch_input_shape': [None, 3]}, ['batch_input_shape', 'sparse']),
             ('ConvLSTM2D', {'filters': 2, 'kernel_size': 3}, ['filters', 'nb_filter'])]
    for class_name, config, valid in cases:
        config = dict(config, colour=1)
        with pytest.raises(ValueError) as info:
            layers.deserialize({'class_name': class_name, 'config': config})
        message = str(info.value)
        assert "'colour'" in message and class_name in message
        for name in valid:
            assert name in message, (class_name, name)
    with pytest.raises(ValueError, match='Invalid merge mode'):
        Bidirectional(LSTM(2), merge_mode='max')
    with pytest.raises(TypeError) as info:
        Bidirectional(LSTM(2), merge_mod='sum')
    assert info.value.args == ('Keyword argument not understood:', 'merge_mod')


def test_merge_mode_none_round_trips_and_wrappers_take_weights():
    bi = Bidirectional(LSTM(2), None, input_shape=(3, 4))
    assert bi.merge_mode is None
    assert Bidirectional.from_config(bi.get_config()).merge_mode is None
    weights = [np.full(w.shape, 0.1 * k, np.float32) for k, w in enumerate(_built_weights())]
    same = Bidirectional(LSTM(2), weights=weights)
    inputs = Input(shape=(3, 4))
    same(inputs)
    for got, expected in zip(same.get_weights(), weights):
        np.testing.assert_allclose(got, expected)


def _built_weights():
    bi = Bidirectional(LSTM(2))
    bi(Input(shape=(3, 4)))
    return bi.get_weights()


def test_lambda_arguments_mask_and_lists():
    def scale(x, factor):
        return x * factor

    inputs = Input(shape=(3,))
    layer = Lambda(scale, arguments={'factor': 3.0})
    model = Model(inputs, layer(inputs))
    x = np.arange(6, dtype=np.float32).reshape(2, 3)
    np.testing.assert_allclose(model.predict(x), 3 * x)
    config = layer.get_config()
    assert config['function_type'] == 'lambda' and config['arguments'] == {'factor': 3.0}
    a, b = Input(shape=(3,)), Input(shape=(3,))
    distance = Lambda(lambda t: K.abs(t[0] - t[1]), output_shape=lambda shapes: shapes[0],
                      mask=lambda t, m: None)
    pair = Model([a, b], distance([a, b]))
    np.testing.assert_allclose(pair.predict([x, 2 * x]), x)


def test_input_layer_and_convlstm2d_keras1_arguments():
    layer = InputLayer(input_shape=(3,), batch_size=4, name='features')
    assert layer.get_config()['batch_input_shape'] == [4, 3]
    ids = InputLayer(batch_input_shape=(None, 5), input_dtype='int32')
    assert ids.get_config()['dtype'] == 'int32'
    conv = ConvLSTM2D(4, 3, 3, border_mode='same', dim_ordering='th', inner_activation='sigmoid',
                      input_shape=(2, 1, 6, 6))
    config = conv.get_config()
    assert config['filters'] == 4 and list(config['kernel_size']) == [3, 3]
    assert config['padding'] == 'same' and config['data_format'] == 'channels_first'
    assert config['recurrent_activation'] == 'sigmoid'
    with pytest.raises(ValueError, match="Unrolling isn't possible"):
        ConvLSTM2D(2, 3, unroll=True)
    outputs = ConvLSTM2D(2, 3, padding='same', return_state=True)(Input(shape=(2, 4, 4, 1)))
    assert [K.int_shape(t) for t in outputs] == [(None, 4, 4, 2)] * 3  # output, h, c
