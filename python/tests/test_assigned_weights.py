"""Keras 1's custom layers make their variables with K.variable or an initializer and assign them
(`self.trainable_weights = [self.W, self.b]`); Keras 2.2.4 keeps that setter. The assigned lists
are the layer's weights: trained, saved, loaded, counted, frozen with `trainable = False`."""
import numpy as np
import pytest

from keras_cpp import backend as K
from keras_cpp import initializations
from keras_cpp.engine.topology import Layer
from keras_cpp.layers import Activation, Dense
from keras_cpp.models import Sequential


class Keras1Dense(Layer):
    def __init__(self, output_dim, **kwargs):
        self.output_dim = output_dim
        self.init = initializations.get('glorot_uniform')
        super(Keras1Dense, self).__init__(**kwargs)

    def build(self, input_shape):
        self.W = self.init((input_shape[1], self.output_dim), name='{}_W'.format(self.name))
        self.b = K.zeros((self.output_dim,), name='{}_b'.format(self.name))
        self.count = K.variable(np.zeros(1, dtype='float32'), name='{}_count'.format(self.name))
        self.trainable_weights = [self.W, self.b]
        self.non_trainable_weights = [self.count]

    def call(self, x, mask=None):
        return K.dot(x, self.W) + self.b

    def get_output_shape_for(self, input_shape):
        return (input_shape[0], self.output_dim)


def _model():
    model = Sequential([Keras1Dense(6, input_dim=4), Activation('tanh'), Keras1Dense(1)])
    model.compile('sgd', 'mse')
    return model


def test_assigned_weights_are_trained_counted_and_listed():
    model = _model()
    layer = model.layers[0]
    assert [w.name for w in layer.weights] == [layer.W.name, layer.b.name, layer.count.name]
    assert len(layer.trainable_weights) == 2 and len(layer.non_trainable_weights) == 1
    assert layer.count_params() == 4 * 6 + 6 + 1 and model.count_params() == 31 + 6 + 1 + 1
    before = K.get_value(layer.W).copy()
    x, y = np.random.rand(32, 4).astype('float32'), np.random.rand(32, 1).astype('float32')
    model.fit(x, y, epochs=2, batch_size=8, verbose=0)
    assert not np.allclose(before, K.get_value(layer.W))
    np.testing.assert_array_equal(K.get_value(layer.count), [0])  # not trainable: untouched


def test_assigned_weights_save_and_load(tmp_path):
    model = _model()
    x = np.random.rand(5, 4).astype('float32')
    path = str(tmp_path / 'w.h5')
    model.save_weights(path)
    expected = model.predict(x)
    other = _model()
    assert not np.allclose(other.predict(x), expected)
    other.load_weights(path)
    np.testing.assert_allclose(other.predict(x), expected, rtol=1e-6)
    weights = model.layers[0].get_weights()
    assert [w.shape for w in weights] == [(4, 6), (6,), (1,)]
    with pytest.raises(ValueError, match='expecting 3 weights'):
        model.layers[0].set_weights(weights[:2])


def test_frozen_layer_reports_assigned_weights_as_non_trainable():
    model = _model()
    layer = model.layers[0]
    layer.trainable = False
    assert layer.trainable_weights == [] and len(layer.non_trainable_weights) == 3
    model.compile('sgd', 'mse')
    before = K.get_value(layer.W).copy()
    model.fit(np.random.rand(16, 4), np.random.rand(16, 1), epochs=1, verbose=0)
    np.testing.assert_array_equal(before, K.get_value(layer.W))


def test_assignment_of_add_weight_variables_keeps_one_of_each():
    class Mixed(Layer):
        def build(self, input_shape):
            self.kernel = self.add_weight('kernel', (input_shape[-1], 2))
            self.extra = K.variable(np.ones(2, dtype='float32'))
            self.trainable_weights = [self.kernel, self.extra]

        def call(self, x):
            return K.dot(x, self.kernel) * self.extra

        def compute_output_shape(self, input_shape):
            return input_shape[:-1] + (2,)

    model = Sequential([Mixed(input_shape=(3,))])
    assert len(model.layers[0].weights) == 2 and model.count_params() == 8


def test_assigning_weights_is_checked():
    model = _model()
    with pytest.raises(TypeError, match='must be a list of variables'):
        model.layers[0].trainable_weights = [K.variable(1.0) * 2]
    dense = Dense(2)
    with pytest.raises(AttributeError, match='only layers written in Python'):
        dense.trainable_weights = []


def test_keras1_constraints_dict_is_applied_after_each_update():
    from keras_cpp import constraints

    class Constrained(Keras1Dense):
        def build(self, input_shape):
            super(Constrained, self).build(input_shape)
            self.constraints = {self.W: constraints.maxnorm(0.01)}

    model = Sequential([Constrained(4, input_dim=3)])
    model.compile('sgd', 'mse')
    model.fit(np.random.rand(16, 3) * 10, np.random.rand(16, 4) * 100, epochs=2, verbose=0)
    norms = np.sqrt((K.get_value(model.layers[0].W) ** 2).sum(axis=0))
    assert np.all(norms <= 0.01 + 1e-6)
