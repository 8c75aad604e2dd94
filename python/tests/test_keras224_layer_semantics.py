"""Keras 2.2.4's documented behaviour of layers, initializers, activations and shape helpers that
Keras code relies on: a Python Lambda's code in its config, merge masks and broadcasting, batch
normalization's weights and updates, masked average pooling, the Keras 1 arguments Keras 2.2.4
converts, and the helpers Keras's own tests call."""
import json
import warnings

import numpy as np
import pytest

import keras_cpp as keras
from keras_cpp import activations, initializers
from keras_cpp import backend as K
from keras_cpp.layers import (BatchNormalization, Conv3D, Convolution3D, Cropping2D,
                              Dense, Dropout, Embedding, GlobalAveragePooling1D, Input, Lambda,
                              Masking, add, deserialize)
from keras_cpp.models import Model, Sequential, model_from_json
from keras_cpp.utils import conv_utils


# ---- initializers ----------------------------------------------------------------------------

def test_compute_fans_of_dense_and_convolution_kernels():
    assert initializers._compute_fans((200, 100)) == (200, 100)
    # channels_last kernels (rows, cols, in, out): receptive field times the channels
    assert initializers._compute_fans((3, 5, 4, 8)) == (3 * 5 * 4, 3 * 5 * 8)
    assert initializers._compute_fans((8, 4, 3, 5), 'channels_first') == (4 * 15, 8 * 15)
    fan_in, fan_out = initializers._compute_fans((2, 3, 4, 5, 6, 7))
    assert fan_in == fan_out == pytest.approx(np.sqrt(2 * 3 * 4 * 5 * 6 * 7))


def test_identity_repeats_along_the_long_side():
    wide = K.get_value(initializers.Identity(gain=2.)((2, 6)))
    np.testing.assert_array_equal(wide, 2. * np.concatenate([np.eye(2)] * 3, axis=1))
    tall = K.get_value(initializers.identity()((4, 2)))
    np.testing.assert_array_equal(tall, np.concatenate([np.eye(2)] * 2, axis=0))
    with pytest.raises(ValueError, match='Long side should be multiple of short side'):
        initializers.identity()((3, 8))
    with pytest.raises(ValueError, match='2D'):
        initializers.identity()((2, 2, 2))


# ---- activations -----------------------------------------------------------------------------

def test_softmax_along_an_axis_of_a_3d_tensor():
    x = K.placeholder(ndim=3)
    f = K.function([x], [activations.softmax(x, axis=1)])
    values = np.random.RandomState(0).randn(2, 4, 3).astype('float32')
    e = np.exp(values - values.max(axis=1, keepdims=True))
    np.testing.assert_allclose(f([values])[0], e / e.sum(axis=1, keepdims=True), rtol=1e-5)
    with pytest.raises(ValueError):
        activations.softmax(K.placeholder(ndim=1))


def test_linear_returns_any_value_and_get_checks_its_argument():
    for value in (1, 5., True, None, 'text'):
        assert activations.linear(value) is value
    with pytest.warns(UserWarning, match='layer instance'):
        assert callable(activations.get(Dense(2)))
    with pytest.raises(ValueError):
        activations.get(6)
    # a model still takes linear by name
    model = Sequential([Dense(2, activation=activations.linear, input_shape=(3,))])
    assert model.layers[0].get_config()['activation'] == 'linear'


# ---- conv_utils ------------------------------------------------------------------------------

def test_conv_length_helpers_refuse_unknown_padding_as_keras():
    for call in (lambda: conv_utils.conv_output_length(32, 5, 'diagonal', 2),
                 lambda: conv_utils.conv_input_length(18, 5, 'diagonal', 2)):
        with pytest.raises(AssertionError, match='diagonal'):  # Keras 2.2.4 asserts
            call()
        with pytest.raises(ValueError):
            call()


# ---- merge layers ----------------------------------------------------------------------------

