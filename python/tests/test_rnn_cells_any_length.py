"""Keras 2.2.4's RNN(cell) with cells that run step by step (written in Python, as a Layer or as
any object with call(inputs, states) and state_size) over inputs whose number of time steps is
known only when the model runs (Input((None, d))), initial states that no layer made (K.variable),
Bidirectional.from_config resolving a Python cell through the custom objects in scope, and
Keras's RNN.call(inputs) returning [output, states...] with return_state."""
import numpy as np
import pytest

from keras_cpp import backend as K
from keras_cpp.layers import (GRU, LSTM, RNN, Bidirectional, Input, Layer, LSTMCell, Masking,
                              SimpleRNN)
from keras_cpp.models import Model
from keras_cpp.utils import CustomObjectScope


class AddCell(Layer):
    """h_t = x_t W + h_{t-1} (a known function to check the unrolled values against)."""

    def __init__(self, units, **kwargs):
        self.units = units
        self.state_size = units
        super().__init__(**kwargs)

    def build(self, input_shape):
        self.kernel = self.add_weight(shape=(input_shape[-1], self.units), name='kernel',
                                      initializer='uniform')

    def call(self, inputs, states):
        output = K.dot(inputs, self.kernel) + states[0]
        return output, [output]

    def get_config(self):
        config = super().get_config()
        config['units'] = self.units
        return config


def reference(x, kernel, mask=None):
    h = np.zeros((x.shape[0], kernel.shape[1]))
    outputs = []
    for t in range(x.shape[1]):
        new = x[:, t] @ kernel + h
        if mask is not None:
            keep = mask[:, t:t + 1]
            new = keep * new + (1 - keep) * h
        h = new
        outputs.append(h)
    return np.stack(outputs, 1)


def test_python_cell_over_lengths_known_only_at_run_time():
    x = Input((None, 3))
    layer = RNN(AddCell(4), return_sequences=True)
    model = Model(x, layer(x))
    kernel = layer.get_weights()[0]
    for steps in (2, 5, 2):  # each length unrolled once, then reused
        data = np.random.rand(2, steps, 3)
        np.testing.assert_allclose(model.predict(data), reference(data, kernel), rtol=1e-5)
    model.compile('sgd', 'mse')
    before = layer.get_weights()[0].copy()
    model.train_on_batch(np.random.rand(2, 6, 3), np.zeros((2, 6, 4)))
    assert not np.allclose(before, layer.get_weights()[0])  # gradients reach the kernel


def test_masked_python_cell_over_unknown_length_keeps_states():
    x = Input((None, 3))
    layer = RNN(AddCell(2))
    model = Model(x, layer(Masking()(x)))
    data = np.random.rand(3, 4, 3) + 0.1
    data[0, 2:] = 0.0
    mask = np.any(data != 0, axis=-1).astype('float64')
    expected = reference(data, layer.get_weights()[0], mask)[:, -1]
    np.testing.assert_allclose(model.predict(data), expected, rtol=1e-5)


def test_go_backwards_and_states_over_unknown_length():
    x = Input((None, 3))
    layer = RNN(AddCell(2), return_state=True, go_backwards=True)
    model = Model(x, layer(x))
    data = np.random.rand(2, 3, 3)
    output, state = model.predict(data)
    expected = reference(data[:, ::-1], layer.get_weights()[0])[:, -1]
    np.testing.assert_allclose(output, expected, rtol=1e-5)
    np.testing.assert_allclose(state, expected, rtol=1e-5)


class TwoStateObject(object):
    """Not a Layer: Keras takes any object with call(inputs, states) and state_size."""

    def __init__(self, units, input_dim):
        self.state_size = (units, units)
        self.kernel = K.variable(np.ones((input_dim, units)))

    def call(self, inputs, states):
        output = K.dot(inputs, self.kernel) + states[0] - states[1]
        return output, [output * 2, output]


