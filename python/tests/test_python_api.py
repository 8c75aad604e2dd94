"""What the Python binding itself promises: Keras's TypeError for unknown keywords, Python
functions traced once into graph ops, the GIL released while the engine computes, Ctrl-C."""
import os
import signal
import threading

import numpy as np
import pytest

import keras_cpp as keras
from keras_cpp import backend as K
from keras_cpp.callbacks import Callback
from keras_cpp.layers import Activation, Dense, Dropout, Flatten, Highway, Lambda, MaxoutDense
from keras_cpp.models import Sequential


@pytest.mark.parametrize('make', [
    lambda: Dense(10, actvation='relu'),
    lambda: Activation('relu', actvation='relu'),
    lambda: Dropout(0.5, actvation='relu'),
    lambda: Flatten(actvation='relu'),
    lambda: Lambda(lambda x: x, actvation='relu'),
    lambda: Highway(actvation='relu'),
])
def test_unknown_layer_keyword_is_keras_type_error(make):
    with pytest.raises(TypeError) as error:
        make()
    assert error.value.args == ('Keyword argument not understood:', 'actvation')


def test_common_layer_keywords():
    layer = Flatten(name='flat', trainable=False, input_shape=(2, 3))
    assert layer.name == 'flat' and not layer.trainable
    assert Dense(4, input_dim=3, trainable=False, name='d').trainable is False
    model = Sequential([Activation('tanh', input_dim=5)])
    assert model.input_shape == (None, 5)


def test_unknown_fit_keyword_names_it():
    model = Sequential([Dense(1, input_dim=2)])
    model.compile('sgd', 'mse')
    with pytest.raises(TypeError, match='nb_epochs'):
        model.fit(np.zeros((4, 2)), np.zeros((4, 1)), nb_epochs=3)


def test_python_functions_are_traced_once():
    calls = {'lambda': 0, 'activation': 0, 'loss': 0, 'metric': 0}

    def square(x):
        calls['lambda'] += 1
        return x ** 2

    def my_tanh(x):
        calls['activation'] += 1
        return K.tanh(x)

    def my_loss(y_true, y_pred):
        calls['loss'] += 1
        return K.mean(K.square(y_pred - y_true), axis=-1)

    def my_metric(y_true, y_pred):
        calls['metric'] += 1
        return K.mean(K.abs(y_pred - y_true), axis=-1)

    model = Sequential([Dense(4, input_dim=3, activation=my_tanh), Lambda(square), Dense(1)])
    model.compile('sgd', loss=my_loss, metrics=[my_metric])
    traced = dict(calls)
    x, y = np.random.randn(64, 3), np.random.randn(64, 1)
    history = model.fit(x, y, epochs=3, batch_size=8, verbose=0)  # 24 batches
    model.evaluate(x, y, batch_size=8, verbose=0)
    model.predict(x, batch_size=8)
    assert calls == traced  # no Python calls per batch
    assert all(count >= 1 for count in traced.values()), traced
    assert all(count <= 2 for count in traced.values()), traced
    assert sorted(history.history) == ['loss', 'my_metric']
    # the traced loss is what Keras computes
    loss, metric = model.evaluate(x, y, verbose=0)
    prediction = model.predict(x)
    np.testing.assert_allclose(loss, np.mean((prediction - y) ** 2), rtol=1e-4)
    np.testing.assert_allclose(metric, np.mean(np.abs(prediction - y)), rtol=1e-4)


def test_gil_is_released_while_training():
    probe = keras._keras_cpp._testing.GilProbe()
    model = Sequential([Dense(8, input_dim=4, activation='relu'), Dense(1)])
    model.compile('adam', 'mse')
    model.fit(np.random.randn(64, 4), np.random.randn(64, 1), epochs=2, batch_size=16,
              callbacks=[probe], verbose=0)
    assert probe.batches == 8
    assert probe.batches_holding_gil == 0


def test_other_python_threads_run_during_fit():
    model = Sequential([Dense(64, input_dim=32, activation='relu'), Dense(1)])
    model.compile('sgd', 'mse')
    x, y = np.random.randn(512, 32), np.random.randn(512, 1)
    started, done = threading.Event(), threading.Event()
    ticks = []

    class Started(Callback):
        def on_train_begin(self, logs=None):
            started.set()

    def train():
        try:
            model.fit(x, y, epochs=200, batch_size=8, verbose=0, callbacks=[Started()])
        finally:
            started.set()
            done.set()

    worker = threading.Thread(target=train)
    worker.start()
    started.wait()
    # Python keeps running in this thread while the worker trains (if fit held the GIL, this
    # loop could only run after training ended).
    while not done.is_set() and len(ticks) < 3:
        ticks.append(sum(range(1000)))
        done.wait(0.001)
    stopped_early = not done.is_set()
    model.stop_training = True
    worker.join()
    assert stopped_early and len(ticks) == 3


