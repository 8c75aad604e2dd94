"""numpy in and out: dtypes, zero-copy, weights, evaluate/predict, train_on_batch."""
import numpy as np
import pytest

import keras_cpp as keras
from keras_cpp import backend as K
from keras_cpp.layers import Activation, Dense
from keras_cpp.models import Sequential


def regression_model(loss='mse', metrics=None, optimizer='sgd'):
    model = Sequential()
    model.add(Dense(1, input_dim=3))
    model.compile(optimizer=optimizer, loss=loss, metrics=metrics)
    return model


def test_predict_matches_numpy_forward_pass():
    model = Sequential([Dense(4, input_dim=3, activation='tanh'), Dense(2)])
    kernel1, bias1, kernel2, bias2 = model.get_weights()
    assert kernel1.shape == (3, 4) and bias2.shape == (2,)
    x = np.random.randn(7, 3)
    expected = np.tanh(x @ kernel1 + bias1) @ kernel2 + bias2
    for dtype in ('float32', 'float64'):
        out = model.predict(x.astype(dtype))
        assert out.dtype == np.float32 and out.shape == (7, 2)
        np.testing.assert_allclose(out, expected, rtol=1e-5, atol=1e-5)


def test_set_weights_round_trip():
    model = Sequential([Dense(2, input_dim=3)])
    weights = [np.arange(6, dtype='float32').reshape(3, 2), np.array([1., -1.], 'float32')]
    model.set_weights(weights)
    for got, want in zip(model.get_weights(), weights):
        np.testing.assert_array_equal(got, want)
    np.testing.assert_allclose(model.predict(np.ones((1, 3))), [[7., 8.]])
    np.testing.assert_array_equal(model.layers[0].get_weights()[0], weights[0])


def test_fit_learns_a_linear_function():
    x = np.random.randn(256, 3)
    y = x @ np.array([[1.], [-2.], [0.5]]) + 0.3
    model = regression_model(optimizer=keras.optimizers.SGD(lr=0.1), metrics=['mean_absolute_error'])
    history = model.fit(x, y, epochs=20, batch_size=32, verbose=0)
    assert history.history['loss'][-1] < 1e-3
    assert sorted(history.history) == ['loss', 'mean_absolute_error']
    loss, mae = model.evaluate(x, y, verbose=0)
    assert loss < 1e-3 and mae < 0.05
    assert model.metrics_names == ['loss', 'mean_absolute_error']
    kernel, bias = model.get_weights()
    np.testing.assert_allclose(kernel.ravel(), [1., -2., 0.5], atol=0.02)


def test_integer_labels_and_sparse_loss():
    model = Sequential([Dense(3, input_dim=2, activation='softmax')])
    model.compile('adam', 'sparse_categorical_crossentropy', metrics=['accuracy'])
    x = np.random.randn(60, 2)
    y = (x[:, 0] > 0).astype('int64') + (x[:, 1] > 0)
    history = model.fit(x, y, epochs=2, batch_size=10, verbose=0)
    assert len(history.history['acc']) == 2
    assert isinstance(model.evaluate(x, y, verbose=0), list)


def test_validation_split_and_data():
    x = np.random.randn(100, 3)
    y = np.random.randn(100, 1)
    model = regression_model()
    history = model.fit(x, y, epochs=2, validation_split=0.2, verbose=0)
    assert sorted(history.history) == ['loss', 'val_loss']
    history = model.fit(x, y, epochs=1, validation_data=(x[:10], y[:10]), shuffle=False,
                        verbose=0)
    assert len(history.history['val_loss']) == 1
    assert history.model is model


def test_scalar_results_without_metrics():
    model = regression_model()
    x, y = np.random.randn(8, 3), np.random.randn(8, 1)
    assert isinstance(model.evaluate(x, y, verbose=0), float)
    assert isinstance(model.train_on_batch(x, y), float)
    assert isinstance(model.test_on_batch(x, y), float)
    assert model.predict_on_batch(x).shape == (8, 1)


def test_inputs_are_not_copied_and_outputs_own_their_memory():
    x = np.random.randn(5, 3).astype('float32')
    before = x.copy()
    model = regression_model()
    out = model.predict(x)
    np.testing.assert_array_equal(x, before)
    del model
    assert out.sum() == out.sum()  # the array outlives the model


def test_non_numeric_input_is_a_type_error():
    model = regression_model()
    with pytest.raises(TypeError, match='Expected an array of numbers'):
        model.predict(np.array([['a', 'b', 'c']]))


