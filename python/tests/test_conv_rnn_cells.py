"""Keras 2.2.4's ConvRNN2D(cell) and ConvLSTM2DCell, and Keras 1's ConvRecurrent2D:
ConvRNN2D(ConvLSTM2DCell) computes ConvLSTM2D with the same weights, a convolutional cell written
in Python matches a numpy loop, trains, saves and loads with custom_objects; the class tree
(ConvLSTM2D is a ConvRNN2D and a ConvRecurrent2D), configs and Keras's errors."""
import json

import numpy as np
import pytest

from keras_cpp import backend as K
from keras_cpp import layers
from keras_cpp.layers import ConvLSTM2D, ConvLSTM2DCell, ConvRecurrent2D, ConvRNN2D, Input
from keras_cpp.models import Model, Sequential, load_model, model_from_json


class ConvSimpleRNNCell(layers.Layer):
    """A convolutional simple RNN cell as a Keras user writes one for ConvRNN2D: Keras reads
    filters, kernel_size, strides, padding, data_format and dilation_rate of the cell."""

    def __init__(self, filters, kernel_size, padding='valid', **kwargs):
        self.filters = filters
        self.kernel_size = (kernel_size, kernel_size)
        self.strides = (1, 1)
        self.padding = padding
        self.data_format = 'channels_last'
        self.dilation_rate = (1, 1)
        self.state_size = (filters,)
        super(ConvSimpleRNNCell, self).__init__(**kwargs)

    def build(self, input_shape):
        self.kernel = self.add_weight(
            shape=self.kernel_size + (input_shape[-1], self.filters), name='kernel',
            initializer='glorot_uniform')
        self.recurrent_kernel = self.add_weight(
            shape=self.kernel_size + (self.filters, self.filters), name='recurrent_kernel',
            initializer='glorot_uniform')

    def call(self, inputs, states):
        x = K.conv2d(inputs, self.kernel, padding=self.padding)
        h = K.tanh(x + K.conv2d(states[0], self.recurrent_kernel, padding='same'))
        return h, [h]

    def get_config(self):
        config = super(ConvSimpleRNNCell, self).get_config()
        config.update({'filters': self.filters, 'kernel_size': self.kernel_size[0],
                       'padding': self.padding})
        return config