def test_merge_compute_mask_takes_lists():
    a, b = Input(shape=(3,)), Input(shape=(3,))
    layer = keras.layers.Add()
    layer([a, b])
    assert layer.compute_mask([a, b], [None, None]) is None
    assert layer.compute_mask([a, b]) is None
    mask = layer.compute_mask([a, b], [K.variable(np.ones((2, 3))),
                                       K.variable(np.array([[1, 0, 1], [1, 1, 1]]))])
    np.testing.assert_array_equal(K.eval(mask), [[1, 0, 1], [1, 1, 1]])
    with pytest.raises(ValueError, match='should be a list'):
        layer.compute_mask([a, b], K.variable(np.ones((2, 3))))
    with pytest.raises(ValueError, match='inputs'):
        layer.compute_mask(a, [None, None])
    with pytest.raises(ValueError, match='same length'):
        layer.compute_mask([a, b], [None])
    with pytest.raises(ValueError, match='should be a list'):  # any mask that is not a list
        layer.compute_mask([a, b], np.ones((2, 3)))


def test_elementwise_merge_broadcasts_inputs_of_lower_rank():
    for shape_a, shape_b in (((4, 5), (5,)), ((None, None), (None,))):
        a, b = Input(shape=shape_a), Input(shape=shape_b)
        out = add([a, b])
        assert K.int_shape(out) == (None,) + shape_a
        model = Model([a, b], keras.layers.maximum([a, b]))
        xa, xb = np.random.rand(2, 4, 5), np.random.rand(2, 5)
        np.testing.assert_allclose(Model([a, b], out).predict([xa, xb]), xa + xb[:, None, :],
                                   rtol=1e-6)
        np.testing.assert_allclose(model.predict([xa, xb]), np.maximum(xa, xb[:, None, :]),
                                   rtol=1e-6)


# ---- batch normalization ---------------------------------------------------------------------

def test_batch_normalization_weights_as_attributes():
    layer = BatchNormalization(center=False)
    assert layer.gamma is None and layer.beta is None  # not built yet
    layer(Input(shape=(4,)))
    assert K.int_shape(layer.gamma) == (4,) and layer.beta is None
    np.testing.assert_array_equal(K.eval(layer.moving_variance), np.ones(4))
    np.testing.assert_array_equal(K.eval(layer.moving_mean), np.zeros(4))


def test_batch_normalization_called_in_test_phase_makes_no_updates():
    x = np.random.RandomState(0).normal(5., 10., (20, 3)).astype('float32')
    inputs = Input(shape=(3,))
    frozen = BatchNormalization()
    model = Model(inputs, frozen(inputs, training=False))
    assert not frozen.updates and not model.updates
    before = model.predict(x)
    model.compile('sgd', 'mse')
    model.train_on_batch(x, x)  # beta and gamma move, the statistics do not
    np.testing.assert_array_equal(K.eval(frozen.moving_mean), np.zeros(3))
    assert not np.allclose(model.predict(x), before)
    trained = BatchNormalization()
    trained(Input(shape=(3,)), training=True)
    assert len(trained.updates) == 2


def test_untrainable_layers_and_models_make_no_updates():
    x, y = np.random.rand(10, 4), np.random.rand(10, 4)
    inputs = Input(shape=(4,))
    layer = BatchNormalization()
    model = Model(inputs, layer(inputs))
    model.trainable = False
    assert not model.updates
    model.compile('sgd', 'mse')
    before = model.predict(x)
    model.train_on_batch(x, y)
    np.testing.assert_allclose(model.predict(x), before, atol=1e-7)
    model.trainable = True
    model.compile('sgd', 'mse')
    assert len(model.updates) == 2
    model.train_on_batch(x, y)
    assert not np.allclose(model.predict(x), before)
    layer.trainable = False
    assert not layer.updates
    model.compile('sgd', 'mse')
    assert not model.updates
    before = model.predict(x)
    model.train_on_batch(x, y)
    np.testing.assert_allclose(model.predict(x), before, atol=1e-7)


# ---- pooling, embedding, dropout, cropping ---------------------------------------------------