def test_backend_ops_and_function():
    x = K.placeholder(shape=(None, 3))
    w = K.variable(np.ones((3, 2)))
    y = K.sum(K.dot(x, w) * 2 + 1, axis=1)
    assert K.int_shape(y) == (None,)
    f = K.function([x], [y])
    np.testing.assert_allclose(f([np.ones((4, 3))])[0], [14.] * 4)
    loss = K.mean(K.square(K.dot(x, w)))
    grad, = K.gradients(loss, [w])
    g = K.function([x], [grad])([np.ones((1, 3))])[0]
    np.testing.assert_allclose(g, np.full((3, 2), 3.0))
    K.set_value(w, np.zeros((3, 2)))
    np.testing.assert_array_equal(K.get_value(w), np.zeros((3, 2)))
    assert K.floatx() == 'float32' and K.epsilon() == pytest.approx(1e-7)
    np.testing.assert_allclose(K.eval(-K.variable(np.array([1., 2.])) ** 2), [-1., -4.])
    a = np.array([[3., 4.], [0., 2.]])
    v = K.variable(a)
    np.testing.assert_allclose(K.eval(K.l2_normalize(v, axis=1)), [[.6, .8], [0., 1.]], rtol=1e-6)
    np.testing.assert_allclose(K.eval(K.l2_normalize(v)), a / np.sqrt(29.), rtol=1e-6)


def test_custom_loss_metric_and_activation():
    def my_loss(y_true, y_pred):
        return K.mean(K.square(y_pred - y_true), axis=-1)

    def my_metric(y_true, y_pred):
        return K.mean(K.abs(y_pred - y_true), axis=-1)

    model = Sequential([Dense(4, input_dim=3, activation=lambda t: K.relu(t)), Dense(1),
                        Activation(keras.activations.linear)])
    model.compile('sgd', loss=my_loss, metrics=[my_metric])
    history = model.fit(np.random.randn(16, 3), np.random.randn(16, 1), epochs=1, verbose=0)
    assert sorted(history.history) == ['loss', 'my_metric']


def test_pad_sequences():
    from keras_cpp.preprocessing.sequence import pad_sequences
    sequences = [[1, 2, 3], [4], [], [5, 6, 7, 8, 9]]
    np.testing.assert_array_equal(pad_sequences(sequences, maxlen=4),
                                  [[0, 1, 2, 3], [0, 0, 0, 4], [0, 0, 0, 0], [6, 7, 8, 9]])
    np.testing.assert_array_equal(
        pad_sequences(sequences, maxlen=3, padding='post', truncating='post', value=-1),
        [[1, 2, 3], [4, -1, -1], [-1, -1, -1], [5, 6, 7]])
    assert pad_sequences(sequences).shape == (4, 5)
    assert pad_sequences([[[1., 2.]], [[3., 4.], [5., 6.]]], dtype='float32').shape == (2, 2, 2)
    with pytest.raises(ValueError, match='Padding type "middle" not understood'):
        pad_sequences(sequences, padding='middle')


def test_float64_models_and_any_numeric_input_layout():
    K.set_floatx('float64')
    try:
        model = Sequential([Dense(2, input_dim=3)])
        model.compile('sgd', 'mse')
        assert model.get_weights()[0].dtype == np.float64
        history = model.fit(np.ones((4, 3), 'float32'), np.ones((4, 2)), verbose=0)
        assert np.isfinite(history.history['loss']).all()
        expected = model.predict(np.ones((2, 3)))
        assert expected.dtype == np.float64
        for x in (np.ones((2, 3), dtype=np.int64), np.asfortranarray(np.ones((2, 3))),
                  np.ones((4, 3))[::2], [[1, 1, 1], [1, 1, 1]]):
            np.testing.assert_array_equal(model.predict(x), expected)
    finally:
        K.set_floatx('float32')
    assert Sequential([Dense(2, input_dim=3)]).get_weights()[0].dtype == np.float32


def test_one_dimensional_inputs_and_single_array_lists():
    # Keras: a 1-D input array is a column; a list holding the one input array is that array
    x = np.linspace(-1, 1, 32)
    model = Sequential([Dense(1, input_dim=1)])
    model.compile(keras.optimizers.SGD(lr=0.5), 'mse')
    history = model.fit(x, 3 * x, epochs=30, batch_size=8, verbose=0,
                        validation_data=(x, 3 * x))
    assert history.history['val_loss'][-1] < 1e-3
    np.testing.assert_allclose(model.predict(x)[:, 0], 3 * x, atol=0.05)
    np.testing.assert_allclose(model.predict([x[:, None]]), model.predict(x))
    assert model.evaluate([x], [3 * x], verbose=0) < 1e-3
    assert model.train_on_batch(x, 3 * x) < 1e-3 and model.test_on_batch([x], 3 * x) < 1e-3
