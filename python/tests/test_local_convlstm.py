"""LocallyConnected1D/2D, ConvLSTM2D and Keras 1's Deconvolution2D(output_shape=...) from Python:
Keras 1 and 2 arguments, output shapes, values against numpy loops, training, configs, saving,
and wrong keywords."""
import numpy as np
import pytest

import keras_cpp as keras
from keras_cpp.layers import (ConvLSTM2D, Conv2D, Conv2DTranspose, Deconvolution2D, Dense,
                              Flatten, LocallyConnected1D, LocallyConnected2D)
from keras_cpp.models import Sequential, load_model


def test_modules_as_keras():
    from keras_cpp.layers import convolutional_recurrent, local
    assert local.LocallyConnected1D is LocallyConnected1D
    assert local.LocallyConnected2D is LocallyConnected2D
    assert convolutional_recurrent.ConvLSTM2D is ConvLSTM2D
    assert keras.layers.local.__all__ == ['LocallyConnected1D', 'LocallyConnected2D']
    assert isinstance(LocallyConnected2D(2, (2, 2)), keras.layers.Layer)


@pytest.mark.parametrize('layer, shape', [
    (LocallyConnected1D(3, 2, input_shape=(6, 4)), (None, 5, 3)),
    (LocallyConnected1D(3, 2, strides=2, input_shape=(7, 4)), (None, 3, 3)),
    (LocallyConnected1D(nb_filter=3, filter_length=3, subsample_length=2, input_dim=4,
                        input_length=9), (None, 4, 3)),
    (LocallyConnected2D(2, (2, 3), input_shape=(5, 6, 3)), (None, 4, 4, 2)),
    (LocallyConnected2D(2, 3, strides=(2, 1), input_shape=(7, 5, 1)), (None, 3, 3, 2)),
    (LocallyConnected2D(2, 3, 3, subsample=(2, 2), dim_ordering='th', input_shape=(1, 7, 7)),
     (None, 2, 3, 3)),
    (LocallyConnected2D(2, (3, 3), data_format='channels_first', input_shape=(3, 5, 6)),
     (None, 2, 3, 4)),
    (ConvLSTM2D(4, (3, 3), input_shape=(5, 6, 6, 2)), (None, 4, 4, 4)),
    (ConvLSTM2D(4, (3, 3), padding='same', return_sequences=True, input_shape=(5, 6, 6, 2)),
     (None, 5, 6, 6, 4)),
    (ConvLSTM2D(4, 3, 3, border_mode='same', subsample=(2, 2), dim_ordering='th',
                return_sequences=True, input_shape=(5, 2, 6, 6)), (None, 5, 4, 3, 3)),
    (Deconvolution2D(2, 3, 3, (None, 10, 10, 2), subsample=(2, 2), input_shape=(4, 4, 1)),
     (None, 10, 10, 2)),
    (Deconvolution2D(2, 3, 3, output_shape=(None, 2, 9, 9), subsample=(2, 2), dim_ordering='th',
                     input_shape=(1, 4, 4)), (None, 2, 9, 9)),
])
def test_output_shapes(layer, shape):
    model = Sequential([layer])
    assert model.output_shape == shape
    x = np.random.rand(2, *model.input_shape[1:])
    assert model.predict(x).shape == (2,) + shape[1:]


def locally_connected_1d(x, kernel, bias, size, stride):
    batch, _, channels = x.shape
    length, _, filters = kernel.shape
    out = np.zeros((batch, length, filters))
    for i in range(length):
        patch = x[:, i * stride:i * stride + size, :].reshape(batch, size * channels)
        out[:, i, :] = patch @ kernel[i] + bias[i]
    return out


def locally_connected_2d(x, kernel, bias, size, strides, channels_first):
    if channels_first:
        x = x.transpose(0, 2, 3, 1)
    batch, _, _, channels = x.shape
    rows, cols, filters = bias.shape
    out = np.zeros((batch, rows, cols, filters))
    for r in range(rows):
        for c in range(cols):
            patch = x[:, r * strides[0]:r * strides[0] + size[0],
                      c * strides[1]:c * strides[1] + size[1], :]
            if channels_first:  # Keras flattens a patch (channel, row, col) then
                patch = patch.transpose(0, 3, 1, 2)
            out[:, r, c, :] = patch.reshape(batch, -1) @ kernel[r * cols + c]
    if not channels_first:
        return out + bias
    # Keras's bias_add reshapes (does not transpose) the (rows, cols, filters) bias to
    # (filters, rows, cols) for channels_first outputs.
    return out.transpose(0, 3, 1, 2) + bias.reshape(filters, rows, cols)


