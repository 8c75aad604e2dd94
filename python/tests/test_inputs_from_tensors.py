"""Keras's Input(tensor=...) on a tensor that is not a placeholder (a variable): the model reads
it and takes no array for it (Keras's _feed_inputs); clone_model onto such tensors wraps them in
Input layers named input_wrapper_for_<input layer>."""
import numpy as np
import pytest

import keras_cpp as keras
from keras_cpp import backend as K
from keras_cpp.layers import Dense, Input
from keras_cpp.models import Model, Sequential, clone_model


def test_a_model_on_a_variable_takes_no_input_array():
    values = np.random.rand(6, 3).astype('float32')
    source = K.variable(values)
    x = Input(tensor=source)
    model = Model(x, Dense(2, kernel_initializer='ones', use_bias=False)(x))
    model.compile('sgd', 'mse')
    target = np.zeros((6, 2), 'float32')
    # The loss is that of the variable's rows (all ones kernel: each output is the row's sum).
    expected = np.mean((values.sum(1, keepdims=True) * np.ones((1, 2))) ** 2)
    np.testing.assert_allclose(model.test_on_batch(None, target), expected, rtol=1e-5)
    model.train_on_batch(None, target)
    model.fit(None, target, batch_size=6, epochs=2, verbose=0)
    # A new value of the variable is what the next step reads.
    K.set_value(source, np.zeros((6, 3)))
    np.testing.assert_allclose(model.evaluate(None, target, batch_size=6, verbose=0), 0.,
                               atol=1e-6)
    with pytest.raises(ValueError, match='Expected to see 0 array'):
        model.train_on_batch([values], target)


def test_mixed_fed_and_tensor_inputs():
    fed = Input(shape=(3,))
    constant = Input(tensor=K.variable(np.ones((4, 3))))
    model = Model([fed, constant], Dense(1)(keras.layers.add([fed, constant])))
    model.compile('sgd', 'mse')
    model.train_on_batch(np.random.rand(4, 3), np.random.rand(4, 1))
    assert model.predict(np.random.rand(4, 3), batch_size=4).shape == (4, 1)


def test_clone_model_onto_variables():
    a, b = Input(shape=(4,)), Input(shape=(4,))
    dense = Dense(4)
    model = Model([a, b], keras.layers.add([dense(a), dense(b)]))
    clone = clone_model(model, input_tensors=[K.variable(np.random.rand(10, 4)),
                                              K.variable(np.random.rand(10, 4))])
    assert [layer.name for layer in clone._input_layers] == [
        'input_wrapper_for_' + layer.name for layer in model._input_layers]
    clone.compile('rmsprop', 'mse')
    clone.train_on_batch(None, np.random.rand(10, 4))
    # A Keras tensor is used as it is.
    c = Input(shape=(4,))
    sequential = Sequential([Dense(4, input_shape=(4,)), Dense(2)])
    assert clone_model(sequential, input_tensors=c).inputs[0] == c
    clone = clone_model(sequential, input_tensors=K.variable(np.random.rand(5, 4)))
    clone.compile('sgd', 'mse')
    assert np.isfinite(clone.train_on_batch(None, np.random.rand(5, 2)))
