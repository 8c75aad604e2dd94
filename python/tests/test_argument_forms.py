"""Issue 12 item 3: arguments in every form Keras 2.2.4 / 1.2.2 accepts. Initializers,
regularizers, constraints and activations as names, objects and callables wherever a layer takes
a name; initializer objects called on a shape; weights= on layers (RNNs included); Keras 1's
BatchNormalization(mode=...), dim_ordering='default', compile(**kwargs); Embedding's
input_length=(None, 5). Each test is one form, written from Keras's documented behaviour."""
import json
import warnings

import numpy as np
import pytest

import keras_cpp as keras
from keras_cpp import backend as K
from keras_cpp import constraints, initializers, regularizers
from keras_cpp.layers import (GRU, LSTM, BatchNormalization, Conv1D, Conv2D, Dense, Embedding,
                              Input, SimpleRNN)
from keras_cpp.models import Model, Sequential, model_from_json

X = np.random.RandomState(0).rand(16, 4).astype('float32')
Y = np.random.RandomState(1).rand(16, 2).astype('float32')


class HalfL1(regularizers.Regularizer):
    """A Keras 2 custom regularizer: __call__(x) and get_config()."""

    def __init__(self, rate=0.5):
        self.rate = rate

    def __call__(self, x):
        return self.rate * K.sum(K.abs(x))

    def get_config(self):
        return {'rate': self.rate}


class ClipTo(constraints.Constraint):
    """A Keras 2 custom constraint: __call__(w) and get_config()."""

    def __init__(self, bound=0.1):
        self.bound = bound

    def __call__(self, w):
        return K.clip(w, -self.bound, self.bound)

    def get_config(self):
        return {'bound': self.bound}


def test_custom_regularizer_object_on_a_layer_adds_its_penalty():
    layer = Dense(2, kernel_initializer='ones', kernel_regularizer=HalfL1(0.25), input_shape=(4,))
    model = Sequential([layer])
    model.compile('sgd', 'mse')
    assert len(model.losses) == 1
    # The penalty is in the loss: SGD with lr 0 leaves the weights, evaluate = mse + penalty.
    mse = np.mean((X.sum(axis=1, keepdims=True).repeat(2, 1) - Y) ** 2)
    np.testing.assert_allclose(model.evaluate(X, Y, verbose=0), mse + 0.25 * 8, rtol=1e-5)


def test_custom_regularizer_object_serializes_by_class_name():
    layer = Dense(2, kernel_regularizer=HalfL1(0.25), activity_regularizer=HalfL1(),
                  input_shape=(4,))
    config = layer.get_config()
    assert config['kernel_regularizer']['class_name'] == 'HalfL1'
    assert config['activity_regularizer']['class_name'] == 'HalfL1'


def test_custom_constraint_object_is_applied_after_each_update():
    model = Sequential([Dense(2, kernel_constraint=ClipTo(0.1), bias_constraint=ClipTo(0.05),
                              input_shape=(4,))])
    model.compile(keras.optimizers.SGD(lr=1.0), 'mse')
    model.fit(X, Y * 100, epochs=1, batch_size=16, verbose=0)
    kernel, bias = model.get_weights()
    assert np.abs(kernel).max() <= 0.1 + 1e-6 and np.abs(bias).max() <= 0.05 + 1e-6
    assert model.layers[0].get_config()['kernel_constraint']['class_name'] == 'ClipTo'


def test_regularizer_and_constraint_functions_and_builtin_objects():
    def l1_fn(w):
        return 0.1 * K.sum(K.abs(w))

    def nonneg_fn(w):
        return w * K.cast(K.greater_equal(w, 0.), K.floatx())

    model = Sequential([Dense(2, kernel_regularizer=l1_fn, kernel_constraint=nonneg_fn,
                              bias_regularizer=regularizers.l2(0.01),
                              bias_constraint=constraints.max_norm(1.), input_shape=(4,))])
    model.compile('sgd', 'mse')
    model.fit(X, Y, epochs=1, batch_size=8, verbose=0)
    assert len(model.losses) == 2
    assert model.get_weights()[0].min() >= 0.
    config = model.layers[0].get_config()
    assert config['bias_regularizer'] == {'class_name': 'L1L2',
                                          'config': {'l1': 0., 'l2': pytest.approx(0.01)}}
    assert config['bias_constraint']['class_name'] == 'MaxNorm'


