"""The convolutional, pooling, embedding, recurrent and normalization layers from Python:
Keras 1 and 2 arguments, output shapes, and small CNN / Embedding+LSTM models that learn."""
import numpy as np
import pytest

import keras_cpp as keras
from keras_cpp.layers import (GRU, LSTM, AveragePooling1D, AveragePooling2D, BatchNormalization,
                              Conv1D, Conv2D, Conv3D, Convolution1D, Convolution2D, Cropping2D,
                              Dense, Embedding, Flatten, GlobalAveragePooling1D,
                              GlobalAveragePooling2D, GlobalMaxPooling1D, GlobalMaxPooling2D,
                              MaxPooling1D, MaxPooling2D, SimpleRNN, UpSampling2D, ZeroPadding2D)
from keras_cpp.layers import convolutional, core
from keras_cpp.models import Sequential


def test_modules_as_keras():
    from keras_cpp.layers import convolutional, embeddings, normalization, pooling, recurrent
    assert convolutional.Convolution2D is Conv2D and convolutional.MaxPooling2D is MaxPooling2D
    assert pooling.GlobalAveragePooling2D is GlobalAveragePooling2D
    assert embeddings.Embedding is Embedding and recurrent.LSTM is LSTM
    assert normalization.BatchNormalization is BatchNormalization
    assert isinstance(MaxPooling2D(), pooling.MaxPooling2D)


@pytest.mark.parametrize('layers, shape', [
    ([Conv2D(4, (3, 3), padding='same', input_shape=(8, 8, 1))], (None, 8, 8, 4)),
    ([Conv2D(4, 3, strides=2, input_shape=(8, 8, 1))], (None, 3, 3, 4)),
    ([Convolution2D(4, 3, 3, border_mode='same', subsample=(2, 2), input_shape=(8, 8, 1))],
     (None, 4, 4, 4)),
    ([Convolution2D(nb_filter=2, nb_row=3, nb_col=3, input_shape=(8, 8, 1))], (None, 6, 6, 2)),
    ([Conv1D(3, 2, input_shape=(10, 4))], (None, 9, 3)),
    ([Convolution1D(nb_filter=3, filter_length=3, border_mode='same', input_dim=4,
                    input_length=10)], (None, 10, 3)),
    ([Conv3D(2, (2, 2, 2), input_shape=(4, 4, 4, 1))], (None, 3, 3, 3, 2)),
    ([MaxPooling2D(input_shape=(8, 8, 3))], (None, 4, 4, 3)),
    ([MaxPooling2D(pool_size=(2, 2), strides=(1, 1), border_mode='same',
                   input_shape=(8, 8, 3))], (None, 8, 8, 3)),
    ([AveragePooling2D((4, 4), input_shape=(8, 8, 3))], (None, 2, 2, 3)),
    ([MaxPooling1D(pool_length=2, stride=2, input_shape=(10, 3))], (None, 5, 3)),
    ([AveragePooling1D(input_shape=(10, 3))], (None, 5, 3)),
    ([GlobalMaxPooling1D(input_shape=(10, 3))], (None, 3)),
    ([GlobalAveragePooling1D(input_shape=(10, 3))], (None, 3)),
    ([GlobalMaxPooling2D(input_shape=(5, 5, 3))], (None, 3)),
    ([GlobalAveragePooling2D(input_shape=(5, 5, 3))], (None, 3)),
    ([ZeroPadding2D((1, 2), input_shape=(5, 5, 3))], (None, 7, 9, 3)),
    ([ZeroPadding2D(input_shape=(5, 5, 3))], (None, 7, 7, 3)),
    ([UpSampling2D(input_shape=(5, 5, 3))], (None, 10, 10, 3)),
    ([Cropping2D(((1, 0), (2, 1)), input_shape=(5, 5, 3))], (None, 4, 2, 3)),
    ([Embedding(10, 4, input_length=6)], (None, 6, 4)),
    ([SimpleRNN(5, input_shape=(6, 3))], (None, 5)),
    ([GRU(5, return_sequences=True, input_shape=(6, 3))], (None, 6, 5)),
    ([LSTM(output_dim=5, inner_activation='sigmoid', dropout_W=0.1, input_dim=3,
           input_length=6)], (None, 5)),
    ([BatchNormalization(input_shape=(4,))], (None, 4)),
    ([convolutional.SeparableConv2D(4, (3, 3), depth_multiplier=2, input_shape=(6, 6, 2))],
     (None, 4, 4, 4)),
    ([convolutional.Conv2DTranspose(2, (3, 3), strides=2, input_shape=(4, 4, 1))],
     (None, 9, 9, 2)),
    ([convolutional.AtrousConvolution2D(2, 3, 3, atrous_rate=(2, 2), input_shape=(8, 8, 1))],
     (None, 4, 4, 2)),
    ([core.SpatialDropout2D(0.5, input_shape=(4, 4, 3))], (None, 4, 4, 3)),
    ([core.SpatialDropout1D(p=0.5, input_shape=(4, 3))], (None, 4, 3)),
    ([BatchNormalization(momentum=0.9, gamma_init='one', input_shape=(4, 4, 2))],
     (None, 4, 4, 2)),
])
def test_output_shapes(layers, shape):
    model = Sequential(layers)
    assert model.output_shape == shape
    x = np.random.rand(2, *model.input_shape[1:])
    if isinstance(layers[0], Embedding):
        x = np.random.randint(0, 10, size=(2, 6))
    assert model.predict(x).shape == (2,) + shape[1:]


