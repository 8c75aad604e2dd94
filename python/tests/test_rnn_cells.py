"""Keras 2.2.4's cell API from Python: RNN(LSTMCell) computes LSTM with the same weights,
RNN([cells]) computes stacked layers, a cell written in Python (Keras's MinimalRNNCell) matches a
numpy loop and trains, configs round-trip through JSON and .h5 (custom cells via custom_objects),
masking, initial_state, return_state, stateful, the cells' signatures and Keras's errors."""
import inspect
import json

import numpy as np
import pytest

from keras_cpp import backend as K
from keras_cpp import layers
from keras_cpp.layers import (GRU, LSTM, RNN, GRUCell, Input, LSTMCell, Masking, SimpleRNN,
                              SimpleRNNCell, StackedRNNCells)
from keras_cpp.models import Model, Sequential, load_model, model_from_json


class MinimalRNNCell(layers.Layer):
    """The RNN docstring's example cell, as Keras 2.2.4 writes it."""

    def __init__(self, units, **kwargs):
        self.units = units
        self.state_size = units
        super(MinimalRNNCell, self).__init__(**kwargs)

    def build(self, input_shape):
        self.kernel = self.add_weight(shape=(input_shape[-1], self.units),
                                      initializer='uniform', name='kernel')
        self.recurrent_kernel = self.add_weight(shape=(self.units, self.units),
                                                initializer='uniform', name='recurrent_kernel')
        self.built = True

    def call(self, inputs, states):
        prev_output = states[0]
        h = K.dot(inputs, self.kernel)
        output = h + K.dot(prev_output, self.recurrent_kernel)
        return output, [output]

    def get_config(self):
        config = super(MinimalRNNCell, self).get_config()
        config['units'] = self.units
        return config


class TwoStateCell(layers.Layer):
    """A cell with two states of different sizes: a tanh step and a running sum of inputs."""

    def __init__(self, units, **kwargs):
        self.units = units
        self.state_size = [units, 2]
        super(TwoStateCell, self).__init__(**kwargs)

    def build(self, input_shape):
        self.kernel = self.add_weight(shape=(input_shape[-1], self.units),
                                      initializer='glorot_uniform', name='kernel')

    def call(self, inputs, states):
        h = K.tanh(K.dot(inputs, self.kernel) + states[0])
        return h, [h, states[1] + inputs[:, :2]]


def minimal_numpy(x, kernel, recurrent, mask=None, go_backwards=False):
    h = np.zeros((x.shape[0], kernel.shape[1]))
    outputs = []
    steps = range(x.shape[1])[::-1] if go_backwards else range(x.shape[1])
    for t in steps:
        new = x[:, t] @ kernel + h @ recurrent
        if mask is not None:
            new = np.where(mask[:, t:t + 1], new, h)
        h = new
        outputs.append(h)
    return np.stack(outputs, 1)


def random_weights(layer, seed):
    rng = np.random.RandomState(seed)
    weights = [rng.uniform(-0.8, 0.8, w.shape).astype('float32') for w in layer.get_weights()]
    layer.set_weights(weights)
    return weights


@pytest.mark.parametrize('cell, layer', [
    (lambda: SimpleRNNCell(4), lambda **kw: SimpleRNN(4, **kw)),
    (lambda: GRUCell(4), lambda **kw: GRU(4, **kw)),
    (lambda: GRUCell(4, reset_after=True), lambda **kw: GRU(4, reset_after=True, **kw)),
    (lambda: LSTMCell(4, recurrent_activation='sigmoid'),
     lambda **kw: LSTM(4, recurrent_activation='sigmoid', **kw)),
])
@pytest.mark.parametrize('go_backwards', [False, True])
def test_rnn_of_a_builtin_cell_computes_its_layer(cell, layer, go_backwards):
    x = np.random.RandomState(0).rand(3, 6, 2).astype('float32')
    x[1, 3] = 0  # a masked step
    inp = Input(shape=(6, 2))
    masked = Masking()(inp)
    rnn = RNN(cell(), return_sequences=True, go_backwards=go_backwards)
    reference = layer(return_sequences=True, go_backwards=go_backwards)
    a, b = Model(inp, rnn(masked)), Model(inp, reference(masked))
    reference.set_weights(random_weights(rnn, 1))
    assert [w.shape for w in rnn.get_weights()] == [w.shape for w in reference.get_weights()]
    np.testing.assert_array_equal(a.predict(x), b.predict(x))


