"""Core layers, sample/class weights, fit_generator and built-in callbacks from Python."""
import numpy as np
import pytest

import keras_cpp as keras
from keras_cpp import backend as K
from keras_cpp.layers import Dense
from keras_cpp.models import Sequential


def classifier():
    model = Sequential([Dense(2, input_dim=3, activation='softmax')])
    model.compile('adam', 'categorical_crossentropy', metrics=['accuracy'])
    return model


def data(n=40):
    x = np.random.randn(n, 3)
    return x, keras.utils.to_categorical((x[:, 0] > 0).astype(int), 2)


def test_lambda_flatten_reshape_leaky_relu():
    from keras_cpp.layers import Flatten, Lambda, LeakyReLU, Reshape
    model = Sequential()
    model.add(Reshape((2, 3), input_shape=(6,)))
    model.add(Lambda(lambda x: x ** 2))
    model.add(Flatten())
    model.add(LeakyReLU(alpha=0.1))
    x = np.random.randn(4, 6).astype('float32')
    np.testing.assert_allclose(model.predict(x), x ** 2, rtol=1e-6)
    assert model.output_shape == (None, 6)
    import keras_cpp.layers.advanced_activations as advanced
    assert advanced.LeakyReLU is LeakyReLU


def test_sample_and_class_weights():
    model = classifier()
    x, y = data()
    history = model.fit(x, y, epochs=1, verbose=0, class_weight={0: 1., 1: 2.},
                        sample_weight=np.ones(len(x)))
    assert len(history.history['loss']) == 1
    weighted = model.evaluate(x, y, sample_weight=np.ones(len(x)), verbose=0)
    np.testing.assert_allclose(weighted, model.evaluate(x, y, verbose=0), rtol=1e-5)


def test_fit_generator_from_a_python_generator():
    x, y = data()

    def batches():
        while True:
            for start in range(0, len(x), 10):
                yield x[start:start + 10], y[start:start + 10]

    model = classifier()
    history = model.fit_generator(batches(), steps_per_epoch=4, epochs=2, verbose=0,
                                  validation_data=(x, y))
    assert sorted(history.history) == ['acc', 'loss', 'val_acc', 'val_loss']
    assert len(model.evaluate_generator(batches(), steps=2)) == 2
    assert model.predict_generator((x[i:i + 10] for i in range(0, 40, 10)), steps=4).shape == (40, 2)


def test_early_stopping():
    model = Sequential([Dense(1, input_dim=3)])
    model.compile(keras.optimizers.SGD(lr=0.0), 'mse')
    stop = keras.callbacks.EarlyStopping(monitor='loss', patience=1)
    history = model.fit(np.random.randn(20, 3), np.random.randn(20, 1), epochs=10,
                        callbacks=[stop], verbose=0)
    assert len(history.epoch) < 10


def test_learning_rate_scheduler_calls_python():
    model = classifier()
    schedule = keras.callbacks.LearningRateScheduler(lambda epoch: 0.1 / (epoch + 1))
    model.fit(*data(), epochs=2, callbacks=[schedule], verbose=0)
    assert K.get_value(model.optimizer.lr) == pytest.approx(0.05)


def test_generator_errors_arrive_as_themselves():
    def batches():
        x, y = data(8)
        yield x, y
        raise ZeroDivisionError('no more batches')

    model = classifier()
    with pytest.raises(ZeroDivisionError, match='no more batches'):
        model.fit_generator(batches(), steps_per_epoch=3, epochs=1, verbose=0)

    def inputs_only():
        while True:
            yield data(4)[0]

    with pytest.raises(ValueError, match='Output of generator should be a tuple'):
        model.fit_generator(inputs_only(), steps_per_epoch=2, epochs=1, verbose=0)
    model.fit(*data(), epochs=1, verbose=0)  # still usable


def test_lambda_arguments_and_output_shape():
    from keras_cpp.layers import Lambda

    def scale(x, factor):
        return x * factor

    def halves(x):
        return x[:, 0:2]

    model = Sequential([Dense(4, input_dim=3), Lambda(scale, arguments={'factor': 3.0}),
                        Lambda(halves, output_shape=lambda shape: (shape[0], 2))])
    assert model.output_shape == (None, 2)
    x = np.random.randn(5, 3)
    kernel, bias = model.layers[0].get_weights()
    np.testing.assert_allclose(model.predict(x), 3 * (x @ kernel + bias)[:, :2], rtol=1e-5,
                               atol=1e-6)
    # Keras 2.2.4 writes a Python function as its code (func_dump)
    assert model.layers[1].get_config()['function_type'] == 'lambda'


def test_masking():
    from keras_cpp.layers import Masking
    x = np.array([[[1., 2.], [-1., -1.], [3., -1.]]])
    model = Sequential([Masking(mask_value=-1., input_shape=(3, 2))])
    np.testing.assert_array_equal(model.predict(x), [[[1., 2.], [0., 0.], [3., -1.]]])
    assert model.layers[0].mask_value == -1.
    # losses ignore masked timesteps (LeakyReLU passes the mask on)
    from keras_cpp.layers import LeakyReLU
    model = Sequential([Masking(mask_value=-1., input_shape=(3, 2)), LeakyReLU(alpha=0.3)])
    model.compile('sgd', 'mse')
    out = np.array([[1., 2.], [3., -0.3]])  # timesteps 0 and 2
    np.testing.assert_allclose(model.evaluate(x, np.zeros((1, 3, 2)), verbose=0),
                               np.mean(np.mean(out ** 2, axis=-1)), rtol=1e-5)
