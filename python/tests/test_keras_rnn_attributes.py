"""Keras 2.2.4's attributes of recurrent layers and of layer calls, as its documentation and
source define them: layer.states and reset_states(values), layer.cell of SimpleRNN/GRU/LSTM,
compute_output_shape with return_state, a tensor's _uses_learning_phase and a model's
uses_learning_phase, get_losses_for / get_updates_for, activity_regularizer, and the identity
initializer on the rectangular recurrent kernels of GRU and LSTM."""
import numpy as np
import pytest

from keras_cpp import backend as K
from keras_cpp import initializers, regularizers
from keras_cpp.layers import (GRU, LSTM, RNN, BatchNormalization, Bidirectional, ConvLSTM2D, Dense,
                              Dropout, GRUCell, Input, LSTMCell, SimpleRNN, SimpleRNNCell,
                              TimeDistributed)
from keras_cpp.models import Model, Sequential

STATES = [(SimpleRNN, 1), (GRU, 1), (LSTM, 2)]


@pytest.mark.parametrize('cls, n_states', STATES)
def test_states_of_a_layer_that_keeps_none(cls, n_states):
    # Keras: one None per state when the layer is not stateful.
    assert cls(3).states == [None] * n_states


@pytest.mark.parametrize('cls, n_states', STATES)
def test_reset_states_to_zeros_and_to_given_values(cls, n_states):
    layer = cls(3, stateful=True)
    layer.build((2, 4, 5))
    layer.reset_states()
    assert len(layer.states) == n_states
    for state in layer.states:
        assert K.int_shape(state) == (2, 3)
        np.testing.assert_array_equal(K.eval(state), np.zeros((2, 3)))
    values = [np.full((2, 3), k + 1.0) for k in range(n_states)]
    layer.reset_states(values if n_states > 1 else values[0])
    for state, value in zip(layer.states, values):
        np.testing.assert_array_equal(K.eval(state), value)
    with pytest.raises(ValueError, match='expects %d states' % n_states):
        layer.reset_states([np.zeros((2, 3))] * (n_states + 1))
    with pytest.raises(ValueError, match='expected shape=\\(2, 3\\)'):
        layer.reset_states([np.zeros((2, 4))] * n_states)


def test_reset_states_of_a_layer_that_keeps_none_raises():
    with pytest.raises(AttributeError, match='must be stateful'):
        LSTM(3).reset_states()


@pytest.mark.parametrize('cls, n_states', STATES)
def test_states_hold_the_last_states_of_a_stateful_layer(cls, n_states):
    inputs = Input(batch_shape=(2, 4, 5))
    layer = cls(3, return_state=True, stateful=True)
    outputs = layer(inputs)
    model = Model(inputs, outputs[1])
    h = model.predict(np.random.rand(2, 4, 5))
    np.testing.assert_allclose(K.eval(layer.states[0]), h, atol=1e-6)


@pytest.mark.parametrize('cls, cell_cls', [(SimpleRNN, SimpleRNNCell), (GRU, GRUCell),
                                           (LSTM, LSTMCell)])
def test_cell_of_a_layer_is_a_view_of_its_arguments_and_weights(cls, cell_cls):
    layer = cls(3, activation='relu', kernel_regularizer=regularizers.l1(0.01),
                recurrent_regularizer='l2', dropout=0.25, input_shape=(4, 5))
    layer.build((None, 4, 5))
    cell = layer.cell
    assert cell.units == 3 and cell.dropout == 0.25
    assert cell.activation(K.constant([-1.0, 2.0])) is not None
    assert isinstance(cell.kernel_regularizer, regularizers.L1L2)
    assert cell.state_size == ((3, 3) if cell_cls is LSTMCell else 3)
    assert cell.kernel is layer.weights[0] or cell.kernel == layer.weights[0]
    assert K.int_shape(cell.recurrent_kernel)[0] == 3
    assert len(cell.losses) == 2 and len(layer.losses) == 2
    with pytest.raises(AttributeError):
        cell.return_sequences  # the layer's, not the cell's


def test_compute_output_shape_with_return_state():
    assert LSTM(3, return_state=True).compute_output_shape((None, 4, 5)) == \
        [(None, 3), (None, 3), (None, 3)]
    assert GRU(3, return_sequences=True).compute_output_shape((None, 4, 5)) == (None, 4, 3)
    layer = RNN([LSTMCell(3), SimpleRNNCell(6)], return_state=True, return_sequences=True)
    assert layer.compute_output_shape((None, 4, 5)) == \
        [(None, 4, 6), (None, 3), (None, 3), (None, 6)]


def test_uses_learning_phase():
    x = Input((4, 5))
    assert LSTM(3, dropout=0.5)(x)._uses_learning_phase
    assert not LSTM(3)(x)._uses_learning_phase
    assert not LSTM(3, dropout=0.5)(x, training=True)._uses_learning_phase
    assert Dropout(0.5)(Dense(2)(x))._uses_learning_phase
    model = Sequential([LSTM(3, dropout=0.5, input_shape=(4, 5))])
    assert model.uses_learning_phase
    assert not Sequential([Dense(2, input_shape=(5,))]).uses_learning_phase
    # predict runs with the phase 0: no dropout, the same values twice.
    data = np.random.rand(2, 4, 5)
    np.testing.assert_array_equal(model.predict(data), model.predict(data))