def test_lstm_cell_weights_follow_keras():
    rnn = RNN(LSTMCell(3))
    model = Sequential([RNN(LSTMCell(3), input_shape=(4, 2))])
    kernel, recurrent, bias = model.layers[0].get_weights()
    assert kernel.shape == (2, 12) and recurrent.shape == (3, 12) and bias.shape == (12,)
    np.testing.assert_array_equal(bias[3:6], 1)  # unit_forget_bias
    assert model.layers[0].cell.get_weights()[2].shape == (12,)
    assert isinstance(rnn.cell, LSTMCell) and rnn.cell.state_size == (3, 3)
    assert GRUCell(2).state_size == 2


def test_stacked_cells_compute_two_layers_and_return_every_state():
    x = np.random.RandomState(2).rand(2, 5, 3).astype('float32')
    inp = Input(shape=(5, 3))
    stacked = RNN([LSTMCell(4), GRUCell(2)], return_sequences=True, return_state=True)
    outputs = stacked(inp)
    assert len(outputs) == 4 and isinstance(stacked.cell, StackedRNNCells)
    first, second = LSTM(4, return_sequences=True), GRU(2, return_sequences=True)
    a, b = Model(inp, outputs), Model(inp, second(first(inp)))
    w = random_weights(stacked, 3)
    first.set_weights(w[:3])
    second.set_weights(w[3:])
    seq, h1, c1, h2 = a.predict(x)
    np.testing.assert_allclose(seq, b.predict(x), atol=1e-6)
    np.testing.assert_allclose(h2, seq[:, -1], atol=1e-6)
    assert h1.shape == c1.shape == (2, 4)
    # StackedRNNCells given explicitly is the same as the list.
    assert RNN(StackedRNNCells([LSTMCell(4), GRUCell(2)])).cell.state_size == (4, 4, 2)


@pytest.mark.parametrize('go_backwards', [False, True])
def test_python_cell_matches_numpy_with_a_mask(go_backwards):
    x = np.random.RandomState(3).rand(2, 5, 3).astype('float32')
    x[0, 1] = 0
    mask = np.any(x != 0, axis=-1)
    inp = Input(shape=(5, 3))
    rnn = RNN(MinimalRNNCell(4), return_sequences=True, go_backwards=go_backwards)
    model = Model(inp, rnn(Masking()(inp)))
    kernel, recurrent = random_weights(rnn, 4)
    np.testing.assert_allclose(model.predict(x),
                               minimal_numpy(x, kernel, recurrent, mask, go_backwards), atol=1e-5)
    assert [w.name for w in rnn.weights][0].endswith('kernel')
    assert len(rnn.trainable_weights) == 2


def test_python_cell_with_two_states_and_initial_state():
    x = np.random.RandomState(5).rand(2, 4, 3).astype('float32')
    inp, h0, s0 = Input(shape=(4, 3)), Input(shape=(5,)), Input(shape=(2,))
    rnn = RNN(TwoStateCell(5), return_state=True)
    out, h, running = rnn(inp, initial_state=[h0, s0])
    model = Model([inp, h0, s0], [out, h, running])
    start_h = np.random.rand(2, 5).astype('float32')
    start_s = np.random.rand(2, 2).astype('float32')
    y, yh, ys = model.predict([x, start_h, start_s])
    np.testing.assert_allclose(y, yh)
    np.testing.assert_allclose(ys, start_s + x[:, :, :2].sum(axis=1), atol=1e-5)


