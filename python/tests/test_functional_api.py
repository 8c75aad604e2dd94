"""The functional API from Python: Input, Model(inputs, outputs) (Keras 1's input=/output=),
layers called on lists of tensors, merge layers and merge(mode=...), fit/evaluate/predict with
lists and dicts of numpy arrays, compile with loss / loss_weights dicts."""
import numpy as np
import pytest

import keras_cpp as keras
from keras_cpp.engine import Input as EngineInput
from keras_cpp.layers import (Add, Concatenate, Dense, Embedding, Input, LSTM, concatenate, merge,
                              multiply)
from keras_cpp.models import Model, Sequential


def test_single_input_model_learns():
    inputs = Input(shape=(4,))
    x = Dense(16, activation='relu')(inputs)
    predictions = Dense(1)(x)
    model = Model(inputs=inputs, outputs=predictions)
    model.compile(optimizer='adam', loss='mse')
    x = np.random.rand(64, 4)
    y = x.sum(axis=1, keepdims=True)
    history = model.fit(x, y, epochs=30, batch_size=16, verbose=0)
    assert history.history['loss'][-1] < 0.5 * history.history['loss'][0]
    assert model.predict(x).shape == (64, 1)
    assert np.isscalar(model.evaluate(x, y, verbose=0))
    assert isinstance(model, keras.engine.Model) and isinstance(Sequential(), Model)
    assert EngineInput is Input and len(model.layers) == 3


def test_keras1_input_output_and_merge_modes():
    a = Input(shape=(3,))
    b = Input(shape=(3,))
    for mode, width in [('sum', 3), ('mul', 3), ('concat', 6), ('ave', 3), ('max', 3)]:
        model = Model(input=[a, b], output=merge([a, b], mode=mode))
        assert model.output_shape == (None, width)
    x1, x2 = np.random.rand(2, 3), np.random.rand(2, 3)
    model = Model(input=[a, b], output=merge([a, b], mode='concat', concat_axis=-1))
    np.testing.assert_allclose(model.predict([x1, x2]), np.concatenate([x1, x2], 1), rtol=1e-6)
    model = Model([a, b], Add()([a, b]))
    np.testing.assert_allclose(model.predict([x1, x2]), x1 + x2, rtol=1e-6)
    model = Model([a, b], multiply([a, b]))
    np.testing.assert_allclose(model.predict({'input_1': x1, 'input_2': x2}), x1 * x2,
                               rtol=1e-6)
    assert Model([a, b], Concatenate(axis=1)([a, b])).output_shape == (None, 6)


def test_seed_multi_input_multi_output_example():
    # The seed's example (Keras's functional guide), with data supplied.
    main_input = Input(shape=(20,), dtype='int32', name='main_input')
    x = Embedding(output_dim=16, input_dim=100, input_length=20)(main_input)
    lstm_out = LSTM(8)(x)
    auxiliary_output = Dense(1, activation='sigmoid', name='aux_output')(lstm_out)
    auxiliary_input = Input(shape=(5,), name='aux_input')
    x = concatenate([lstm_out, auxiliary_input])
    x = Dense(16, activation='relu')(x)
    main_output = Dense(1, activation='sigmoid', name='main_output')(x)
    model = Model(inputs=[main_input, auxiliary_input], outputs=[main_output, auxiliary_output])
    assert model.input_names == ['main_input', 'aux_input']
    assert model.output_names == ['main_output', 'aux_output']

    headline = np.random.randint(1, 100, size=(64, 20))
    additional = np.random.rand(64, 5)
    labels = (headline[:, 0] > 50).astype('float32')

    model.compile(optimizer='rmsprop', loss='binary_crossentropy', loss_weights=[1., 0.2])
    history = model.fit([headline, additional], [labels, labels], epochs=2, batch_size=32,
                        verbose=0)
    assert len(history.history['loss']) == 2

    model.compile(optimizer='rmsprop',
                  loss={'main_output': 'binary_crossentropy', 'aux_output': 'binary_crossentropy'},
                  loss_weights={'main_output': 1., 'aux_output': 0.2})
    history = model.fit({'main_input': headline, 'aux_input': additional},
                        {'main_output': labels, 'aux_output': labels},
                        epochs=10, batch_size=32, verbose=0)
    losses = history.history['loss']
    assert losses[-1] < losses[0]
    assert 'main_output_loss' in history.history and 'aux_output_loss' in history.history
    main, aux = model.predict([headline, additional])
    assert main.shape == (64, 1) and aux.shape == (64, 1)
    results = model.evaluate([headline, additional], [labels, labels], verbose=0)
    assert len(results) == 3