def test_ctrl_c_during_fit_raises_keyboard_interrupt():
    class SendCtrlC(Callback):
        """Sends SIGINT from another thread once training has begun; its Python code runs only
        here, so the interrupt must be noticed by fit's own check between batches."""

        def on_train_begin(self, logs=None):
            threading.Timer(0.05, os.kill, (os.getpid(), signal.SIGINT)).start()

    model = Sequential([Dense(2, input_dim=3, activation='softmax')])
    model.compile('sgd', 'categorical_crossentropy')
    x = np.random.randn(200, 3)
    y = keras.utils.to_categorical(np.random.randint(2, size=200), 2)
    with pytest.raises(KeyboardInterrupt):
        model.fit(x, y, epochs=10 ** 6, batch_size=8, verbose=0,
                  callbacks=[SendCtrlC(), keras.callbacks.History()])
    assert np.isfinite(model.predict(x)).all()  # the model is still usable
    model.fit(x, y, epochs=1, verbose=0)


def test_regularizers_and_constraints():
    from keras_cpp import constraints, regularizers
    x, y = np.random.randn(32, 3), np.random.randn(32, 2)
    model = Sequential([Dense(2, input_dim=3, kernel_regularizer=regularizers.l2(0.5),
                              kernel_constraint=constraints.max_norm(0.1))])
    model.compile('sgd', 'mse')
    model.fit(x, y, epochs=2, verbose=0)
    kernel, bias = model.get_weights()
    assert np.sqrt((kernel ** 2).sum(axis=0)).max() <= 0.1 + 1e-5
    mse = np.mean((model.predict(x) - y) ** 2)
    np.testing.assert_allclose(model.evaluate(x, y, verbose=0), mse + 0.5 * (kernel ** 2).sum(),
                               rtol=1e-4)
    # Keras 1 names, names, and Python functions of the weight
    Sequential([Dense(2, input_dim=3, W_regularizer='l1', b_constraint='non_neg',
                      bias_regularizer=lambda w: K.sum(w) * 0.)])
    np.testing.assert_allclose(K.eval(regularizers.l1_l2(0.1, 0.2)(K.variable([[1., -2.]]))),
                               0.1 * 3 + 0.2 * 5, rtol=1e-6)
    np.testing.assert_allclose(K.eval(constraints.MaxNorm(1.)(K.variable([[3.], [4.]]))),
                               [[0.6], [0.8]], rtol=1e-5)
    with pytest.raises(ValueError, match='Unknown regularizer'):
        Dense(2, kernel_regularizer='l3')
    # A custom regularizer class by name, through a custom object scope (Keras's get(name)
    # instantiates it); outside the scope the name is unknown.

    class HalfSum(regularizers.Regularizer):
        def __call__(self, w):
            return 0.5 * K.sum(w)

    with keras.utils.custom_object_scope({'HalfSum': HalfSum}):
        assert isinstance(regularizers.get('HalfSum'), HalfSum)
        assert isinstance(regularizers.deserialize({'class_name': 'HalfSum', 'config': {}}),
                          HalfSum)
    with pytest.raises(ValueError, match='Unknown regularizer: HalfSum'):
        regularizers.get('HalfSum')
    assert regularizers.get('l2').get_config()['l2'] == pytest.approx(0.01)


def test_keras1_core_layers():
    from keras_cpp.layers import TimeDistributedDense
    model = Sequential([Highway(input_dim=4, activation='relu'), MaxoutDense(3, nb_feature=2)])
    assert model.output_shape == (None, 3)
    assert [w.shape for w in model.layers[1].get_weights()] == [(2, 4, 3), (2, 3)]
    model.compile('sgd', 'mse')
    model.fit(np.random.randn(8, 4), np.random.randn(8, 3), verbose=0)
    model = Sequential([TimeDistributedDense(5, input_dim=4, input_length=6)])
    assert model.output_shape == (None, 6, 5)
    kernel, bias = model.get_weights()
    x = np.random.randn(2, 6, 4)
    np.testing.assert_allclose(model.predict(x), x @ kernel + bias, rtol=1e-4, atol=1e-5)