def test_python_cell_trains():
    rng = np.random.RandomState(6)
    x = rng.rand(64, 5, 3).astype('float32')
    y = x.sum(axis=1)[:, :2] * 0.3
    model = Sequential([RNN(MinimalRNNCell(8), input_shape=(5, 3)), layers.Dense(2)])
    model.compile('adam', 'mse')
    history = model.fit(x, y, epochs=15, batch_size=16, verbose=0)
    losses = history.history['loss']
    assert losses[-1] < 0.5 * losses[0]


def test_mixed_stack_steps_the_builtin_cell_as_its_layer():
    x = np.random.RandomState(7).rand(2, 4, 3).astype('float32')
    inp = Input(shape=(4, 3))
    stacked = RNN([LSTMCell(3), MinimalRNNCell(2)])
    lstm, minimal = LSTM(3, return_sequences=True), RNN(MinimalRNNCell(2))
    a, b = Model(inp, stacked(inp)), Model(inp, minimal(lstm(inp)))
    w = random_weights(stacked, 8)
    lstm.set_weights(w[:3])
    minimal.set_weights(w[3:])
    np.testing.assert_allclose(a.predict(x), b.predict(x), atol=1e-5)


def test_stateful_cell_rnn_carries_states_between_batches():
    x = np.random.RandomState(9).rand(2, 3, 2).astype('float32')
    model = Sequential([RNN(GRUCell(3), stateful=True, batch_input_shape=(2, 3, 2))])
    first = model.predict(x, batch_size=2)
    assert not np.allclose(model.predict(x, batch_size=2), first)
    model.reset_states()
    np.testing.assert_array_equal(model.predict(x, batch_size=2), first)


def test_dropout_in_cells_trains_and_predicts_deterministically():
    x = np.random.RandomState(10).rand(16, 4, 3).astype('float32')
    model = Sequential([RNN([LSTMCell(4, dropout=0.3, recurrent_dropout=0.3),
                             MinimalRNNCell(2)], input_shape=(4, 3))])
    model.compile('sgd', 'mse')
    model.fit(x, np.zeros((16, 2)), epochs=1, verbose=0)
    np.testing.assert_array_equal(model.predict(x), model.predict(x))


def test_signatures_are_kerases():
    assert str(inspect.signature(LSTMCell)) == (
        "(units, activation='tanh', recurrent_activation='hard_sigmoid', use_bias=True, "
        "kernel_initializer='glorot_uniform', recurrent_initializer='orthogonal', "
        "bias_initializer='zeros', unit_forget_bias=True, kernel_regularizer=None, "
        "recurrent_regularizer=None, bias_regularizer=None, kernel_constraint=None, "
        "recurrent_constraint=None, bias_constraint=None, dropout=0.0, recurrent_dropout=0.0, "
        "implementation=1, **kwargs)")
    gru = list(inspect.signature(GRUCell).parameters)
    assert gru[-3:] == ['implementation', 'reset_after', 'kwargs']
    assert 'recurrent_activation' not in inspect.signature(SimpleRNNCell).parameters
    assert str(inspect.signature(RNN)) == (
        '(cell, return_sequences=False, return_state=False, go_backwards=False, stateful=False, '
        'unroll=False, **kwargs)')
    assert str(inspect.signature(StackedRNNCells)) == '(cells, **kwargs)'
    # Positional arguments in Keras's order.
    assert GRUCell(3, 'relu', 'sigmoid').get_config()['recurrent_activation'] == 'sigmoid'
    assert RNN(LSTMCell(2), True).return_sequences