def test_keras1_arguments_reach_the_config():
    conv = Convolution2D(8, 3, 3, border_mode='same', subsample=(2, 2), init='he_normal',
                         activation='relu', bias=False, input_shape=(8, 8, 1))
    Sequential([conv])
    config = conv.get_config()
    assert config['filters'] == 8 and list(config['kernel_size']) == [3, 3]
    assert config['padding'] == 'same' and list(config['strides']) == [2, 2]
    assert config['use_bias'] is False and config['activation'] == 'relu'
    he_normal = config['kernel_initializer']  # Keras: VarianceScaling(2.0, 'fan_in', 'normal')
    assert he_normal['class_name'] == 'VarianceScaling' and he_normal['config']['scale'] == 2.0
    lstm = LSTM(output_dim=7, inner_init='orthogonal', return_sequences=True)
    assert lstm.units == 7 and lstm.return_sequences


@pytest.mark.parametrize('make', [
    lambda: Conv2D(4, 3, actvation='relu'),
    lambda: MaxPooling2D(actvation='relu'),
    lambda: GlobalMaxPooling2D(actvation='relu'),
    lambda: ZeroPadding2D(actvation='relu'),
    lambda: Embedding(3, 4, actvation='relu'),
    lambda: LSTM(3, actvation='relu'),
    lambda: BatchNormalization(actvation='relu'),
])
def test_unknown_keyword_is_keras_type_error(make):
    with pytest.raises(TypeError) as error:
        make()
    assert error.value.args == ('Keyword argument not understood:', 'actvation')


def test_small_cnn_learns():
    x = np.random.rand(64, 8, 8, 1).astype('float32')
    y = (x[:, :4].mean(axis=(1, 2, 3)) > x[:, 4:].mean(axis=(1, 2, 3))).astype('float32')
    model = Sequential([
        Convolution2D(4, 3, 3, border_mode='same', activation='relu', input_shape=(8, 8, 1)),
        BatchNormalization(),
        MaxPooling2D(pool_size=(2, 2)),
        Conv2D(4, (3, 3), activation='relu'),
        Flatten(),
        Dense(1, activation='sigmoid'),
    ])
    model.compile(loss='binary_crossentropy', optimizer=keras.optimizers.Adam(lr=0.01))
    history = model.fit(x, y, epochs=30, batch_size=16, verbose=0)
    losses = history.history['loss']
    assert losses[-1] < 0.7 * losses[0]


def test_embedding_lstm_learns():
    x = np.random.randint(1, 10, size=(64, 6))
    y = (x[:, 0] > 5).astype('float32')
    model = Sequential([
        Embedding(10, 8, input_length=6, mask_zero=True),
        LSTM(8),
        Dense(1, activation='sigmoid'),
    ])
    model.compile(loss='binary_crossentropy', optimizer=keras.optimizers.Adam(lr=0.01))
    history = model.fit(x, y, epochs=30, batch_size=16, verbose=0)
    losses = history.history['loss']
    assert losses[-1] < 0.7 * losses[0]


def test_keras1_deconvolution2d():
    from keras_cpp.layers import Conv2DTranspose, Deconvolution2D
    old = Sequential([Deconvolution2D(3, 3, 3, output_shape=(None, 8, 8, 3), border_mode='valid',
                                      subsample=(1, 1), input_shape=(6, 6, 2))])
    new = Sequential([Conv2DTranspose(3, (3, 3), input_shape=(6, 6, 2))])
    assert old.output_shape == new.output_shape == (None, 8, 8, 3)
    assert Sequential([Deconvolution2D(3, 3, 3, (None, 8, 8, 3),
                                       input_shape=(6, 6, 2))]).output_shape == (None, 8, 8, 3)
    new.set_weights(old.get_weights())
    x = np.random.rand(2, 6, 6, 2)
    np.testing.assert_allclose(old.predict(x), new.predict(x), rtol=1e-6)