def test_initializer_objects_with_arguments_on_dense():
    layer = Dense(64, kernel_initializer=initializers.RandomNormal(stddev=0.01, seed=1),
                  bias_initializer=initializers.Constant(0.5), input_shape=(100,))
    Sequential([layer])
    kernel, bias = layer.get_weights()
    assert 0.005 < kernel.std() < 0.015
    np.testing.assert_array_equal(bias, np.full(64, 0.5))
    config = layer.get_config()
    assert config['kernel_initializer'] == {
        'class_name': 'RandomNormal', 'config': {'mean': 0., 'stddev': 0.01, 'seed': 1}}
    assert config['bias_initializer'] == {'class_name': 'Constant', 'config': {'value': 0.5}}
    again = Dense.from_config(config)
    Sequential([again])
    np.testing.assert_array_equal(again.get_weights()[0], kernel)  # the same seed


def test_initializer_factories_with_a_seed():
    a = Dense(3, kernel_initializer=initializers.glorot_uniform(seed=7), input_shape=(5,))
    b = Dense(3, kernel_initializer=initializers.glorot_uniform(seed=7), input_shape=(5,))
    Sequential([a])
    Sequential([b])
    np.testing.assert_array_equal(a.get_weights()[0], b.get_weights()[0])
    limit = np.sqrt(6. / 8)
    assert np.abs(a.get_weights()[0]).max() <= limit


def test_initializer_objects_on_conv_recurrent_embedding_and_batchnorm():
    ones, zeros = initializers.Ones(), initializers.Zeros()
    const = initializers.Constant(value=2.)
    conv1 = Conv1D(2, 3, kernel_initializer=const, bias_initializer=ones, input_shape=(5, 1))
    conv2 = Conv2D(2, 3, kernel_initializer=const, input_shape=(5, 5, 1))
    rnn = SimpleRNN(2, kernel_initializer=const, recurrent_initializer=initializers.Identity(),
                    bias_initializer=ones, input_shape=(3, 1))
    lstm = LSTM(2, kernel_initializer=const, recurrent_initializer=initializers.Orthogonal(gain=2.),
                input_shape=(3, 1))
    gru = GRU(2, kernel_initializer=const, input_shape=(3, 1))
    emb = Embedding(10, 3, embeddings_initializer=initializers.RandomUniform(-1., 1., seed=3),
                    input_length=4)
    bn = BatchNormalization(gamma_initializer=const, beta_initializer=ones,
                            moving_mean_initializer=initializers.Constant(0.25),
                            moving_variance_initializer=const, input_shape=(3,))
    for layer in (conv1, conv2, rnn, lstm, gru, emb, bn):
        Sequential([layer])
    assert np.all(conv1.get_weights()[0] == 2.) and np.all(conv1.get_weights()[1] == 1.)
    assert np.all(conv2.get_weights()[0] == 2.)
    np.testing.assert_allclose(rnn.get_weights()[1], np.eye(2))
    recurrent = lstm.get_weights()[1]
    np.testing.assert_allclose(recurrent.dot(recurrent.T), 4. * np.eye(2), atol=1e-5)
    assert np.all(gru.get_weights()[0] == 2.)
    assert np.abs(emb.get_weights()[0]).max() <= 1. and emb.get_weights()[0].std() > 0.3
    gamma, beta, mean, var = bn.get_weights()
    assert np.all(gamma == 2.) and np.all(beta == 1.) and np.all(mean == .25) and np.all(var == 2.)
    assert bn.get_config()['moving_mean_initializer'] == {'class_name': 'Constant',
                                                          'config': {'value': 0.25}}


def test_initializer_as_a_config_dict_class_or_keras1_function():
    from keras_cpp import initializations
    a = Dense(3, kernel_initializer={'class_name': 'Constant', 'config': {'value': 4.}},
              bias_initializer=initializers.Ones, input_shape=(2,))
    b = Dense(3, init=initializations.glorot_uniform, input_shape=(2,))
    Sequential([a])
    Sequential([b])
    assert np.all(a.get_weights()[0] == 4.) and np.all(a.get_weights()[1] == 1.)
    assert b.get_config()['kernel_initializer']['config']['mode'] == 'fan_avg'
    with pytest.raises(ValueError, match='initializer'):
        Dense(3, kernel_initializer=object())


def my_init(shape, dtype=None):
    """A Keras 2 custom initializer: a function of (shape, dtype)."""
    return K.random_normal(shape, stddev=3., dtype=dtype)