def test_config_round_trip_and_keras_json():
    rnn = RNN([GRUCell(3, reset_after=True), SimpleRNNCell(2, activation='relu')],
              return_sequences=True, go_backwards=True)
    config = rnn.get_config()
    assert config['cell']['class_name'] == 'StackedRNNCells'
    cells = config['cell']['config']['cells']
    assert [c['class_name'] for c in cells] == ['GRUCell', 'SimpleRNNCell']
    assert cells[0]['config']['reset_after'] is True
    copy = RNN.from_config(config)
    assert copy.get_config()['cell'] == config['cell'] and copy.go_backwards

    # A model JSON as Keras 2.2.4 writes it for RNN(LSTMCell(3)).
    keras_json = {"class_name": "Sequential", "config": [
        {"class_name": "RNN", "config": {
            "name": "rnn_1", "trainable": True, "batch_input_shape": [None, 5, 2],
            "dtype": "float32", "return_sequences": False, "return_state": False,
            "go_backwards": False, "stateful": False, "unroll": False,
            "cell": {"class_name": "LSTMCell", "config": {
                "name": "lstm_cell_1", "trainable": True, "units": 3, "activation": "tanh",
                "recurrent_activation": "hard_sigmoid", "use_bias": True,
                "kernel_initializer": {"class_name": "VarianceScaling", "config": {
                    "scale": 1.0, "mode": "fan_avg", "distribution": "uniform", "seed": None}},
                "recurrent_initializer": {"class_name": "Orthogonal",
                                          "config": {"gain": 1.0, "seed": None}},
                "bias_initializer": {"class_name": "Zeros", "config": {}},
                "unit_forget_bias": True, "kernel_regularizer": None,
                "recurrent_regularizer": None, "bias_regularizer": None,
                "kernel_constraint": None, "recurrent_constraint": None,
                "bias_constraint": None, "dropout": 0.0, "recurrent_dropout": 0.0,
                "implementation": 1}}}}],
        "keras_version": "2.2.4", "backend": "tensorflow"}
    model = model_from_json(json.dumps(keras_json))
    assert isinstance(model.layers[0].cell, LSTMCell)
    assert model.output_shape == (None, 3)


def test_save_and_load_with_a_custom_cell(tmp_path):
    x = np.random.RandomState(11).rand(2, 4, 3).astype('float32')
    model = Sequential([RNN([MinimalRNNCell(4), LSTMCell(2)], input_shape=(4, 3),
                            return_sequences=True)])
    model.compile('sgd', 'mse')
    path = str(tmp_path / 'cells.h5')
    model.save(path)
    loaded = load_model(path, custom_objects={'MinimalRNNCell': MinimalRNNCell})
    np.testing.assert_array_equal(loaded.predict(x), model.predict(x))
    again = model_from_json(model.to_json(), custom_objects={'MinimalRNNCell': MinimalRNNCell})
    again.set_weights(model.get_weights())
    np.testing.assert_array_equal(again.predict(x), model.predict(x))
    with pytest.raises(ValueError, match='Unknown layer: MinimalRNNCell'):
        load_model(path)


def test_bad_cells_raise_kerases_errors():
    class NoStateSize(layers.Layer):
        def call(self, inputs, states):
            return inputs, states

    with pytest.raises(ValueError, match='should have an attribute `state_size`'):
        RNN(NoStateSize())
    with pytest.raises(ValueError, match='`cell` should have a `call` method'):
        RNN(object())
    with pytest.raises(ValueError, match='`cell` should be an RNN cell'):
        RNN(layers.Dense(3))

    class BadReturn(MinimalRNNCell):
        def call(self, inputs, states):
            return K.dot(inputs, self.kernel)

    with pytest.raises(TypeError, match=r'must return \(output, new_states\)'):
        RNN(BadReturn(2))(Input(shape=(3, 2)))
    with pytest.raises(ValueError, match='Cannot unroll a RNN'):
        RNN(LSTMCell(2), unroll=True)(Input(shape=(None, 2)))
    with pytest.raises(ValueError, match='has 2 states but was passed 1'):
        RNN(LSTMCell(2))(Input(shape=(3, 2)), initial_state=[Input(shape=(2,))])
    with pytest.raises(TypeError, match='missing required argument'):
        LSTMCell()
    with pytest.raises(ValueError, match='unexpected keyword argument'):
        LSTMCell.from_config({'units': 2, 'output_dim': 3})


