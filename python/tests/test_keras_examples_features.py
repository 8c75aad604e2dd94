"""What Keras 2.2.4's examples/ use that keras_cpp lacked, each as Keras documents it (the
examples themselves run through tools/keras_examples/run.py, outside the test suite)."""
import numpy as np
import pytest

from keras_cpp import backend as K
from keras_cpp import initializers
from keras_cpp.layers import Dense, Input, Lambda, SimpleRNN
from keras_cpp.models import Model, Sequential


# Lambda on a list of tensors (Keras: "function: The function to be evaluated. Takes input
# tensor or list of tensors as first argument"; a function output_shape gets the list of shapes).

def test_lambda_on_a_list_gets_the_list_and_infers_the_shape():
    a, b = Input(shape=(3,)), Input(shape=(3,))
    out = Lambda(lambda xs: K.sum(K.square(xs[0] - xs[1]), axis=1, keepdims=True))([a, b])
    model = Model([a, b], out)
    assert model.output_shape == (None, 1)
    x, y = np.random.randn(5, 3).astype('float32'), np.random.randn(5, 3).astype('float32')
    np.testing.assert_allclose(model.predict([x, y]), ((x - y) ** 2).sum(1, keepdims=True),
                               rtol=1e-5)


def test_lambda_on_a_list_passes_the_shapes_to_a_function_output_shape():
    seen = []

    def output_shape(shapes):
        seen.append(shapes)
        return (shapes[0][0], shapes[0][1] + shapes[1][1])

    a, b = Input(shape=(2,)), Input(shape=(4,))
    out = Lambda(lambda xs: K.concatenate(xs, axis=-1), output_shape=output_shape)([a, b])
    assert K.int_shape(out) == (None, 6)
    assert seen and seen[0] == [(None, 2), (None, 4)]


def test_lambda_on_a_list_with_a_tuple_output_shape_takes_the_first_inputs_batch_axis():
    a, b = Input(batch_shape=(4, 2)), Input(batch_shape=(4, 2))
    out = Lambda(lambda xs: xs[0] * xs[1], output_shape=(2,))([a, b])
    assert K.int_shape(out) == (4, 2)


def test_lambda_on_a_list_refuses_a_declared_shape_the_function_does_not_give():
    a, b = Input(shape=(2,)), Input(shape=(2,))
    with pytest.raises(ValueError, match='declared output shape'):
        Lambda(lambda xs: xs[0] + xs[1], output_shape=(3,))([a, b])


def test_a_shared_network_under_a_lambda_on_a_list_trains():
    # The siamese pattern: one model applied to two inputs, joined by a Lambda on the list.
    inner_in = Input(shape=(4,))
    base = Model(inner_in, Dense(3)(inner_in))
    a, b = Input(shape=(4,)), Input(shape=(4,))
    distance = Lambda(lambda xs: K.sqrt(K.maximum(
        K.sum(K.square(xs[0] - xs[1]), axis=1, keepdims=True), K.epsilon())))([base(a), base(b)])
    model = Model([a, b], distance)
    model.compile('sgd', 'mse')
    before = [w.copy() for w in base.get_weights()]
    x = [np.random.randn(16, 4), np.random.randn(16, 4)]
    model.fit(x, np.zeros((16, 1)), epochs=1, verbose=0)
    assert any(np.abs(w - v).max() > 0 for w, v in zip(base.get_weights(), before))


# Initializer objects with arguments (Keras: "kernel_initializer: Initializer for the kernel
# weights matrix"; any keras.initializers object).

def test_initializer_objects_with_arguments_give_the_layer_their_values():
    rnn = SimpleRNN(5, kernel_initializer=initializers.RandomNormal(stddev=0.001),
                    recurrent_initializer=initializers.Identity(gain=2.0),
                    bias_initializer=initializers.Constant(0.25), input_shape=(7, 300))
    Sequential([rnn])
    kernel, recurrent, bias = rnn.get_weights()
    np.testing.assert_array_equal(recurrent, 2.0 * np.eye(5))
    np.testing.assert_array_equal(bias, np.full(5, 0.25))
    assert 0.0005 < kernel.std() < 0.002


def test_initializer_objects_with_arguments_are_written_in_the_config_as_keras_does():
    dense = Dense(2, kernel_initializer=initializers.RandomUniform(minval=-1., maxval=1.),
                  bias_initializer='zeros')
    config = dense.get_config()
    assert config['kernel_initializer'] == {
        'class_name': 'RandomUniform', 'config': {'minval': -1., 'maxval': 1., 'seed': None}}
    assert config['bias_initializer'] == {'class_name': 'Zeros', 'config': {}}
    again = Dense.from_config(config)
    assert again.get_config()['kernel_initializer'] == config['kernel_initializer']