def test_custom_initializer_functions_and_classes_on_layers():
    class Twos(initializers.Initializer):
        def __call__(self, shape, dtype=None):
            return np.full(shape, 2., 'float32')

    dense = Dense(50, kernel_initializer=my_init, bias_initializer=Twos(), input_shape=(40,))
    lstm = LSTM(3, recurrent_initializer=lambda shape, dtype=None: np.ones(shape),
                input_shape=(2, 4))
    Sequential([dense])
    Sequential([lstm])
    assert 2.5 < dense.get_weights()[0].std() < 3.5
    assert np.all(dense.get_weights()[1] == 2.) and np.all(lstm.get_weights()[1] == 1.)
    config = dense.get_config()
    assert config['kernel_initializer'] == 'my_init'  # Keras writes a function's name
    with pytest.raises(ValueError, match='my_init'):  # reading it back needs the function
        Dense.from_config(config)


def test_initializer_object_called_on_a_shape():
    value = initializers.RandomUniform(minval=-0.1, maxval=0.1, seed=2)((3, 4))
    array = K.get_value(value)
    assert array.shape == (3, 4) and np.abs(array).max() <= 0.1
    np.testing.assert_array_equal(K.eval(value), array)
    assert K.get_value(initializers.RandomUniform()((3, 4))).shape == (3, 4)
    np.testing.assert_array_equal(K.eval(initializers.Constant(3.)((2,))), [3., 3.])
    np.testing.assert_array_equal(K.get_value(initializers.Identity()((2, 2))), np.eye(2))


def test_activation_objects_and_callables_on_layers():
    from keras_cpp.layers import LeakyReLU

    def cube(x):
        return x * x * x

    model = Sequential([Dense(2, activation=keras.activations.relu, kernel_initializer='ones',
                              input_shape=(4,)),
                        Dense(2, activation=cube, kernel_initializer='ones'),
                        keras.layers.Activation(keras.activations.sigmoid)])
    s = X.sum(axis=1, keepdims=True)
    want = 1. / (1. + np.exp(-((2 * s) ** 3)))
    np.testing.assert_allclose(model.predict(X), want.repeat(2, 1), rtol=1e-5)
    assert model.layers[0].get_config()['activation'] == 'relu'
    assert model.layers[1].get_config()['activation'] == 'cube'
    # An advanced-activation layer used as an activation, as Keras users do.
    out = Sequential([Dense(2, activation=LeakyReLU(0.5), kernel_initializer=initializers.Constant(
        -1.), input_shape=(4,))]).predict(X)
    np.testing.assert_allclose(out, (-0.5 * s).repeat(2, 1), rtol=1e-5)


def test_weights_argument_on_dense_conv_embedding_and_rnns():
    rng = np.random.RandomState(0)
    dense_w = [rng.rand(4, 2).astype('float32'), rng.rand(2).astype('float32')]
    dense = Dense(2, weights=dense_w, input_shape=(4,))
    Sequential([dense])
    np.testing.assert_array_equal(dense.get_weights()[0], dense_w[0])
    emb_w = [rng.rand(10, 3).astype('float32')]
    emb = Embedding(10, 3, weights=emb_w, input_length=2)
    Sequential([emb])
    np.testing.assert_array_equal(emb.get_weights()[0], emb_w[0])
    for cls, gates in ((SimpleRNN, 1), (GRU, 3), (LSTM, 4)):
        w = [rng.rand(3, 2 * gates).astype('float32'), rng.rand(2, 2 * gates).astype('float32'),
             rng.rand(2 * gates).astype('float32')]
        rnn = cls(2, weights=w, input_shape=(5, 3))
        Sequential([rnn])
        for got, want in zip(rnn.get_weights(), w):
            np.testing.assert_array_equal(got, want)
    conv_w = [rng.rand(3, 1, 2).astype('float32'), rng.rand(2).astype('float32')]
    conv = Conv1D(2, 3, weights=conv_w, input_shape=(5, 1))
    Sequential([conv])
    np.testing.assert_array_equal(conv.get_weights()[0], conv_w[0])
    bn_w = [np.full(3, 2., 'float32'), np.full(3, 1., 'float32'), np.zeros(3, 'float32'),
            np.ones(3, 'float32')]
    bn = BatchNormalization(weights=bn_w, input_shape=(3,))
    Sequential([bn])
    np.testing.assert_array_equal(bn.get_weights()[0], bn_w[0])


