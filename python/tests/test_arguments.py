"""Arguments as Keras treats them: wrong types are TypeErrors naming the argument, negative sizes
ValueErrors naming argument and value, epochs <= initial_epoch trains nothing; NaN/Inf checks."""
import os

import numpy as np
import pytest

from keras_cpp.callbacks import Callback, TerminateOnNaN
from keras_cpp.layers import Conv2D, Dense, Input, Lambda, LSTM
from keras_cpp.models import Model, Sequential
from keras_cpp import backend as K


def _model():
    model = Sequential([Dense(4, activation='relu', input_dim=3), Dense(2)])
    model.compile('sgd', 'mse')
    return model


def _data(n=16):
    return np.random.randn(n, 3).astype('float32'), np.random.randn(n, 2).astype('float32')


def test_a_layer_size_of_the_wrong_type_is_a_type_error_naming_it():
    with pytest.raises(TypeError, match=r'`units` must be an integer, got 2\.7 \(float\)'):
        Dense(2.7)
    with pytest.raises(TypeError, match='`units` must be an integer'):
        LSTM('8')
    with pytest.raises(TypeError, match='`filters` must be an integer'):
        Conv2D(4.5, 3)
    with pytest.raises(TypeError, match='`kernel_size` must be an integer'):
        Conv2D(4, (3, 2.5))
    with pytest.raises(TypeError, match='`input_dim` must be an integer'):
        Dense(2, input_dim=1.5)
    with pytest.raises(TypeError, match='`trainable` must be a boolean'):
        Dense(2, trainable='yes')
    # numpy integers are integers
    assert Dense(np.int64(3)).units == 3


def test_negative_sizes_name_the_argument_and_value():
    with pytest.raises(ValueError, match='got -3'):
        Dense(-3, input_dim=2)
    with pytest.raises(ValueError, match='got -3'):
        Dense(output_dim=-3, input_dim=2)
    with pytest.raises(ValueError, match=r'`shape` must hold non-negative integers or None'):
        Input(shape=(-1,))
    with pytest.raises(ValueError, match=r'`input_shape` must hold non-negative'):
        Dense(2, input_shape=(4, -2))
    assert K.int_shape(Input(shape=(None, 3))) == (None, None, 3)


def test_fit_arguments_of_the_wrong_type_or_range():
    model = _model()
    x, y = _data()
    with pytest.raises(TypeError, match='`batch_size` must be an integer, got 2.5'):
        model.fit(x, y, batch_size=2.5, verbose=0)
    with pytest.raises(TypeError, match='`epochs` must be an integer'):
        model.fit(x, y, epochs='3', verbose=0)
    with pytest.raises(ValueError, match='fit: epochs must be a non-negative integer, got -1'):
        model.fit(x, y, epochs=-1, verbose=0)
    with pytest.raises(ValueError, match='batch_size must be positive, got 0'):
        model.fit(x, y, batch_size=0, verbose=0)
    with pytest.raises(ValueError, match=r'validation_split must be in \[0, 1\)'):
        model.fit(x, y, validation_split=1.5, verbose=0)
    with pytest.raises(ValueError, match='predict: batch_size must be positive, got -1'):
        model.predict(x, batch_size=-1)
    with pytest.raises(TypeError, match='`batch_size` must be an integer'):
        model.evaluate(x, y, batch_size='all', verbose=0)


def test_epochs_not_after_initial_epoch_train_nothing():
    model = _model()
    x, y = _data()
    before = [w.copy() for w in model.get_weights()]
    for kwargs in ({'epochs': 0}, {'epochs': 3, 'initial_epoch': 3}, {'nb_epoch': 0}):
        history = model.fit(x, y, verbose=0, **kwargs)
        assert history.history == {} and history.epoch == []
    for a, b in zip(before, model.get_weights()):
        np.testing.assert_array_equal(a, b)
    assert model.fit(x, y, epochs=3, initial_epoch=1, verbose=0).epoch == [1, 2]


def test_no_samples_is_a_value_error():
    model = _model()
    x, y = np.zeros((0, 3), 'float32'), np.zeros((0, 2), 'float32')
    for call in (lambda: model.fit(x, y, verbose=0), lambda: model.evaluate(x, y, verbose=0),
                 lambda: model.predict(x)):
        with pytest.raises(ValueError, match='0 samples'):
            call()
    inp = Input(shape=(3,))
    functional = Model(inp, Dense(2)(inp))
    functional.compile('sgd', 'mse')
    with pytest.raises(ValueError, match='0 samples'):
        functional.fit(x, y, verbose=0)


def test_terminate_on_nan_stops_at_the_first_invalid_batch_loss(capfd):
    model = _model()
    x, y = _data(32)
    y[20] = np.nan  # batch 2 of 8
    seen = []

    class Count(Callback):
        def on_batch_end(self, batch, logs=None):
            seen.append(batch)

    history = model.fit(x, y, batch_size=8, epochs=4, shuffle=False, verbose=0,
                        callbacks=[TerminateOnNaN(), Count()])
    assert capfd.readouterr().out == 'Batch 2: Invalid loss, terminating training\n'
    assert seen == [0, 1, 2]
    assert history.epoch == [0]


def test_check_numerics_names_the_first_op_producing_nan():
    x = np.zeros((2, 2), 'float32')

    def build():
        model = Sequential([Dense(3, activation='relu', input_dim=2),
                            Lambda(lambda t: K.log(t - 1.0))])
        return model

    os.environ['KERAS_CHECK_NUMERICS'] = '1'
    try:
        model = build()
        with pytest.raises(RuntimeError, match=r'KERAS_CHECK_NUMERICS: op .*Log.* produced NaN .*'
                                               r'shape \(2, 3\)'):
            model.predict(x)
    finally:
        del os.environ['KERAS_CHECK_NUMERICS']
    assert np.isnan(build().predict(x)).all()  # off by default: NaN without a word