def test_a_seeded_named_initializer_is_reproducible():
    weights = []
    for _ in range(2):
        dense = Dense(3, kernel_initializer=initializers.glorot_uniform(seed=7), input_dim=4)
        Sequential([dense])
        weights.append(dense.get_weights()[0])
    np.testing.assert_array_equal(weights[0], weights[1])


# Model.updates (Keras 2.2.4's Network.updates): "updates relevant to the model", those of the
# layer calls inside it; a nested model called on this model's tensors brings the updates of that
# call (mnist_acgan's generator: a Sequential with BatchNormalization inside two models).

def _nested_batch_norm_models():
    from keras_cpp.layers import BatchNormalization
    inner = Sequential([Dense(4, input_dim=3), BatchNormalization(momentum=0.5)])
    x = Input(shape=(3,))
    middle = Model(x, inner(x))
    y = Input(shape=(3,))
    outer = Model(y, Dense(1)(middle(y)))
    return inner, middle, outer


def test_a_model_nested_twice_trains_and_runs_the_updates_of_its_call_in_the_outer_graph():
    inner, middle, outer = _nested_batch_norm_models()
    assert len(outer.updates) == 2  # the moving mean and variance, once
    outer.compile('sgd', 'mse')
    batch_norm = inner.layers[1]
    before = batch_norm.get_weights()[2].copy()  # moving_mean
    outer.train_on_batch(np.random.randn(8, 3) + 5., np.zeros((8, 1)))
    assert np.abs(batch_norm.get_weights()[2] - before).max() > 0


def test_each_model_of_a_nest_trains_on_its_own_inputs():
    inner, middle, outer = _nested_batch_norm_models()
    for model in (inner, middle, outer):
        model.compile('sgd', 'mse')
        model.train_on_batch(np.random.randn(8, 3), np.zeros((8,) + model.output_shape[1:]))


# compile(loss=None) and outputs missing from a loss dict (Keras 2.2.4: such an output takes no
# target, "we will not be expecting any data to be passed to it"; a model whose loss is all
# add_loss trains with fit(x) and validation_data=(x_val, None), as variational_autoencoder).

def test_a_model_compiled_without_a_loss_trains_on_its_add_loss():
    x = Input(shape=(3,))
    y = Dense(3)(x)
    model = Model(x, y)
    model.add_loss(K.mean(K.square(y - 2. * x)))
    model.compile('sgd')
    data = np.random.randn(64, 3)
    history = model.fit(data, epochs=3, batch_size=16, verbose=0,
                        validation_data=(data[:16], None))
    losses = history.history['loss']
    assert losses[-1] < losses[0] and 'val_loss' in history.history
    assert np.isfinite(model.evaluate(data, verbose=0))


def test_an_output_missing_from_the_loss_dict_takes_no_target():
    x = Input(shape=(3,))
    a = Dense(2, name='a')(x)
    b = Dense(4, name='b')(x)
    model = Model(x, [a, b])
    model.compile('sgd', loss={'a': 'mse'})
    data = np.random.randn(16, 3)
    model.fit(data, {'a': np.zeros((16, 2))}, epochs=1, verbose=0)
    model.train_on_batch(data, [np.zeros((16, 2))])
    with pytest.raises(ValueError, match='Expected to see 1 array'):
        model.train_on_batch(data, [np.zeros((16, 2)), np.zeros((16, 4))])


def test_a_model_with_no_loss_at_all_cannot_be_compiled():
    x = Input(shape=(3,))
    model = Model(x, Dense(3)(x))
    with pytest.raises(ValueError, match='loss'):
        model.compile('sgd')


def test_verbose_takes_a_bool_as_keras_does():
    # mnist_acgan calls predict/evaluate/train with verbose=False (Keras tests `if verbose:`).
    model = Sequential([Dense(2, input_shape=(3,))])
    model.compile('sgd', 'mse')
    x, y = np.ones((4, 3), 'float32'), np.zeros((4, 2), 'float32')
    history = model.fit(x, y, epochs=1, verbose=False)
    assert len(history.history['loss']) == 1
    assert model.predict(x, verbose=False).shape == (4, 2)
    assert np.isfinite(model.evaluate(x, y, verbose=False))
    with pytest.raises(TypeError, match='verbose'):
        model.predict(x, verbose='yes')