def test_global_average_pooling_1d_averages_the_unmasked_steps():
    model = Sequential([Masking(mask_value=0., input_shape=(3, 2)), GlobalAveragePooling1D()])
    x = np.array([[[1., 2.], [0., 0.], [0., 0.]], [[1., 2.], [3., 4.], [5., 9.]]])
    np.testing.assert_allclose(model.predict(x), [[1., 2.], [3., 5.]], rtol=1e-6)
    # no mask goes further: a Dense after it takes the pooled features
    model.add(Dense(1))
    assert model.predict(x).shape == (2, 1)


def test_embedding_input_length_must_fit_the_input():
    with pytest.raises(ValueError, match='input_length'):
        Sequential([Embedding(10, 4, input_length=2, input_shape=(3, 4, 5))])
    with pytest.raises(ValueError, match='input_length'):
        Sequential([Embedding(10, 4, input_length=2, input_shape=(3, 5))])
    model = Sequential([Embedding(10, 4, input_length=3)])
    assert model.output_shape == (None, 3, 4)


def test_dropout_rate_is_clipped_as_keras():
    assert Dropout(p=3).get_config()['rate'] == 1.0
    assert json.dumps(Dropout(p=3, name='d').get_config()) == \
        json.dumps(Dropout(3, name='d').get_config())
    assert Dropout(-0.5).get_config()['rate'] == 0.0
    model = Sequential([Dropout(1.0, input_shape=(3,))])  # a rate of 1 drops nothing
    model.compile('sgd', 'mse')
    x = np.ones((4, 3))
    np.testing.assert_array_equal(model.predict(x), x)


def test_cropping_refuses_what_is_not_ints_with_value_error():
    with pytest.raises(ValueError, match='cropping'):
        Cropping2D(cropping=lambda x: x)
    with pytest.raises(ValueError, match='cropping'):
        Cropping2D(cropping=((1, 1),))


def test_convolution3d_kernel_dims_as_keywords():
    expected = json.dumps(Conv3D(5, (3, 3, 4), name='c').get_config())
    assert json.dumps(Convolution3D(5, 3, kernel_dim2=3, kernel_dim3=4, name='c')
                      .get_config()) == expected
    assert json.dumps(Convolution3D(5, 3, 3, kernel_dim3=4, name='c').get_config()) == expected


# ---- Lambda: Python functions as their code ---------------------------------------------------

def test_lambda_config_holds_the_function_code():
    layer = Lambda(lambda x: K.concatenate([K.square(x), x]),
                   output_shape=lambda s: tuple(list(s)[:-1] + [2 * s[-1]]))
    config = layer.get_config()
    assert config['function_type'] == 'lambda' and config['output_shape_type'] == 'lambda'
    code, defaults, closure = config['function']
    assert isinstance(code, str) and defaults is None and closure is None
    json.dumps(config)
    again = Lambda.from_config(config)
    inputs = Input(shape=(3,))
    out = again(inputs)
    assert K.int_shape(out) == (None, 6)
    x = np.random.rand(2, 3).astype('float32')
    np.testing.assert_allclose(Model(inputs, out).predict(x), np.concatenate([x ** 2, x], -1),
                               rtol=1e-6)


def test_lambda_with_closure_defaults_and_arguments_through_json():
    factor = 3.

    def scale(x, offset=1., shift=0.):
        return x * factor + offset + shift

    inputs = Input(shape=(2,))
    out = Lambda(scale, arguments={'shift': 0.5}, name='scale')(inputs)
    model = Model(inputs, out)
    config = model.get_layer('scale').get_config()
    assert config['function'][1] == [1., 0.] and config['function'][2] == [3.]
    assert config['arguments'] == {'shift': 0.5}
    again = model_from_json(model.to_json())  # no custom objects needed: the code is there
    x = np.random.rand(4, 2).astype('float32')
    np.testing.assert_allclose(again.predict(x), x * 3. + 1.5, rtol=1e-6)


def helper_from_custom_objects(x):
    return x * 10.