def test_keras1_batchnormalization_mode_0_is_the_keras2_layer():
    x = np.random.RandomState(2).randn(32, 3).astype('float32') * 3. + 1.
    layer = BatchNormalization(mode=0, input_shape=(3,))
    model = Sequential([layer])
    model.compile('sgd', 'mse')
    model.fit(x, x, epochs=1, batch_size=32, verbose=0)
    assert 'mode' not in layer.get_config() and model.predict(x).shape == (32, 3)


def test_keras1_batchnormalization_modes_1_and_2():
    x = np.random.RandomState(2).randn(32, 3).astype('float32') * 3. + 1.
    # mode=1: each sample to zero mean over its features.
    out = Sequential([BatchNormalization(mode=1, input_shape=(3,))]).predict(x)
    np.testing.assert_allclose(out.mean(axis=-1), np.zeros(32), atol=1e-4)
    # mode=2: the batch's own statistics when predicting.
    out = Sequential([BatchNormalization(mode=2, input_shape=(3,))]).predict(x)
    np.testing.assert_allclose(out.mean(axis=0), np.zeros(3), atol=1e-4)


def test_keras1_batchnormalization_modes_against_numpy():
    """Keras 1.2.2's formulas: mode 1 (x - mean) / (sqrt(var + eps) + eps) per sample, mode 2
    (x - mean) / sqrt(var + eps) per feature over the batch; gamma and beta after both."""
    x = np.random.RandomState(3).randn(8, 4).astype('float32') * 2. - 1.
    gamma = np.array([1.5, 0.5, 2., 1.], 'float32')
    beta = np.array([0.1, -0.2, 0.3, 0.], 'float32')
    eps = 1e-3
    weights = [gamma, beta, np.zeros(4, 'float32'), np.ones(4, 'float32')]
    for mode, axis in ((1, 1), (2, 0)):
        layer = BatchNormalization(mode=mode, epsilon=eps, weights=weights, input_shape=(4,))
        model = Sequential([layer])
        mean = x.mean(axis=axis, keepdims=True)
        std = np.sqrt(x.var(axis=axis, keepdims=True) + eps)
        expected = (x - mean) / (std + eps if mode == 1 else std) * gamma + beta
        np.testing.assert_allclose(model.predict(x), expected, rtol=1e-4, atol=1e-5)
        again = model_from_json(model.to_json())
        assert again.layers[0].get_config()['mode'] == mode
        again.set_weights(model.get_weights())
        np.testing.assert_allclose(again.predict(x), expected, rtol=1e-4, atol=1e-5)


def test_dim_ordering_default_follows_the_backend_setting():
    from keras_cpp.layers import Convolution2D, MaxPooling2D
    conv = Convolution2D(2, 3, 3, dim_ordering='default', input_shape=(6, 6, 1))
    pool = MaxPooling2D(dim_ordering='default')
    assert conv.get_config()['data_format'] == K.image_data_format()
    assert Sequential([conv, pool]).output_shape == (None, 2, 2, 2)


def test_keras1_compile_ignores_unknown_keywords_with_a_warning():
    model = Sequential([Dense(2, input_shape=(4,))])
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter('always')
        model.compile('sgd', 'mse', some_theano_flag=True)
    assert any('some_theano_flag' in str(w.message) for w in caught)
    assert model.evaluate(X, Y, verbose=0) > 0.


def test_weighted_metrics_use_the_sample_weights():
    model = Sequential([Dense(2, kernel_initializer='zeros', input_shape=(4,))])
    model.compile('sgd', 'mse', metrics=['mae'], weighted_metrics=['mae'])
    weights = np.zeros(16, 'float32')
    weights[:8] = 1.
    loss, mae, weighted_mae = model.evaluate(X, Y, sample_weight=weights, verbose=0)
    np.testing.assert_allclose(mae, np.abs(Y).mean(), rtol=1e-5)
    np.testing.assert_allclose(weighted_mae, np.abs(Y[:8]).mean(), rtol=1e-5)
    # Keras 2.2.4 names them weighted_<metric>, by the metric function's name, in the logs
    # and History too.
    assert model.metrics_names == ['loss', 'mean_absolute_error',
                                   'weighted_mean_absolute_error']
    history = model.fit(X, Y, sample_weight=weights, epochs=1, batch_size=16, verbose=0)
    np.testing.assert_allclose(history.history['weighted_mean_absolute_error'][0],
                               np.abs(Y[:8]).mean(), rtol=1e-4)