def test_get_losses_for_weights_and_for_a_call():
    layer = LSTM(3, kernel_regularizer='l1', activity_regularizer='l2')
    assert isinstance(layer.activity_regularizer, regularizers.L1L2)
    assert Dense(2).activity_regularizer is None
    x = K.variable(np.ones((2, 4, 5)))
    layer(x)
    assert len(layer.losses) == 2
    assert len(layer.get_losses_for(None)) == 1  # the kernel's
    assert len(layer.get_losses_for(x)) == 1  # the activity of the call on x
    assert len(layer.cell.get_losses_for(x)) == 0
    wrapped = TimeDistributed(Dense(2, kernel_regularizer='l1'))
    wrapped(Input((3, 4)))
    assert len(wrapped.get_losses_for(None)) == 1


def test_add_loss_with_inputs_ties_the_loss_to_them():
    # Keras 2.2.4: add_loss(loss, inputs=x) makes a loss get_losses_for(x) gives and
    # get_losses_for(None) does not, whatever it is computed from (a number is a constant term);
    # Bidirectional's losses are its two layers'.
    x = Input((3, 2))
    layer = Bidirectional(SimpleRNN(3, kernel_regularizer='l1'))
    layer(x)
    assert (len(layer.get_losses_for(None)), len(layer.get_losses_for(x))) == (2, 0)
    layer.forward_layer.add_loss(0.5, inputs=x)
    layer.backward_layer.add_loss(2, inputs=[x])
    layer.backward_layer.add_loss(K.constant(1.0))
    assert len(layer.losses) == 5
    assert len(layer.get_losses_for(None)) == 3
    tied = layer.get_losses_for(x)
    assert sorted(float(K.eval(loss)) for loss in tied) == [0.5, 2.0]
    assert layer.get_losses_for(Input((3, 2))) == []

def test_get_updates_for_a_call():
    x = Input((3,))
    layer = BatchNormalization()
    layer(x)
    assert len(layer.updates) == 2
    assert len(layer.get_updates_for(x)) == 2
    assert layer.get_updates_for(None) == []
    assert Bidirectional(SimpleRNN(3)).get_updates_for(None) == []


@pytest.mark.parametrize('shape', [(3, 9), (6, 3), (4, 4)])
def test_identity_initializer_repeats_along_the_long_side(shape):
    value = K.eval(initializers.Identity(gain=2.0)(shape))
    side = min(shape)
    expected = np.tile(2.0 * np.identity(side), (shape[0] // side, shape[1] // side))
    np.testing.assert_array_equal(value, expected)
    with pytest.raises(ValueError, match='multiple of short side'):
        initializers.Identity()((2, 3))


def test_identity_recurrent_kernel_of_an_lstm():
    layer = LSTM(3, recurrent_initializer='identity')
    layer(Input((4, 5)))
    np.testing.assert_array_equal(layer.get_weights()[1], np.tile(np.identity(3), (1, 4)))


def test_build_by_hand_then_call_builds_once():
    # Keras: build(shape) by hand makes the weights; the first call then does not build again.
    layer = LSTM(3, kernel_regularizer='l1', activity_regularizer='l2')
    layer.build((None, 4, 5))
    assert layer.built and len(layer.weights) == 3 and len(layer.losses) == 1
    layer(Input((4, 5)))
    assert len(layer.weights) == 3 and len(layer.losses) == 2


def test_input_and_output_of_a_call_of_several_tensors():
    x, h, c = Input((4, 5)), Input((3,)), Input((3,))
    layer = LSTM(3, return_state=True)
    outputs = layer(x, initial_state=[h, c])
    assert isinstance(layer.input, list) and len(layer.input) == 3
    assert isinstance(layer.output, list) and len(layer.output) == 3
    assert len(layer.get_input_at(0)) == 3 and len(layer.get_output_at(0)) == 3
    dense = Dense(2)
    y = dense(outputs[0])
    assert dense.input is outputs[0] or dense.input == outputs[0]
    assert not isinstance(dense.output, list) and y is not None


def test_get_initial_state_is_zeros_per_state():
    x = Input((None, 6))
    states = RNN(LSTMCell(5)).get_initial_state(x)
    assert [K.int_shape(s) for s in states] == [(None, 5), (None, 5)]
    values = K.function([x], states)([np.ones((2, 3, 6))])
    for value in values:
        np.testing.assert_array_equal(value, np.zeros((2, 5)))
    assert len(GRU(4).get_initial_state(x)) == 1


@pytest.mark.parametrize('data_format, shape', [('channels_last', (2, 3, 5, 5, 2)),
                                                ('channels_first', (2, 3, 2, 5, 5))])
def test_conv_lstm_initial_state_and_activity_regularizer(data_format, shape):
    layer = ConvLSTM2D(4, (3, 3), data_format=data_format, activity_regularizer='l2')
    assert isinstance(layer.activity_regularizer, regularizers.L1L2)
    x = Input(batch_shape=shape)
    states = layer.get_initial_state(x)
    expected = (2, 3, 3, 4) if data_format == 'channels_last' else (2, 4, 3, 3)
    assert [K.int_shape(s) for s in states] == [expected, expected]
    model = Model(x, layer(x, initial_state=states))  # tensors computed from x by backend ops
    assert model.predict(np.random.rand(*shape)).shape == expected


def test_simple_rnn_gru_lstm_are_rnns():
    # Keras 2.2.4: SimpleRNN, GRU and LSTM are RNN subclasses (RNNs over their cells).
    for layer in (SimpleRNN(2), GRU(2), LSTM(2), RNN(LSTMCell(2))):
        assert isinstance(layer, RNN)
    assert issubclass(LSTM, RNN) and not isinstance(Dense(2), RNN)
    again = RNN.from_config(RNN(LSTMCell(2)).get_config())
    assert isinstance(again, RNN)

    class Custom(RNN):
        pass

    assert isinstance(Custom(LSTMCell(2)), Custom) and not isinstance(LSTM(2), Custom)