def test_lambda_code_sees_the_custom_objects_as_globals():
    inputs = Input(shape=(2,))
    model = Model(inputs, Lambda(lambda t: helper_from_custom_objects(t) + K.ones_like(t))(inputs))
    text = model.to_json()
    config = json.loads(text)['config']['layers'][1]['config']
    # read back without this module's globals: the name comes from custom_objects
    layer = deserialize({'class_name': 'Lambda', 'config': config},
                        custom_objects={'helper_from_custom_objects': lambda t: t * 100.})
    x = np.ones((1, 2), 'float32')
    i2 = Input(shape=(2,))
    np.testing.assert_allclose(Model(i2, layer(i2)).predict(x), [[101., 101.]])
    with pytest.raises(Exception, match='helper_from_custom_objects'):
        model_from_json(text)


def test_lambda_output_shape_function_by_name_from_custom_objects():
    def halves(x):
        return x[:, :2]
    config = Lambda(halves, output_shape=lambda s: (s[0], 2)).get_config()
    config['function'] = 'halves'
    config['function_type'] = 'function'
    config['output_shape'] = 'half_shape'
    config['output_shape_type'] = 'function'
    layer = deserialize({'class_name': 'Lambda', 'config': config},
                        custom_objects={'halves': halves, 'half_shape': lambda s: (s[0], 2)})
    assert layer.compute_output_shape((None, 4)) == (None, 2)
    with pytest.raises(ValueError, match='half_shape'):
        deserialize({'class_name': 'Lambda', 'config': config}, custom_objects={'halves': halves})


def test_lambda_of_a_builtin_or_partial_keeps_its_name():
    import functools
    layer = Lambda(functools.partial(lambda x, k: x * k, k=2.))
    config = layer.get_config()
    assert config['function_type'] == 'function' and isinstance(config['function'], str)
    with warnings.catch_warnings():
        warnings.simplefilter('error')
        json.dumps(config)


def test_deconvolution2d_output_shape_without_the_batch_axis():
    from keras_cpp.layers import Deconvolution2D
    model = Sequential([Deconvolution2D(5, 3, 3, (6, 7, 5), input_shape=(4, 5, 2))])
    assert model.output_shape == (None, 6, 7, 5)
    with pytest.raises(ValueError, match='4 entries'):
        Deconvolution2D(5, 3, 3, output_shape=(6, 7))


def test_lambda_with_several_outputs():
    inputs = Input(shape=(3, 2))
    halves = Lambda(lambda x: [x * 0.5, x * 2.], output_shape=lambda s: [s, s],
                    mask=lambda x, m: [None, None])
    a, b = halves(inputs)
    assert K.int_shape(a) == K.int_shape(b) == (None, 3, 2)
    x = np.random.rand(4, 3, 2).astype('float32')
    out_a, out_b = Model(inputs, [a, b]).predict(x)
    np.testing.assert_allclose(out_a, x * 0.5, rtol=1e-6)
    np.testing.assert_allclose(out_b, x * 2., rtol=1e-6)
    # without output_shape or mask, the list is the outputs too; a model of it is reusable
    pair = Lambda(lambda x: [x + 1., x - 1.])(inputs)
    model = Model(inputs, add(pair))
    i2 = Input(shape=(3, 2))
    np.testing.assert_allclose(Model(i2, model(i2)).predict(x), 2 * x, atol=1e-6)


def test_lambda_with_array_arguments_saved_and_loaded(tmp_path):
    mean = np.random.rand(4, 2, 3).astype('float32')
    std = np.random.rand(4, 2, 3).astype('float32') + 0.5
    inputs = keras.layers.Input(shape=(4, 2, 3))
    outputs = keras.layers.Lambda(lambda image, mu, std: (image - mu) / std,
                                  arguments={'mu': mean, 'std': std})(inputs)
    model = keras.models.Model(inputs, outputs)
    config = model.layers[1].get_config()
    assert config['function_type'] == 'lambda'
    assert config['arguments']['mu']['type'] == 'ndarray'
    path = str(tmp_path / 'lambda.h5')
    model.save(path)
    x = np.random.rand(2, 4, 2, 3).astype('float32')
    restored = keras.models.load_model(path)
    np.testing.assert_allclose(restored.predict(x), (x - mean) / std, rtol=1e-5)
    np.testing.assert_allclose(restored.layers[1].arguments['mu'], mean)
    assert keras.layers.Lambda(lambda x: x).arguments == {}