def test_layer_call_with_training_argument():
    from keras_cpp.layers import Dropout
    a = Input(shape=(4,))
    always = Dropout(0.5)(a, training=True)
    usual = Dropout(0.5)(a)  # the phase is the run's again after a training= call
    model = Model(a, [always, usual])
    out, same = model.predict(np.ones((64, 4), 'float32'))
    assert np.any(out == 0.) and np.allclose(out[out != 0.], 2.)
    np.testing.assert_array_equal(same, np.ones((64, 4)))
    never = Model(a, Dropout(0.5)(a, training=False))
    never.compile('sgd', 'mse')
    ones = np.ones((64, 4), 'float32')
    assert never.train_on_batch(ones, ones) == 0.  # no dropout while training either


def test_layer_call_with_mask_argument():
    from keras_cpp.layers import Masking
    a = Input(shape=(3, 2))
    mask_source = Masking(0.)(a)
    mask = keras.layers.Lambda(lambda x: K.any(K.not_equal(x, 0.), axis=-1),
                               output_shape=(3,))(a)
    out = SimpleRNN(2, kernel_initializer='ones', recurrent_initializer='zeros',
                    return_sequences=True)(a, mask=mask)
    x = np.ones((1, 3, 2), 'float32')
    x[0, 2] = 0.
    got = Model(a, out).predict(x)
    np.testing.assert_allclose(got[0, 2], got[0, 1])  # the masked step keeps the last output
    assert mask_source is not None


def test_embedding_input_length_with_none():
    layer = Embedding(10, 3, input_length=(None, 5))
    model = Sequential([layer])
    assert model.output_shape == (None, None, 5, 3)
    out = model.predict(np.zeros((2, 4, 5), 'int32'))
    assert out.shape == (2, 4, 5, 3)
    # As Keras's own test: the tuple with an input of a known length.
    a = Input(shape=(2, 5), dtype='int32')
    assert K.int_shape(Embedding(10, 4, input_length=(None, 5))(a)) == (None, 2, 5, 4)


def test_lambda_on_a_list_with_arguments_saved_and_restored():
    from keras_cpp.layers import Lambda

    def weighted_sum(tensors, alpha):
        return tensors[0] * alpha + tensors[1] * (1. - alpha)

    a, b = Input(shape=(2,)), Input(shape=(2,))
    out = Lambda(weighted_sum, arguments={'alpha': 0.25}, name='mix')([a, b])
    model = Model([a, b], out)
    xa, xb = np.ones((3, 2), 'float32'), np.zeros((3, 2), 'float32')
    np.testing.assert_allclose(model.predict([xa, xb]), np.full((3, 2), 0.25))
    again = model_from_json(model.to_json(), custom_objects={'weighted_sum': weighted_sum})
    assert again.get_layer('mix').get_config()['arguments'] == {'alpha': 0.25}
    np.testing.assert_allclose(again.predict([xa, xb]), np.full((3, 2), 0.25))


def test_python_lambda_through_from_config_with_custom_objects():
    from keras_cpp.layers import Lambda

    def triple(x):
        return x * 3.

    layer = Lambda(triple, name='t')
    config = layer.get_config()
    from keras_cpp.layers import deserialize
    rebuilt = deserialize({'class_name': 'Lambda', 'config': config},
                          custom_objects={'triple': triple})
    model = Sequential([Dense(2, kernel_initializer='ones', input_shape=(4,)), rebuilt])
    np.testing.assert_allclose(model.predict(X), 3. * X.sum(1, keepdims=True).repeat(2, 1),
                               rtol=1e-5)


def test_add_loss_with_inputs_and_model_losses():
    class Penalized(keras.layers.Layer):
        def call(self, x):
            self.add_loss(K.sum(K.abs(x)) * 0.0, inputs=x)
            return x

    model = Sequential([Dense(2, input_shape=(4,)), Penalized()])
    model.compile('sgd', 'mse')
    assert len(model.losses) == 1
    model.fit(X, Y, epochs=1, verbose=0)


def test_add_update_and_model_updates():
    class Counter(keras.layers.Layer):
        def build(self, input_shape):
            self.count = self.add_weight('count', (1,), initializer='zeros', trainable=False)

        def call(self, x):
            self.add_update(K.update_add(self.count, K.ones((1,))), inputs=x)
            return x

    layer = Counter()
    model = Sequential([Dense(2, input_shape=(4,)), layer])
    assert len(model.updates) == 1
    model.compile('sgd', 'mse')
    model.fit(X, Y, epochs=1, batch_size=8, verbose=0)
    assert layer.get_weights()[0][0] == 2.