def test_unknown_input_name_is_value_error():
    a = Input(shape=(2,), name='a')
    model = Model(a, Dense(1)(a))
    model.compile('sgd', 'mse')
    with pytest.raises(ValueError, match='nope'):
        model.fit({'nope': np.zeros((2, 2))}, np.zeros((2, 1)), verbose=0)


def test_ctrl_c_during_functional_fit_raises_keyboard_interrupt():
    import os
    import signal
    import threading

    class SendCtrlC(keras.callbacks.Callback):
        def on_train_begin(self, logs=None):
            threading.Timer(0.05, os.kill, (os.getpid(), signal.SIGINT)).start()

    a, b = Input(shape=(3,)), Input(shape=(2,))
    model = Model([a, b], Dense(1)(concatenate([a, b])))
    model.compile('sgd', 'mse')
    x = [np.random.rand(64, 3), np.random.rand(64, 2)]
    with pytest.raises(KeyboardInterrupt):
        model.fit(x, np.random.rand(64, 1), epochs=10 ** 6, batch_size=8, verbose=0,
                  callbacks=[SendCtrlC()])
    model.fit(x, np.random.rand(64, 1), epochs=1, verbose=0)


def test_summary_goes_through_print_fn():
    a = Input(shape=(3,), name='a')
    model = Model(a, Dense(2, name='d')(a))
    lines = []
    model.summary(print_fn=lines.append)
    text = '\n'.join(lines)
    assert 'd (Dense)' in text and 'Total params: 8' in text


def test_wrappers():
    from keras_cpp.layers import Bidirectional, TimeDistributed, wrappers
    assert wrappers.Bidirectional is Bidirectional
    model = Sequential([TimeDistributed(Dense(4), input_shape=(5, 3)),
                        Bidirectional(LSTM(6, return_sequences=True), merge_mode='sum'),
                        Bidirectional(LSTM(2))])
    assert model.output_shape == (None, 4)
    model.compile('adam', 'mse')
    history = model.fit(np.random.rand(16, 5, 3), np.random.rand(16, 4), epochs=2, verbose=0)
    assert len(history.history['loss']) == 2


def test_sample_and_class_weights():
    a = Input(shape=(3,), name='a')
    model = Model(a, [Dense(2, activation='softmax', name='c')(a), Dense(1, name='r')(a)])
    model.compile('sgd', loss=['categorical_crossentropy', 'mse'])
    x = np.random.rand(16, 3)
    y = [np.eye(2)[np.random.randint(2, size=16)], np.random.rand(16, 1)]
    two = np.full(16, 2.)
    # Keras weighs each sample's loss and divides by the fraction of non-zero weights.
    plain = model.evaluate(x, y, verbose=0)
    weighted = model.evaluate(x, y, sample_weight={'c': two, 'r': two}, verbose=0)
    np.testing.assert_allclose(weighted, [2 * v for v in plain], rtol=1e-5)
    weighted = model.evaluate(x, y, sample_weight=[two, np.ones(16)], verbose=0)
    np.testing.assert_allclose(weighted[1:], [2 * plain[1], plain[2]], rtol=1e-5)
    model.fit(x, y, sample_weight=[two, two], class_weight={0: 1., 1: 2.},
              validation_data=(x, y, [two, two]), epochs=1, verbose=0)
    zero = two * 0
    with pytest.raises(ValueError, match='nope'):
        model.fit(x, y, sample_weight={'nope': zero}, verbose=0)


def test_on_batch_methods():
    a, b = Input(shape=(3,), name='a'), Input(shape=(2,), name='b')
    x = concatenate([a, b])
    model = Model([a, b], [Dense(1, name='o1')(x), Dense(2, name='o2')(x)])
    model.compile('sgd', 'mse')
    xs = {'a': np.random.rand(4, 3), 'b': np.random.rand(4, 2)}
    ys = [np.random.rand(4, 1), np.random.rand(4, 2)]
    before = model.test_on_batch(xs, ys)
    assert len(before) == 3
    for _ in range(20):
        model.train_on_batch(xs, ys)
    assert model.test_on_batch(xs, ys)[0] < before[0]
    o1, o2 = model.predict_on_batch(xs)
    assert o1.shape == (4, 1) and o2.shape == (4, 2)


def test_shared_layer_nodes():
    a, b = Input(shape=(3,)), Input(shape=(5, 3))
    shared = Dense(2)
    out_a, out_b = shared(a), shared(b)
    assert shared.get_input_at(0) is not None
    assert shared.get_input_shape_at(0) == (None, 3)
    assert shared.get_input_shape_at(1) == (None, 5, 3)
    assert shared.get_output_shape_at(1) == (None, 5, 2)
    assert shared.get_output_at(0).shape == out_a.shape