def conv_same_numpy(x, w):
    """A 'same' 2D convolution (cross-correlation) of x (batch, rows, cols, in) by w (kr, kc, in,
    out), odd kernels."""
    kr, kc = w.shape[:2]
    padded = np.pad(x, ((0, 0), (kr // 2, kr // 2), (kc // 2, kc // 2), (0, 0)))
    out = np.zeros(x.shape[:3] + (w.shape[3],))
    for i in range(kr):
        for j in range(kc):
            out += padded[:, i:i + x.shape[1], j:j + x.shape[2]] @ w[i, j]
    return out


def simple_numpy(x, kernel, recurrent, go_backwards=False, mask=None, h0=None):
    h = np.zeros(x.shape[:1] + x.shape[2:4] + (kernel.shape[3],)) if h0 is None else h0
    outputs = []
    steps = range(x.shape[1])[::-1] if go_backwards else range(x.shape[1])
    for t in steps:
        new = np.tanh(conv_same_numpy(x[:, t], kernel) + conv_same_numpy(h, recurrent))
        if mask is not None:
            new = np.where(mask[:, t, None, None, None], new, h)
        h = new
        outputs.append(h)
    return np.stack(outputs, 1)


def random_weights(layer, seed):
    rng = np.random.RandomState(seed)
    weights = [rng.uniform(-0.5, 0.5, w.shape).astype('float32') for w in layer.get_weights()]
    layer.set_weights(weights)
    return weights


@pytest.mark.parametrize('data_format', ['channels_last', 'channels_first'])
def test_conv_rnn2d_over_conv_lstm2d_cell_is_conv_lstm2d(data_format):
    shape = (4, 5, 6, 3) if data_format == 'channels_last' else (4, 3, 5, 6)
    x = np.random.RandomState(0).rand(2, *shape).astype('float32')
    arguments = dict(filters=2, kernel_size=(3, 3), padding='same', data_format=data_format,
                     recurrent_activation='sigmoid')
    rnn = ConvRNN2D(ConvLSTM2DCell(**arguments), return_sequences=True, go_backwards=True)
    lstm = ConvLSTM2D(return_sequences=True, go_backwards=True, **arguments)
    ours = Model(*(lambda i: (i, rnn(i)))(Input(shape)))
    reference = Model(*(lambda i: (i, lstm(i)))(Input(shape)))
    weights = random_weights(lstm, 3)
    rnn.set_weights(weights)
    assert [w.shape for w in rnn.get_weights()] == [(3, 3, 3, 8), (3, 3, 2, 8), (8,)]
    out = ours.predict(x)
    np.testing.assert_allclose(out, reference.predict(x), rtol=1e-6, atol=1e-6)
    assert out.shape == (2, 4) + ((5, 6, 2) if data_format == 'channels_last' else (2, 5, 6))
    assert rnn.cell.state_size == (2, 2)
    assert rnn.output_shape == lstm.output_shape


def test_conv_lstm2d_cell_step_is_the_layers_step():
    """The cell's own step (call through a Python cell that delegates to it, run step by step)
    gives what the whole-sequence path gives."""
    class Delegating(layers.Layer):
        def __init__(self, inner, **kwargs):
            self.inner = inner
            self.filters = inner.filters
            self.kernel_size = inner.kernel_size
            self.strides = inner.strides
            self.padding = inner.padding
            self.data_format = inner.data_format
            self.dilation_rate = inner.dilation_rate
            self.state_size = inner.state_size
            super(Delegating, self).__init__(**kwargs)

        def build(self, input_shape):
            self.inner.build(input_shape)

        def call(self, inputs, states):
            return self.inner.call(inputs, states)

    x = np.random.RandomState(1).rand(2, 3, 5, 5, 2).astype('float32')
    inner = ConvLSTM2DCell(3, 3, padding='same')
    stepped = ConvRNN2D(Delegating(inner), return_sequences=True)
    lstm = ConvLSTM2D(3, 3, padding='same', return_sequences=True)
    i = Input((3, 5, 5, 2))
    a = Model(i, stepped(i))
    b = Model(i, lstm(i))
    weights = random_weights(lstm, 4)
    inner.set_weights(weights)
    np.testing.assert_allclose(a.predict(x), b.predict(x), rtol=1e-5, atol=1e-6)


def test_a_python_conv_cell_matches_numpy_and_masks():
    x = np.random.RandomState(2).rand(3, 4, 5, 5, 2).astype('float32')
    layer = ConvRNN2D(ConvSimpleRNNCell(3, 3, padding='same'), return_sequences=True,
                      go_backwards=True)
    i = Input((4, 5, 5, 2))
    model = Model(i, layer(i))
    kernel, recurrent = random_weights(layer, 5)
    np.testing.assert_allclose(model.predict(x), simple_numpy(x, kernel, recurrent, True),
                               rtol=1e-4, atol=1e-5)
    assert layer.output_shape == (None, 4, 5, 5, 3)
    # Masked steps keep the last output and state (Keras's K.rnn).
    xm = x.copy()
    xm[0, 2:] = 0.0
    mask = np.ones((3, 4), bool)
    mask[0, 2:] = False
    masked = ConvRNN2D(ConvSimpleRNNCell(3, 3, padding='same'), return_sequences=True)
    mi = Input((4, 5, 5, 2))
    mmodel = Model(mi, masked(layers.Masking(0.0)(mi)))
    masked.set_weights([kernel, recurrent])
    np.testing.assert_allclose(mmodel.predict(xm), simple_numpy(xm, kernel, recurrent, mask=mask),
                               rtol=1e-4, atol=1e-5)


def test_a_python_conv_cell_trains_saves_and_loads(tmp_path):
    rng = np.random.RandomState(3)
    x = rng.rand(8, 3, 6, 6, 1).astype('float32')
    y = rng.rand(8, 4, 4, 2).astype('float32') * 0.5
    model = Sequential([ConvRNN2D(ConvSimpleRNNCell(2, 3), input_shape=(3, 6, 6, 1))])
    assert model.output_shape == (None, 4, 4, 2)
    model.compile('adam', 'mse')
    before = model.evaluate(x, y, verbose=0)
    model.fit(x, y, epochs=30, batch_size=4, verbose=0)
    assert model.evaluate(x, y, verbose=0) < before * 0.9
    path = str(tmp_path / 'conv_cell.h5')
    model.save(path)
    custom = {'ConvSimpleRNNCell': ConvSimpleRNNCell}
    loaded = load_model(path, custom_objects=custom)
    assert isinstance(loaded.layers[0], ConvRNN2D)
    assert isinstance(loaded.layers[0].cell, ConvSimpleRNNCell)
    np.testing.assert_allclose(loaded.predict(x), model.predict(x), rtol=1e-6)
    again = model_from_json(model.to_json(), custom_objects=custom)
    again.set_weights(model.get_weights())
    np.testing.assert_allclose(again.predict(x), model.predict(x), rtol=1e-6)
    with pytest.raises(ValueError, match='Unknown layer: ConvSimpleRNNCell'):
        load_model(path)


def test_initial_state_continues_a_sequence_and_trains():
    """An encoder's [h, c] as a decoder's initial_state: with the same weights, the decoder
    continues the encoder's sequence (one layer over both halves gives its output)."""
    rng = np.random.RandomState(6)
    x = rng.rand(2, 5, 4, 4, 2).astype('float32')
    arguments = dict(filters=3, kernel_size=(3, 3), padding='same')
    encoder = ConvLSTM2D(return_state=True, **arguments)
    decoder = ConvLSTM2D(return_sequences=True, **arguments)
    whole = ConvLSTM2D(return_sequences=True, **arguments)
    first, second = Input((2, 4, 4, 2)), Input((3, 4, 4, 2))
    _, h, c = encoder(first)
    model = Model([first, second], decoder(second, initial_state=[h, c]))
    i = Input((5, 4, 4, 2))
    reference = Model(i, whole(i))
    weights = random_weights(whole, 7)
    encoder.set_weights(weights)
    decoder.set_weights(weights)
    np.testing.assert_allclose(model.predict([x[:, :2], x[:, 2:]]), reference.predict(x)[:, 2:],
                               rtol=1e-5, atol=1e-6)
    # Gradients reach the encoder through the states.
    model.compile('sgd', 'mse')
    before = encoder.get_weights()[0].copy()
    model.train_on_batch([x[:, :2], x[:, 2:]], np.zeros((2, 3, 4, 4, 3), 'float32'))
    assert not np.allclose(encoder.get_weights()[0], before)
    # A Python cell from given states.
    layer = ConvRNN2D(ConvSimpleRNNCell(3, 3, padding='same'), return_sequences=True)
    state = Input((4, 4, 3))
    stepped = Model([first, state], layer(first, initial_state=state))
    kernel, recurrent = random_weights(layer, 8)
    h0 = rng.rand(2, 4, 4, 3).astype('float32')
    np.testing.assert_allclose(stepped.predict([x[:, :2], h0]),
                               simple_numpy(x[:, :2], kernel, recurrent, h0=h0),
                               rtol=1e-4, atol=1e-5)
    with pytest.raises(ValueError, match='not compatible with `cell.state_size`'):
        layer(first, initial_state=Input((4, 4, 5)))


def test_conv_rnn2d_and_cell_configs_round_trip():
    cell = ConvLSTM2DCell(4, (3, 3), strides=2, dropout=0.25, unit_forget_bias=False)
    layer = ConvRNN2D(cell, return_state=True, stateful=False)
    config = layer.get_config()
    assert config['cell']['class_name'] == 'ConvLSTM2DCell'
    cell_config = config['cell']['config']
    assert cell_config['filters'] == 4 and tuple(cell_config['kernel_size']) == (3, 3)
    assert tuple(cell_config['strides']) == (2, 2) and cell_config['dropout'] == 0.25
    assert cell_config['unit_forget_bias'] is False
    for key in ('return_sequences', 'return_state', 'go_backwards', 'stateful', 'unroll'):
        assert key in config
    again = layers.deserialize(json.loads(json.dumps(layers.serialize(layer))))
    assert isinstance(again, ConvRNN2D) and isinstance(again.cell, ConvLSTM2DCell)
    assert again.get_config() == config
    # return_state: [output, h, c]
    i = Input((2, 7, 7, 3))
    outputs = layer(i)
    assert [K.int_shape(o) for o in outputs] == [(None, 3, 3, 4)] * 3


def test_the_class_tree_and_keras1_base():
    lstm = ConvLSTM2D(2, 3, 3, border_mode='same', dim_ordering='tf')
    assert isinstance(lstm, ConvRNN2D) and isinstance(lstm, ConvRecurrent2D)
    assert isinstance(ConvRNN2D(ConvLSTM2DCell(2, 3)), ConvRecurrent2D)
    from keras_cpp.legacy.layers import ConvRecurrent2D as legacy
    from keras_cpp.layers.convolutional_recurrent import ConvRecurrent2D as module_level
    assert legacy is ConvRecurrent2D and module_level is ConvRecurrent2D
    # Keras 1.2.2's ConvRecurrent2D: output shape from the convolution, mask kept with sequences.
    assert lstm.compute_output_shape((None, 5, 8, 8, 1)) == (None, 8, 8, 2)
    seq = ConvLSTM2D(2, 3, 3, return_sequences=True, subsample=(2, 2))
    assert ConvRecurrent2D.compute_output_shape(seq, (None, 5, 9, 9, 1)) == (None, 5, 4, 4, 2)
    config = lstm.get_config()
    assert {'return_sequences', 'go_backwards', 'stateful'} <= set(config)
    assert [p for p in __import__('inspect').signature(ConvRecurrent2D).parameters] == [
        'weights', 'nb_row', 'nb_col', 'nb_filter', 'return_sequences', 'go_backwards',
        'stateful', 'dim_ordering', 'kwargs']


def test_kerases_errors():
    with pytest.raises(TypeError, match='stack convolutional cells'):
        ConvRNN2D([ConvLSTM2DCell(2, 3), ConvLSTM2DCell(2, 3)])
    with pytest.raises(ValueError, match="Unrolling isn't possible"):
        ConvRNN2D(ConvLSTM2DCell(2, 3), unroll=True)

    class NoGeometry(layers.Layer):
        state_size = 2

        def call(self, inputs, states):
            return inputs, states

    with pytest.raises(AttributeError, match='kernel_size'):
        ConvRNN2D(NoGeometry())(Input((2, 5, 5, 1)))
    with pytest.raises(ValueError, match='ConvRNN2D'):
        ConvRNN2D(layers.Dense(3))
    with pytest.raises(ValueError, match='known number of time steps'):
        ConvRNN2D(ConvSimpleRNNCell(2, 3))(Input((None, 5, 5, 1)))