def test_layer_written_in_python():
    from keras_cpp.engine.topology import Layer
    calls = []

    class Scale(Layer):
        """Keras 2's custom layer pattern: y = x W, W (input_dim, output_dim)."""

        def __init__(self, output_dim, **kwargs):
            self.output_dim = output_dim
            super(Scale, self).__init__(**kwargs)

        def build(self, input_shape):
            self.kernel = self.add_weight(name='kernel', shape=(input_shape[1], self.output_dim),
                                          initializer='uniform', trainable=True)
            self.bias = self.add_weight(name='bias', shape=(self.output_dim,),
                                        initializer=keras.initializers.Constant(0.5),
                                        regularizer=keras.regularizers.l2(0.1))
            super(Scale, self).build(input_shape)

        def call(self, x):
            calls.append(x)
            return K.dot(x, self.kernel) + self.bias

        def compute_output_shape(self, input_shape):
            return (input_shape[0], self.output_dim)

    layer = Scale(3, input_dim=4, name='scale')
    model = Sequential([layer, Dense(1)])
    assert layer.name == 'scale' and layer.class_name == 'Scale' and layer.built
    assert model.layers[0] is layer and layer.output_dim == 3
    assert model.output_shape == (None, 1) and layer.output_shape == (None, 3)
    kernel, bias = layer.get_weights()
    assert kernel.shape == (4, 3) and np.abs(kernel).max() <= 0.05
    np.testing.assert_array_equal(bias, [0.5, 0.5, 0.5])
    assert len(layer.losses) == 1
    x, y = np.random.randn(32, 4), np.random.randn(32, 1)
    np.testing.assert_allclose(model.layers[0].get_weights()[0], kernel)
    model.compile('sgd', 'mse')
    before = model.evaluate(x, y, verbose=0)
    model.fit(x, y, epochs=3, batch_size=8, verbose=0)
    assert len(calls) == 1  # traced once
    assert model.evaluate(x, y, verbose=0) < before
    assert not np.allclose(layer.get_weights()[0], kernel)  # its weights train
    with pytest.raises(TypeError) as error:
        Scale(3, input_dimm=4)
    assert error.value.args == ('Keyword argument not understood:', 'input_dimm')

    class NoCall(Layer):
        pass

    with pytest.raises(TypeError, match='must define call'):
        Sequential([NoCall(input_shape=(2,))])


def test_python_layers_and_masks():
    from keras_cpp.layers import LSTM, Embedding, Layer

    class Ident(Layer):
        """Passes the mask on (supports_masking) and receives it in call(x, mask=None)."""

        def __init__(self, **kwargs):
            super(Ident, self).__init__(**kwargs)
            self.supports_masking = True
            self.masks = []

        def call(self, x, mask=None):
            self.masks.append(mask)
            return x * 1.

    class DropMask(Layer):
        """compute_mask returning None ends the mask here."""

        def call(self, x):
            return x

        def compute_mask(self, inputs, mask=None):
            return None

    ident = Ident()
    ids = np.array([[1, 2, 0, 0, 0], [3, 0, 0, 0, 0]])
    masked = Sequential([Embedding(10, 4, input_length=5, mask_zero=True), ident, LSTM(3)])
    assert ident.supports_masking and ident.masks[0] is not None
    # The LSTM skips the padded steps: the last real step's output is the result.
    short = Sequential([Embedding(10, 4, input_length=1), LSTM(3)])
    short.set_weights(masked.get_weights())
    np.testing.assert_allclose(masked.predict(ids)[1], short.predict(ids[1:, :1])[0], rtol=1e-5)
    # Without the mask, the LSTM runs over the padding too.
    unmasked = Sequential([Embedding(10, 4, input_length=5, mask_zero=True), DropMask(), LSTM(3)])
    unmasked.set_weights(masked.get_weights())
    assert not np.allclose(unmasked.predict(ids)[1], masked.predict(ids)[1])

    class Plain(Layer):
        def call(self, x):
            return x

    with pytest.raises(ValueError, match='does not support masking'):
        Sequential([Embedding(10, 4, input_length=5, mask_zero=True), Plain(), LSTM(3)])
    with pytest.raises(AttributeError, match='fixed'):
        Dense(2).supports_masking = True