def test_recurrent_layers_take_their_schema():
    assert str(inspect.signature(SimpleRNN)).startswith(
        "(units, activation='tanh', use_bias=True, kernel_initializer='glorot_uniform'")
    assert list(inspect.signature(GRU).parameters)[-3:] == ['unroll', 'reset_after', 'kwargs']
    lstm = LSTM(output_dim=4, inner_activation='sigmoid', consume_less='gpu',
                forget_bias_init='zero', W_regularizer='l2', dropout_U=0.25)
    config = lstm.get_config()
    assert config['units'] == 4 and config['recurrent_activation'] == 'sigmoid'
    assert config['implementation'] == 2 and config['unit_forget_bias'] is False
    assert config['kernel_regularizer']['class_name'] == 'L1L2'
    assert config['recurrent_dropout'] == 0.25
    with pytest.warns(UserWarning, match='`implementation` argument in `SimpleRNN`'):
        SimpleRNN(3, implementation=1)
    with pytest.raises(TypeError, match='Keyword argument not understood'):
        SimpleRNN(3, recurrent_activation='sigmoid')
    with pytest.raises(ValueError, match="unexpected keyword argument 'cell_size'"):
        LSTM.from_config(dict(LSTM(2).get_config(), cell_size=3))
    # Keras 1 configs still load.
    keras1 = {'name': 'lstm_9', 'output_dim': 3, 'init': 'glorot_uniform', 'inner_init': 'orthogonal',
              'forget_bias_init': 'one', 'activation': 'tanh', 'inner_activation': 'hard_sigmoid',
              'W_regularizer': None, 'U_regularizer': None, 'b_regularizer': None,
              'dropout_W': 0.0, 'dropout_U': 0.0, 'consume_less': 'cpu', 'return_sequences': False,
              'go_backwards': False, 'stateful': False, 'unroll': False, 'input_dim': 2,
              'input_length': None, 'trainable': True}
    layer = LSTM.from_config(keras1)
    assert layer.get_config()['implementation'] == 0 and layer.units == 3


def test_rnn_takes_initial_weights():
    weights = [np.full((2, 8), 0.1, 'float32'), np.full((2, 8), 0.2, 'float32'),
               np.zeros(8, 'float32')]
    model = Sequential([RNN(LSTMCell(2), weights=weights, input_shape=(3, 2))])
    for got, expected in zip(model.get_weights(), weights):
        np.testing.assert_array_equal(got, expected)


def test_stacked_cells_reverse_state_order_puts_the_last_cells_states_first():
    # Keras 2.2.4: StackedRNNCells(reverse_state_order=True) lists the states from the last cell
    # to the first ([h2, c2, h1, c1]); the cells still run first to last.
    def stacked(reverse):
        cell = StackedRNNCells([LSTMCell(3), LSTMCell(6)], reverse_state_order=reverse)
        x = Input((5, 4))
        outputs = RNN(cell, return_sequences=True, return_state=True)(x)
        return cell, Model(x, outputs)

    natural_cell, natural = stacked(False)
    reversed_cell, reversed_ = stacked(True)
    assert natural_cell.state_size == (3, 3, 6, 6)
    assert reversed_cell.state_size == (6, 6, 3, 3)
    assert [K.int_shape(t)[-1] for t in reversed_.outputs[1:]] == [6, 6, 3, 3]
    assert reversed_.layers[-1].compute_output_shape((None, 5, 4)) == [
        (None, 5, 6), (None, 6), (None, 6), (None, 3), (None, 3)]

    reversed_.set_weights(natural.get_weights())
    x = np.random.RandomState(0).rand(2, 5, 4).astype('float32')
    got, want = reversed_.predict(x), natural.predict(x)
    np.testing.assert_allclose(got[0], want[0], rtol=1e-5, atol=1e-6)
    for got_state, want_state in zip(got[1:], want[3:] + want[1:3]):
        np.testing.assert_allclose(got_state, want_state, rtol=1e-5, atol=1e-6)

    config = reversed_cell.get_config()
    assert config['reverse_state_order'] is True
    assert StackedRNNCells.from_config(config).state_size == (6, 6, 3, 3)