def test_cell_that_is_not_a_layer_alone_and_stacked():
    x = Input((None, 2))
    data = np.ones((1, 3, 2))
    y = Model(x, RNN(TwoStateObject(3, 2))(x)).predict(data)
    # h1 = 2; h2 = 2 + 4 - 2 = 4; h3 = 2 + 8 - 4 = 6
    np.testing.assert_allclose(y, np.full((1, 3), 6.0))
    stacked = RNN([TwoStateObject(3, 2), TwoStateObject(4, 3)])
    assert stacked.cell.state_size == (3, 3, 4, 4)
    assert Model(x, stacked(x)).predict(data).shape == (1, 4)
    with pytest.raises(ValueError, match='state_size'):
        RNN(object())


def test_initial_states_that_no_layer_made():
    x = Input((4, 3))
    h0 = K.variable(np.full((2, 5), 0.5))
    c0 = K.variable(np.zeros((2, 5)))
    model = Model(x, LSTM(5)(x, initial_state=[h0, c0]))
    model.compile('sgd', 'mse')
    model.fit(np.random.rand(2, 4, 3), np.random.rand(2, 5), verbose=0)
    h_model = Model(x, SimpleRNN(5, return_state=True)(x, initial_state=h0))
    assert [o.shape for o in h_model.predict(np.random.rand(2, 4, 3))] == [(2, 5), (2, 5)]


def test_bidirectional_from_config_with_a_python_cell_in_scope():
    x = Input((3, 2))
    layer = Bidirectional(RNN(AddCell(4)))
    model = Model(x, layer(x))
    data = np.random.rand(2, 3, 2)
    with CustomObjectScope({'AddCell': AddCell}):
        again = Bidirectional.from_config(layer.get_config())
    copy = Model(x, again(x))
    copy.set_weights(model.get_weights())
    np.testing.assert_allclose(copy.predict(data), model.predict(data), rtol=1e-5)


@pytest.mark.parametrize('cls, n_states', [(SimpleRNN, 1), (GRU, 1), (LSTM, 2)])
def test_call_returns_the_states_with_return_state(cls, n_states):
    x = Input((3, 2))
    layer = cls(4, return_state=True)
    outputs = layer(x)
    again = layer.call(x)
    assert isinstance(again, list) and len(again) == 1 + n_states
    f = K.function([x], again)
    g = K.function([x], outputs)
    data = np.random.rand(2, 3, 2)
    for a, b in zip(f([data]), g([data])):
        np.testing.assert_allclose(a, b, rtol=1e-6)
    plain = cls(4)
    plain(x)  # built by its first call, as in Keras
    assert not isinstance(plain.call(x), list)
    stacked = RNN([LSTMCell(2)], return_state=True)
    stacked(x)
    assert len(stacked.call(x)) == 3


def test_a_frozen_cell_of_a_stack_holds_non_trainable_weights():
    cells = [LSTMCell(3), LSTMCell(3)]
    layer = RNN(cells)
    x = Input((4, 5))
    model = Model(x, layer(x))
    assert len(layer.trainable_weights) == 6
    cells[0].trainable = False  # after the RNN was made, as Keras reads it
    assert len(layer.trainable_weights) == 3 and len(layer.non_trainable_weights) == 3
    model.compile('sgd', 'mse')
    frozen = cells[0].get_weights()
    model.train_on_batch(np.random.rand(2, 4, 5), np.random.rand(2, 3))
    for before, after in zip(frozen, cells[0].get_weights()):
        np.testing.assert_array_equal(before, after)
    layer.trainable = False
    assert layer.trainable_weights == [] and len(layer.non_trainable_weights) == 6


def test_constants_for_a_layer_whose_cell_takes_none():
    with pytest.raises(ValueError, match='does not support constants'):
        LSTM(3)(Input((4, 5)), constants=Input((2,)))


def test_a_loss_added_to_a_cell_later_is_the_rnn_s_and_trains():
    cells = [LSTMCell(3), LSTMCell(3, kernel_regularizer='l2')]
    layer = RNN(cells)
    x = Input((4, 5))
    model = Model(x, layer(x))
    assert len(layer.losses) == 1
    extra = K.sum(x) * 0.0 + 100.0
    cells[0].add_loss(extra, inputs=x)
    assert len(layer.losses) == 2
    assert layer.get_losses_for(x) == [extra]
    model.compile('sgd', 'mse')
    loss = model.train_on_batch(np.zeros((2, 4, 5)), np.zeros((2, 3)))
    assert loss >= 100.0  # the model's loss holds the cell's added loss