def test_locally_connected_1d_values():
    layer = LocallyConnected1D(3, 2, strides=2, activation='linear', input_shape=(7, 4))
    model = Sequential([layer])
    kernel, bias = [w.shape for w in layer.get_weights()]
    assert (kernel, bias) == ((3, 8, 3), (3, 3))
    kernel, bias = np.random.randn(3, 8, 3), np.random.randn(3, 3)
    layer.set_weights([kernel, bias])
    x = np.random.randn(5, 7, 4)
    np.testing.assert_allclose(model.predict(x), locally_connected_1d(x, kernel, bias, 2, 2),
                               rtol=1e-5, atol=1e-5)


@pytest.mark.parametrize('channels_first', [False, True])
def test_locally_connected_2d_values(channels_first):
    shape = (2, 5, 6) if channels_first else (5, 6, 2)
    layer = LocallyConnected2D(3, (2, 3), strides=(1, 2), input_shape=shape,
                               data_format='channels_first' if channels_first else None)
    model = Sequential([layer])
    # out rows (5 - 2) / 1 + 1 = 4, cols (6 - 3) // 2 + 1 = 2; patches of 2 * 3 * 2 values
    assert [w.shape for w in layer.get_weights()] == [(8, 12, 3), (4, 2, 3)]
    kernel, bias = np.random.randn(8, 12, 3), np.random.randn(4, 2, 3)
    layer.set_weights([kernel, bias])
    x = np.random.randn(3, *shape)
    expected = locally_connected_2d(x, kernel, bias, (2, 3), (1, 2), channels_first)
    np.testing.assert_allclose(model.predict(x), expected, rtol=1e-5, atol=1e-5)


def test_locally_connected_keras1_arguments():
    layer = LocallyConnected2D(2, 3, 3, init='zero', bias=False, border_mode='valid',
                               W_regularizer='l2', input_shape=(5, 5, 1))
    Sequential([layer])
    config = layer.get_config()
    assert config['use_bias'] is False and len(layer.get_weights()) == 1
    assert config['kernel_initializer']['class_name'] == 'Zeros'
    assert config['kernel_regularizer'] is not None
    assert not np.any(layer.get_weights()[0])


def test_conv_lstm_fits_a_tiny_dataset():
    # Is the bright pixel of a short 5x5 clip moving right (1) or left (0)?
    x = np.zeros((32, 3, 5, 5, 1))
    y = np.zeros((32, 1))
    for i in range(32):
        row, right = i % 5, i % 2
        for t in range(3):
            x[i, t, row, 1 + t if right else 3 - t, 0] = 1.0
        y[i] = right
    model = Sequential([
        ConvLSTM2D(4, (3, 3), padding='same', input_shape=(3, 5, 5, 1)),
        Flatten(),
        Dense(1, activation='sigmoid'),
    ])
    model.compile(loss='binary_crossentropy', optimizer=keras.optimizers.Adam(lr=0.02))
    losses = model.fit(x, y, epochs=15, batch_size=8, verbose=0).history['loss']
    assert losses[-1] < 0.7 * losses[0]
    kernel, recurrent, bias = model.layers[0].get_weights()
    assert kernel.shape == (3, 3, 1, 16) and recurrent.shape == (3, 3, 4, 16)
    assert bias.shape == (16,)


def test_conv_lstm_keras1_arguments():
    layer = ConvLSTM2D(nb_filter=3, nb_row=2, nb_col=2, init='he_normal', inner_init='zero',
                       forget_bias_init='zero', inner_activation='sigmoid', dropout_W=0.1,
                       dropout_U=0.2, input_shape=(4, 5, 5, 2))
    Sequential([layer])
    config = layer.get_config()
    assert config['filters'] == 3 and list(config['kernel_size']) == [2, 2]
    assert config['recurrent_activation'] == 'sigmoid'
    assert config['unit_forget_bias'] is False
    assert config['dropout'] == pytest.approx(0.1)
    assert config['recurrent_dropout'] == pytest.approx(0.2)
    assert config['recurrent_initializer']['class_name'] == 'Zeros'


@pytest.mark.parametrize('make', [
    lambda: LocallyConnected1D(3, 2, strides=2, activation='relu', kernel_regularizer='l2'),
    lambda: LocallyConnected2D(2, (2, 3), strides=(1, 2), data_format='channels_first',
                               use_bias=False),
    lambda: ConvLSTM2D(3, (2, 2), padding='same', return_sequences=True, go_backwards=True,
                       recurrent_activation='sigmoid', dropout=0.25),
    lambda: Deconvolution2D(2, 3, 3, (None, 10, 10, 2), subsample=(2, 2)),
])
def test_get_config_from_config(make):
    layer = make()
    config = layer.get_config()
    again = type(layer).from_config(config)
    assert type(again).__name__ == type(layer).__name__ or isinstance(again, Conv2DTranspose)
    assert again.get_config() == config


