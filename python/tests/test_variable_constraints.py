"""Keras 2.2.4's variable.constraint: K.variable(value, constraint=...) and a layer's
add_weight(constraint=...) give the variable a `.constraint`, and the optimizers project the
variable's new value with it after every update (`new_p = p.constraint(new_p)`): in a model's
training step when a layer written in Python holds the variable, and in optimizer.get_updates."""
import numpy as np
import pytest

from keras_cpp import backend as K
from keras_cpp import constraints, optimizers
from keras_cpp.layers import Input, Layer
from keras_cpp.models import Model


class DotLayer(Layer):
    """x . w with w a K.variable made in build, its constraint given to the layer."""

    def __init__(self, weight_constraint=None, start=0.5, **kwargs):
        self.weight_constraint = weight_constraint
        self.start = start
        super(DotLayer, self).__init__(**kwargs)

    def build(self, input_shape):
        self.w = K.variable(np.full((input_shape[1], 2), self.start),
                            constraint=self.weight_constraint)
        self.trainable_weights = [self.w]
        super(DotLayer, self).build(input_shape)

    def call(self, x):
        return K.dot(x, self.w)

    def compute_output_shape(self, input_shape):
        return (input_shape[0], 2)


def trained_weight(layer, targets_sign, lr=0.1, epochs=20):
    rng = np.random.RandomState(1)
    x = rng.uniform(0.5, 1.0, size=(64, 3))
    y = targets_sign * 10.0 * np.ones((64, 2))
    inputs = Input(shape=(3,))
    model = Model(inputs, layer(inputs))
    model.compile(optimizers.SGD(lr=lr), 'mse')
    model.fit(x, y, batch_size=16, epochs=epochs, verbose=0)
    return K.get_value(layer.w)


def test_variable_keeps_its_constraint():
    non_neg = constraints.NonNeg()
    assert K.variable(np.ones(3), constraint=non_neg).constraint is non_neg
    assert K.variable(np.ones(3)).constraint is None
    # Names and configs become constraint objects, as constraints.get makes them.
    assert isinstance(K.variable(1.0, constraint='non_neg').constraint, constraints.NonNeg)
    with pytest.raises(ValueError, match='constraint'):
        K.variable(1.0, constraint='not_a_constraint')
    # A tensor that is not such a variable has none.
    assert (K.variable(1.0) + 1.0).constraint is None


def test_training_keeps_a_layers_variable_within_its_constraint():
    # Targets far below zero pull w negative; NonNeg keeps it at zero or above.
    free = trained_weight(DotLayer(), -1.0)
    assert free.min() < 0
    constrained = trained_weight(DotLayer(constraints.NonNeg()), -1.0)
    assert constrained.min() >= 0.0
    np.testing.assert_array_equal(constrained, 0.0)
    # max_norm bounds each column's norm while large targets push it up.
    bounded = trained_weight(DotLayer(constraints.max_norm(2.0)), 1.0)
    assert np.sqrt((bounded ** 2).sum(axis=0)).max() <= 2.0 + 1e-5
    assert np.sqrt((trained_weight(DotLayer(), 1.0) ** 2).sum(axis=0)).max() > 2.5


def test_add_weight_constraint_is_the_variables_and_applies_once():
    class Scaled(Layer):
        def build(self, input_shape):
            self.w = self.add_weight(
                'w', (input_shape[1], 1), initializer='ones',
                constraint=constraints.MinMaxNorm(0.0, 1.0, rate=0.5, axis=0))
            super(Scaled, self).build(input_shape)

        def call(self, x):
            return K.dot(x, self.w)

        def compute_output_shape(self, input_shape):
            return (input_shape[0], 1)

    layer = Scaled()
    inputs = Input(shape=(16,))
    model = Model(inputs, layer(inputs))
    assert isinstance(layer.w.constraint, constraints.MinMaxNorm)
    model.compile(optimizers.SGD(lr=0.0), 'mse')
    # The column's norm is 4: a step that changes nothing else moves it to
    # 0.5 * clip(4, 0, 1) + 0.5 * 4 = 2.5 (twice would give 1.75).
    model.train_on_batch(np.ones((2, 16)), np.ones((2, 1)))
    assert np.linalg.norm(K.get_value(layer.w)) == pytest.approx(2.5, rel=1e-5)


def test_get_updates_projects_constrained_parameters():
    w = K.variable(np.array([0.2, 0.5]), constraint=constraints.NonNeg())
    free = K.variable(np.array([0.2, 0.5]))
    x = K.placeholder(shape=(None, 2))
    loss = K.mean(K.dot(x, K.reshape(w, (2, 1)))) + K.mean(K.dot(x, K.reshape(free, (2, 1))))
    updates = optimizers.SGD(lr=1.0).get_updates(loss=loss, params=[w, free])
    step = K.function([x], [loss], updates=updates)
    step([np.ones((4, 2))])
    np.testing.assert_allclose(K.get_value(w), [0.0, 0.0])  # 0.2 - 1 and 0.5 - 1, projected
    np.testing.assert_allclose(K.get_value(free), [-0.8, -0.5])
