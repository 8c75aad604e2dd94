"""AlphaDropout, Dropout(noise_shape=), and Keras 1's ParametricSoftplus and SReLU: numpy
references of their outputs and gradients, configs, .h5 round trips, Keras 1 names, errors."""
import inspect

import numpy as np
import pytest

from keras_cpp import backend as K
from keras_cpp import layers
from keras_cpp.layers import Input
from keras_cpp.layers.advanced_activations import ParametricSoftplus, SReLU
from keras_cpp.layers.noise import AlphaDropout
from keras_cpp.models import Model, Sequential, load_model

ALPHA_P = -1.6732632423543772848170429916717 * 1.0507009873554804934193349852946


def in_phase(layer, x, training):
    """The layer's output on x with the learning phase fed (1: training)."""
    inputs = K.placeholder(shape=(None,) + x.shape[1:])
    f = K.function([inputs, K.learning_phase()], [layer(inputs)])
    return f([x, 1 if training else 0])[0]


def test_alpha_dropout_keeps_selu_moments_while_training_and_is_identity_at_inference():
    rate = 0.1
    x = np.random.RandomState(0).randn(400, 250).astype(np.float32)
    layer = AlphaDropout(rate)
    out = in_phase(layer, x, True)
    assert abs(out.mean()) < 0.02 and abs(out.var() - 1.0) < 0.03
    a = ((1 - rate) * (1 + rate * ALPHA_P ** 2)) ** -0.5
    b = -a * ALPHA_P * rate
    dropped = np.isclose(out, a * ALPHA_P + b, atol=1e-6)
    assert abs(dropped.mean() - rate) < 0.01
    np.testing.assert_allclose(out[~dropped], a * x[~dropped] + b, rtol=1e-5, atol=1e-5)
    np.testing.assert_array_equal(in_phase(layer, x, False), x)
    model = Sequential([AlphaDropout(0.5, input_shape=(250,))])
    np.testing.assert_array_equal(model.predict(x), x)


def test_alpha_dropout_noise_shape_config_and_errors():
    layer = AlphaDropout(0.5, noise_shape=(None, 1, 6), seed=3)
    out = in_phase(layer, np.zeros((5, 4, 6), np.float32), True)
    assert np.all(out == out[:, :1, :])
    config = layer.get_config()
    assert config['rate'] == 0.5 and config['noise_shape'] == [None, 1, 6] and config['seed'] == 3
    assert AlphaDropout.from_config(config).get_config() == config
    with pytest.raises(ValueError, match=r'rank of the input \(2\)'):
        AlphaDropout(0.5, noise_shape=(None, 1, 6))(Input(shape=(6,)))
    with pytest.raises(ValueError, match=r'\[0, 1\)'):
        AlphaDropout(1.5)
    with pytest.raises(TypeError, match='missing required argument'):
        AlphaDropout()
    with pytest.raises(ValueError, match="AlphaDropout takes: rate, noise_shape, seed"):
        AlphaDropout.from_config({'rate': 0.1, 'p': 0.1})


def test_dropout_noise_shape_is_honoured_and_saved(tmp_path):
    x = np.ones((30, 3, 20), np.float32)
    layer = layers.Dropout(0.5, noise_shape=(None, 1, 20))
    out = in_phase(layer, x, True)
    assert np.all(out == out[:, :1, :]) and set(np.unique(out)) == {0.0, 2.0}
    assert layer.get_config()['noise_shape'] == [None, 1, 20]
    inputs = Input(shape=(3, 20))
    model = Model(inputs, layers.Dense(2)(layers.Dropout(0.3, noise_shape=(None, 1, 20),
                                                         seed=1)(inputs)))
    path = str(tmp_path / 'dropout.h5')
    model.save(path)
    restored = load_model(path)
    assert restored.layers[1].get_config()['noise_shape'] == [None, 1, 20]
    np.testing.assert_allclose(restored.predict(x), model.predict(x), rtol=1e-6)
    with pytest.raises(ValueError, match='noise_shape'):
        layers.Dropout(0.5, noise_shape=(None, 20))(Input(shape=(3, 20)))
    with pytest.raises(ValueError, match='does not broadcast'):
        layers.Dropout(0.5, noise_shape=(None, 2, 20))(Input(shape=(3, 20)))
    assert layers.Dropout(p=0.2, noise_shape=[None, 1]).get_config()['noise_shape'] == [None, 1]


def softplus(v):
    return np.log1p(np.exp(v))


def gradients(model, x, weights_too=True):
    """d sum(model(x) * w) / d (x, weights...) for a fixed w, and that w."""
    w = np.random.RandomState(1).rand(*model.output_shape[1:]).astype(np.float32)
    loss = K.sum(model.output * K.constant(w))
    wrt = [model.input] + (list(model.layers[-1].weights) if weights_too else [])
    return K.function([model.input], K.gradients(loss, wrt))([x]), w