def test_save_and_load_model(tmp_path):
    model = Sequential([
        ConvLSTM2D(2, (3, 3), padding='same', return_sequences=True, input_shape=(3, 6, 6, 1)),
        keras.layers.TimeDistributed(LocallyConnected2D(2, (2, 2))),
        keras.layers.TimeDistributed(Flatten()),
        LocallyConnected1D(2, 2),
        Flatten(),
        Dense(1),
    ])
    model.compile('adam', 'mse')
    x = np.random.rand(4, 3, 6, 6, 1)
    model.fit(x, np.random.rand(4, 1), epochs=1, verbose=0)
    path = tmp_path / 'model.h5'
    model.save(str(path))
    restored = load_model(str(path))
    assert [type(layer).__name__ for layer in restored.layers] == [
        'ConvLSTM2D', 'TimeDistributed', 'TimeDistributed', 'LocallyConnected1D', 'Flatten',
        'Dense']
    np.testing.assert_allclose(restored.predict(x), model.predict(x), rtol=1e-5, atol=1e-6)


def test_deconvolution2d_output_shape_values_and_saving(tmp_path):
    # Keras 1's output_shape (rows 10, where Keras 2 would infer 9) is Keras 2's output_padding 1.
    old = Sequential([Deconvolution2D(2, 3, 3, output_shape=(None, 10, 10, 2), subsample=(2, 2),
                                      input_shape=(4, 4, 1))])
    new = Sequential([Conv2DTranspose(2, (3, 3), strides=2, output_padding=1,
                                      input_shape=(4, 4, 1))])
    assert old.output_shape == new.output_shape == (None, 10, 10, 2)
    assert old.layers[0].get_config()['output_padding'] in ([1, 1], (1, 1))
    new.set_weights(old.get_weights())
    x = np.random.rand(3, 4, 4, 1)
    np.testing.assert_allclose(old.predict(x), new.predict(x), rtol=1e-6)
    path = tmp_path / 'deconv.h5'
    old.save(str(path))
    restored = load_model(str(path))
    assert restored.output_shape == (None, 10, 10, 2)
    np.testing.assert_allclose(restored.predict(x), old.predict(x), rtol=1e-6)


def test_deconvolution2d_output_shape_errors():
    with pytest.raises(ValueError, match='does not fit the input'):
        Sequential([Deconvolution2D(2, 3, 3, (None, 12, 12, 2), subsample=(2, 2),
                                    input_shape=(4, 4, 1))])
    with pytest.raises(ValueError, match='channels'):
        Deconvolution2D(2, 3, 3, (None, 10, 10, 5))
    with pytest.raises(TypeError, match='both positionally and as a keyword'):
        Deconvolution2D(2, 3, 3, (None, 10, 10, 2), output_shape=(None, 10, 10, 2))


@pytest.mark.parametrize('make, name', [
    (lambda: LocallyConnected1D(2, 3, kernel_intializer='zeros'), 'kernel_intializer'),
    (lambda: LocallyConnected1D(2, 3, subsample=(2,)), 'subsample'),  # Keras 1: subsample_length
    (lambda: LocallyConnected1D(2, 3, dilation_rate=2), 'dilation_rate'),
    (lambda: LocallyConnected2D(2, (3, 3), activaton='relu'), 'activaton'),
    (lambda: LocallyConnected2D(2, 3, 3, filter_length=3), 'filter_length'),
    (lambda: ConvLSTM2D(2, (3, 3), units=4), 'units'),
    (lambda: ConvLSTM2D(nb_filter=2, nb_row=3, nb_col=3, inner_activaton='relu'),
     'inner_activaton'),
    (lambda: Conv2D(2, (3, 3), output_shape=(None, 4, 4, 2)), 'output_shape'),
    (lambda: Deconvolution2D(2, 3, 3, (None, 10, 10, 2), outputshape=(None, 10, 10, 2)),
     'outputshape'),
])
def test_wrong_keywords_are_type_errors(make, name):
    with pytest.raises(TypeError, match='Keyword argument not understood') as error:
        make()
    assert name in error.value.args


def test_wrong_positional_arguments():
    with pytest.raises(TypeError, match='positionally'):
        LocallyConnected1D(2, 3, 3)
    with pytest.raises(TypeError, match='positionally'):
        ConvLSTM2D(2, 3, 3, 3)
    with pytest.raises(ValueError, match='only "valid" is supported'):
        LocallyConnected2D(2, (3, 3), padding='same')


def test_stateful_conv_lstm_keeps_and_resets_its_states():
    model = Sequential([ConvLSTM2D(2, (3, 3), padding='same', stateful=True,
                                   batch_input_shape=(2, 3, 4, 4, 1))])
    layer = model.layers[0]
    assert layer.stateful and layer.filters == 2 and not layer.return_sequences
    x = np.random.rand(2, 3, 4, 4, 1)
    first = model.predict(x, batch_size=2)
    assert np.abs(model.predict(x, batch_size=2) - first).max() > 1e-4
    model.reset_states()
    np.testing.assert_allclose(model.predict(x, batch_size=2), first, rtol=1e-6)
