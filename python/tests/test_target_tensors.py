"""compile(target_tensors=...) as Keras 2.2.4: tensors the losses read as the targets instead of
placeholders fed with y (a tensor, a list with one entry per output, or a dict by output name;
None: that output is fed as usual). fit and train_on_batch then take y=None for those outputs."""
import numpy as np
import pytest

from keras_cpp import backend as K
from keras_cpp.layers import Dense, Input
from keras_cpp.models import Model, Sequential


def one_output():
    model = Sequential()
    model.add(Dense(4, input_shape=(4,), name='dense'))
    return model


def two_outputs():
    inputs = Input(shape=(4,))
    return Model(inputs, [Dense(4, name='dense_a')(inputs), Dense(3, name='dense_b')(inputs)])


def one_sgd_step(make, x, y):
    """A model from `make`'s initial weights, and its weights after one SGD step fed y."""
    reference = make()
    initial = reference.get_weights()
    reference.compile('sgd', 'mse')
    reference.train_on_batch(x, y)
    return initial, reference.get_weights()


def from_weights(make, weights):
    model = make()
    model.set_weights(weights)
    return model


def assert_weights(model, expected):
    for got, want in zip(model.get_weights(), expected):
        np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-6)


def test_a_variable_target_trains_without_y():
    x, y = np.random.random((10, 4)), np.random.random((10, 4))
    model = one_output()
    model.compile('sgd', 'mse', target_tensors=[K.variable(y)])
    # The loss of a step is the mean squared error against the variable, before the update.
    expected = np.mean((model.predict(x) - y) ** 2)
    np.testing.assert_allclose(model.train_on_batch(x, None), expected, rtol=1e-5)
    before = np.mean((model.predict(x) - y) ** 2)
    # shuffle=False: the rows of x must stay beside the variable's (Keras shuffles x alone too).
    history = model.fit(x, None, batch_size=10, epochs=20, verbose=0, shuffle=False)
    after = np.mean((model.predict(x) - y) ** 2)
    assert after < before
    assert history.history['loss'][-1] < history.history['loss'][0]
    np.testing.assert_allclose(model.evaluate(x, None, verbose=0), after, rtol=1e-5)


def test_the_three_forms_train_as_y_fed_with_the_same_values():
    x, y = np.random.random((10, 4)), np.random.random((10, 4))
    target = K.variable(y)
    initial, expected = one_sgd_step(one_output, x, y)
    for form in (target, [target], {'dense': target}):
        model = from_weights(one_output, initial)
        model.compile('sgd', 'mse', target_tensors=form)
        model.train_on_batch(x, None)
        assert_weights(model, expected)


def test_one_output_read_one_fed():
    x = np.random.random((10, 4))
    ya, yb = np.random.random((10, 4)), np.random.random((10, 3))
    initial, expected = one_sgd_step(two_outputs, x, [ya, yb])
    for form in ([K.variable(ya), None], {'dense_a': K.variable(ya)}):
        model = from_weights(two_outputs, initial)
        model.compile('sgd', 'mse', target_tensors=form)
        losses = model.train_on_batch(x, yb)  # y for the fed output only
        assert len(losses) == 3
        assert_weights(model, expected)
        with pytest.raises(ValueError):
            model.train_on_batch(x, [ya, yb])


def test_all_outputs_read_ignore_sample_weights_when_y_is_none():
    x = np.random.random((10, 4))
    model = two_outputs()
    model.compile('rmsprop', 'mse', target_tensors=[K.variable(np.random.random((10, 4))),
                                                    K.variable(np.random.random((10, 3)))])
    model.train_on_batch(x, None, sample_weight={'dense_a': np.random.random((10,))})
    model.fit(x, None, epochs=1, verbose=0)


def test_a_target_computed_from_the_input():
    x = np.random.random((10, 4))
    model = one_output()
    model.compile('sgd', 'mse', target_tensors=model.input)  # an autoencoder's target
    expected = np.mean((model.predict(x) - x) ** 2)
    np.testing.assert_allclose(model.train_on_batch(x, None), expected, rtol=1e-5)


def test_errors():
    target = K.variable(np.zeros((10, 4)))
    model = one_output()
    with pytest.raises(TypeError, match='Expected `target_tensors` to be a tensor, a list of '
                                        'tensors, or dict of tensors, but got: set()'):
        model.compile('rmsprop', 'mse', target_tensors=set())
    with pytest.raises(ValueError, match=r'When passing a list as `target_tensors`, it should '
                                         r'have one entry per model output. The model has 1 '
                                         r'outputs, but you passed target_tensors='):
        model.compile('rmsprop', 'mse', target_tensors=[target, target])
    with pytest.raises(ValueError, match='Unknown entry in `target_tensors` dictionary: '
                                         '"dense2"'):
        model.compile('rmsprop', 'mse', target_tensors={'dense2': None})
    model.compile('rmsprop', 'mse', target_tensors=[target])
    with pytest.raises(ValueError, match='expected no data'):
        model.train_on_batch(np.zeros((10, 4)), np.zeros((10, 4)))
    model = two_outputs()
    with pytest.raises(ValueError, match=r'The model has 2 outputs, but you passed a single '
                                         r'tensor as `target_tensors`. Expected a list or a '
                                         r'dict of tensors.'):
        model.compile('rmsprop', 'mse', target_tensors=target)


def test_placeholders_of_ones_own_are_fed_with_y():
    x = np.random.random((10, 4))
    ya, yb = np.random.random((10, 4)), np.random.random((10, 3))
    initial, expected = one_sgd_step(two_outputs, x, [ya, yb])
    model = from_weights(two_outputs, initial)
    y_a, y_b = K.placeholder((10, 4), name='y_a'), K.placeholder((10, 3), name='y_b')
    model.compile('sgd', 'mse', target_tensors={'dense_a': y_a, 'dense_b': y_b})
    # Some scripts key sample_weight by those placeholders: Keras looks up the output names
    # only, so those entries are ignored (with a warning here).
    with pytest.warns(UserWarning, match='ignoring the dictionary keys that are not output'):
        model.train_on_batch(x, [ya, yb], {y_a: np.zeros((10,)), y_b: np.zeros((10,))})
    assert_weights(model, expected)


def test_generators_yield_x_and_none():
    x, y = np.random.random((10, 4)), np.random.random((10, 4))
    model = one_output()
    model.compile('sgd', 'mse', target_tensors=K.variable(y))

    def batches(with_none=True):
        while True:
            yield (x, None) if with_none else x

    history = model.fit_generator(batches(), steps_per_epoch=3, epochs=2, verbose=0)
    assert len(history.history['loss']) == 2
    np.testing.assert_allclose(model.evaluate_generator(batches(), steps=1),
                               np.mean((model.predict(x) - y) ** 2), rtol=1e-5)
    # x alone is no (x, y) tuple: Keras's error, whether or not the model takes y.
    with pytest.raises(ValueError, match='Output of generator should be a tuple'):
        model.fit_generator(batches(False), steps_per_epoch=1, epochs=1, verbose=0)