def test_parametric_softplus_matches_numpy_with_gradients():
    x = np.random.RandomState(2).uniform(-2, 2, (4, 3, 5)).astype(np.float32)
    model = Sequential([ParametricSoftplus(input_shape=(3, 5))])
    np.testing.assert_allclose(model.predict(x), 0.2 * softplus(5 * x), rtol=1e-5, atol=1e-6)
    alphas = np.random.RandomState(3).uniform(0.5, 1.5, (3, 5)).astype(np.float32)
    betas = np.random.RandomState(4).uniform(0.5, 2, (3, 5)).astype(np.float32)
    model.layers[0].set_weights([alphas, betas])  # Keras 1's order
    np.testing.assert_allclose(model.predict(x), alphas * softplus(betas * x), rtol=1e-5)
    (dx, dalphas, dbetas), w = gradients(model, x)
    sig = 1 / (1 + np.exp(-betas * x))
    np.testing.assert_allclose(dx, w * alphas * betas * sig, rtol=1e-4, atol=1e-5)
    np.testing.assert_allclose(dalphas, (w * softplus(betas * x)).sum(0), rtol=1e-4)
    np.testing.assert_allclose(dbetas, (w * alphas * x * sig).sum(0), rtol=1e-4, atol=1e-5)
    shared = ParametricSoftplus(alpha_init=0.5, beta_init=1.0, shared_axes=[1],
                                input_shape=(3, 5))
    assert [w.shape for w in Sequential([shared]).layers[0].get_weights()] == [(1, 5), (1, 5)]


def srelu_reference(x, t_left, a_left, t_right, a_right):
    t_r = t_left + np.abs(t_right)
    return np.where(x <= t_left, t_left + a_left * (x - t_left),
                    np.where(x >= t_r, t_r + a_right * (x - t_r), x))


def test_srelu_matches_numpy_with_gradients():
    x = np.random.RandomState(5).uniform(-3, 3, (8, 6)).astype(np.float32)
    model = Sequential([SReLU(input_shape=(6,))])
    t_left = np.random.RandomState(6).uniform(-1, 0, 6).astype(np.float32)
    a_left = np.random.RandomState(7).uniform(0, 0.5, 6).astype(np.float32)
    t_right = np.random.RandomState(8).uniform(-2, 2, 6).astype(np.float32)
    a_right = np.random.RandomState(9).uniform(0.5, 2, 6).astype(np.float32)
    model.layers[0].set_weights([t_left, a_left, t_right, a_right])
    np.testing.assert_allclose(model.predict(x),
                               srelu_reference(x, t_left, a_left, t_right, a_right),
                               rtol=1e-5, atol=1e-6)
    (dx, dt_left, da_left, dt_right, da_right), w = gradients(model, x)
    t_r = t_left + np.abs(t_right)
    left, right = x <= t_left, x >= t_r
    np.testing.assert_allclose(dx, w * np.where(left, a_left, np.where(right, a_right, 1)),
                               rtol=1e-5)
    np.testing.assert_allclose(dt_left, (w * (left * (1 - a_left) + right * (1 - a_right))).sum(0),
                               rtol=1e-4, atol=1e-5)
    np.testing.assert_allclose(da_left, (w * left * (x - t_left)).sum(0), rtol=1e-4, atol=1e-5)
    np.testing.assert_allclose(dt_right, (w * right * (1 - a_right)).sum(0) * np.sign(t_right),
                               rtol=1e-4, atol=1e-5)
    np.testing.assert_allclose(da_right, (w * right * (x - t_r)).sum(0), rtol=1e-4, atol=1e-5)


def test_keras1_activations_save_load_and_configs(tmp_path):
    inputs = Input(shape=(4, 3))
    x = ParametricSoftplus(alpha_init=0.3, beta_init=2.0, shared_axes=1)(inputs)
    outputs = SReLU(t_right_init='uniform', shared_axes=[1])(layers.Dense(3)(x))
    model = Model(inputs, outputs)
    model.compile('sgd', 'mse')
    data = np.random.RandomState(10).rand(16, 4, 3).astype(np.float32)
    model.fit(data, np.random.RandomState(11).rand(16, 4, 3), epochs=2, verbose=0)
    path = str(tmp_path / 'keras1_activations.h5')
    model.save(path)
    restored = load_model(path)
    np.testing.assert_allclose(restored.predict(data), model.predict(data), rtol=1e-5, atol=1e-6)
    config = restored.layers[1].get_config()
    assert config['alpha_init'] == pytest.approx(0.3) and config['shared_axes'] == [1]
    srelu = restored.layers[3].get_config()
    assert srelu['t_left_init'] == 'zero' and srelu['t_right_init'] == 'uniform'
    # Keras 1.2.2's config (no shared_axes) and the strict keys.
    keras1 = layers.deserialize({'class_name': 'SReLU', 'config': {
        'name': 's', 'trainable': True, 't_left_init': 'zero', 'a_left_init': 'glorot_uniform',
        't_right_init': 'glorot_uniform', 'a_right_init': 'one'}})
    assert keras1.name == 's'
    with pytest.raises(ValueError, match="'alpha_initializer'"):
        ParametricSoftplus.from_config({'alpha_initializer': 0.2})
    with pytest.raises(TypeError, match='Keyword argument not understood'):
        SReLU(t_left_initializer='zero')
    with pytest.raises(ValueError, match='1-based'):
        SReLU(shared_axes=[0])
    assert str(inspect.signature(SReLU)) == (
        "(t_left_init='zero', a_left_init='glorot_uniform', t_right_init='glorot_uniform', "
        "a_right_init='one', shared_axes=None, **kwargs)")