def test_optimizer_get_updates():
    w = K.variable(np.ones((2,), 'float32'))
    loss = K.sum(K.square(w))
    opt = keras.optimizers.SGD(lr=0.1)
    updates = opt.get_updates(loss=loss, params=[w])
    step = K.function([], [loss], updates=updates)
    step([])
    np.testing.assert_allclose(K.get_value(w), [0.8, 0.8], rtol=1e-6)


def test_custom_regularizer_and_constraint_saved_as_keras_writes_them():
    def l1_fn(w):
        return 0.1 * K.sum(K.abs(w))

    model = Sequential([Dense(2, kernel_regularizer=HalfL1(0.25), bias_regularizer=l1_fn,
                              kernel_constraint=ClipTo(0.5), input_shape=(4,))])
    config = json.loads(model.to_json())['config']['layers'][0]['config']
    assert config['kernel_regularizer'] == {'class_name': 'HalfL1', 'config': {'rate': 0.25}}
    assert config['bias_regularizer'] == 'l1_fn'  # Keras serializes a function by its name
    assert config['kernel_constraint'] == {'class_name': 'ClipTo', 'config': {'bound': 0.5}}
    # Keras needs custom_objects to read them back; without, the error names the class.
    with pytest.raises(ValueError, match='HalfL1'):
        model_from_json(model.to_json())


def test_custom_regularizer_loaded_with_custom_objects():
    model = Sequential([Dense(2, kernel_regularizer=HalfL1(0.25), input_shape=(4,))])
    model.compile('sgd', 'mse')
    again = model_from_json(model.to_json(), custom_objects={'HalfL1': HalfL1})
    again.compile('sgd', 'mse')
    again.set_weights(model.get_weights())
    np.testing.assert_allclose(again.evaluate(X, Y, verbose=0), model.evaluate(X, Y, verbose=0),
                               rtol=1e-5)
    assert again.layers[0].get_config()['kernel_regularizer'] == {'class_name': 'HalfL1',
                                                                  'config': {'rate': 0.25}}


def test_one_custom_objects_dict_resolves_every_kind_by_name():
    """Keras's custom_objects is one dict; each name resolves where the config uses it."""
    def twos(shape, dtype=None):
        return np.full(shape, 2., 'float32')

    def doubled(x):
        return 2. * x

    model = Sequential([Dense(2, kernel_initializer=twos, activation=doubled,
                              kernel_regularizer=HalfL1(0.5), kernel_constraint=ClipTo(3.),
                              input_shape=(4,))])
    with pytest.raises(ValueError, match='ClipTo'):
        model_from_json(model.to_json(), custom_objects={'HalfL1': HalfL1, 'twos': twos,
                                                         'doubled': doubled})
    objects = {'HalfL1': HalfL1, 'ClipTo': ClipTo, 'twos': twos, 'doubled': doubled}
    again = model_from_json(model.to_json(), custom_objects=objects)
    np.testing.assert_array_equal(again.get_weights()[0], np.full((4, 2), 2., 'float32'))
    config = again.layers[0].get_config()
    assert config['kernel_constraint'] == {'class_name': 'ClipTo', 'config': {'bound': 3.}}
    assert config['kernel_initializer'] == 'twos' and config['activation'] == 'doubled'
    np.testing.assert_allclose(again.predict(X), model.predict(X), rtol=1e-6)
    with keras.utils.CustomObjectScope(objects):
        assert len(model_from_json(model.to_json()).losses) == 1


def test_weights_argument_on_wrappers():
    from keras_cpp.layers import Bidirectional, TimeDistributed
    rng = np.random.RandomState(0)
    # Keras 2.2.4's Bidirectional: the first half of the list is the forward layer's.
    rnn_w = [rng.rand(*s).astype('float32') for s in ((3, 2), (2, 2), (2,)) * 2]
    bidirectional = Bidirectional(SimpleRNN(2), weights=rnn_w, input_shape=(4, 3))
    dense_w = [rng.rand(3, 2).astype('float32'), rng.rand(2).astype('float32')]
    distributed = TimeDistributed(Dense(2), weights=dense_w, input_shape=(4, 3))
    for layer, weights in ((bidirectional, rnn_w), (distributed, dense_w)):
        Sequential([layer])
        for got, want in zip(layer.get_weights(), weights):
            np.testing.assert_array_equal(got, want)
