"""Every public name of Keras 1.2.2 and 2.2.4 is where Keras puts it in keras_cpp, except those
tools/keras_api/missing.json lists with their reasons (issue 12: "the note lists every Keras
public name still missing, with the reason"); and the names added for that list do what Keras's
do."""
import importlib
import json
import os

import numpy as np
import pytest

import keras_cpp as keras
from keras_cpp import backend as K

TOOLS = os.path.join(os.path.dirname(__file__), '..', '..', 'tools', 'keras_api')


def _load(name):
    with open(os.path.join(TOOLS, name), encoding='utf-8') as f:
        return json.load(f)


KERAS_NAMES = {version: _load('keras_%s.json' % version.replace('.', '_'))
               for version in ('1.2.2', '2.2.4')}
MISSING = _load('missing.json')['missing']


def _cpp_module(keras_module):
    return importlib.import_module('keras_cpp' + keras_module[len('keras'):])


def _modules():
    return sorted({m for names in KERAS_NAMES.values() for m in names})


def test_the_name_lists_are_keras():
    """The lists are Keras's (a few well-known names per version), so a broken extraction
    cannot pass as an empty list."""
    k1, k2 = KERAS_NAMES['1.2.2'], KERAS_NAMES['2.2.4']
    assert {'Dense', 'Merge', 'merge', 'TimeDistributedDense',
            'Convolution2D'} <= set(k1['keras.layers'])
    assert {'Dense', 'Conv2D', 'add', 'CuDNNLSTM', 'Input'} <= set(k2['keras.layers'])
    assert {'Input', 'Model', 'Sequential'} == set(k2['keras'])
    assert 'fmeasure' in k1['keras.metrics'] and 'fmeasure' not in k2['keras.metrics']
    assert {'image_dim_ordering', 'batch_dot', 'ctc_cost'} <= set(k1['keras.backend'])
    assert {'to_categorical', 'Sequence', 'multi_gpu_model'} <= set(k2['keras.utils'])
    assert sum(map(len, k1.values())) > 500 and sum(map(len, k2.values())) > 700


@pytest.mark.parametrize('module', _modules())
def test_every_keras_name_is_there_or_listed_missing(module):
    names = set()
    for version_names in KERAS_NAMES.values():
        names |= set(version_names.get(module, []))
    listed = MISSING.get(module, {})
    try:
        cpp = _cpp_module(module)
    except ImportError:
        cpp = None
    absent = {n for n in names if cpp is None or not hasattr(cpp, n)}
    unlisted = sorted(absent - set(listed))
    assert not unlisted, ('keras_cpp%s lacks Keras names %s: add them, or list them in '
                          'tools/keras_api/missing.json with the reason'
                          % (module[len('keras'):], unlisted))
    present_but_listed = sorted(set(listed) - absent)
    assert not present_but_listed, ('%s now has %s: delete their entries from '
                                    'tools/keras_api/missing.json' % (module, present_but_listed))


def test_every_missing_name_is_a_keras_name_with_a_reason():
    for module, entries in MISSING.items():
        known = set()
        for version_names in KERAS_NAMES.values():
            known |= set(version_names.get(module, []))
        for name, reason in entries.items():
            assert name in known, '%s.%s is not a Keras public name' % (module, name)
            assert isinstance(reason, str) and len(reason) > 20, (module, name)


# The names added for the list, each doing what Keras's does.

def test_layer_aliases_are_keras_aliases():
    from keras_cpp.layers import convolutional, pooling
    assert convolutional.AtrousConv1D is convolutional.AtrousConvolution1D
    assert convolutional.AtrousConv2D is convolutional.AtrousConvolution2D
    assert convolutional.Deconv2D is convolutional.Deconvolution2D
    assert convolutional.Deconv3D is convolutional.Deconvolution3D is convolutional.Conv3DTranspose
    assert pooling.GlobalMaxPool3D is pooling.GlobalMaxPooling3D
    assert keras.layers.GlobalAvgPool3D is keras.layers.GlobalAveragePooling3D
    x = np.random.rand(2, 3, 4, 5, 6).astype('float32')
    model = keras.models.Sequential([keras.layers.GlobalAvgPool3D(input_shape=(3, 4, 5, 6))])
    np.testing.assert_allclose(model.predict(x), x.mean(axis=(1, 2, 3)), rtol=1e-5)
    model = keras.models.Sequential([keras.layers.Deconv3D(2, (2, 2, 2), strides=(2, 2, 2),
                                                           input_shape=(3, 3, 3, 1))])
    assert model.output_shape == (None, 6, 6, 6, 2)


def test_keras1_metric_aliases():
    from keras_cpp import metrics
    assert metrics.fscore is metrics.f1score is metrics.fmeasure


def test_l1l2_regularizer_keras1():
    from keras_cpp import regularizers
    reg = regularizers.L1L2Regularizer(l1=0.1, l2=0.2)
    w = K.variable(np.array([[1., -2.], [3., 0.]], dtype='float32'))
    assert np.isclose(K.eval(reg(w)), 0.1 * 6 + 0.2 * 14)
    again = regularizers.deserialize({'class_name': 'L1L2Regularizer',
                                      'config': {'l1': 0.1, 'l2': 0.2}})
    assert again.get_config() == {'l1': 0.1, 'l2': 0.2}


def test_topology_list_helpers_keras1():
    from keras_cpp.engine import topology
    a, b = object(), object()
    assert topology.to_list(a) == [a] and topology.to_list([a, b]) == [a, b]
    assert topology.object_list_uid([a, b]) == '%d, %d' % (abs(id(a)), abs(id(b)))


def test_models_reexports():
    from keras_cpp import models
    assert models.Input is keras.layers.Input and models.InputLayer is keras.layers.InputLayer
    assert models.Merge is keras.layers.Merge
    x = models.Input(shape=(3,))
    y = keras.layers.Dense(2)(x)
    assert models.get_source_inputs(y) == [x]
    assert models.Model(x, y).output_shape == (None, 2)


def test_keras1_backend_names():
    a = K.variable(np.array([1., 2., 3.], dtype='float32'))
    np.testing.assert_array_equal(K.eval(K.lesser(a, 2.)), [True, False, False])
    np.testing.assert_array_equal(K.eval(K.lesser_equal(a, 2.)), [True, True, False])
    assert K.get_variable_shape(K.variable(np.zeros((2, 5)))) == (2, 5)
    x = K.variable(np.ones((1, 2, 1), dtype='float32'))
    padded = K.eval(K.asymmetric_temporal_padding(x, left_pad=1, right_pad=2))
    np.testing.assert_array_equal(padded[0, :, 0], [0, 1, 1, 0, 0])
    image = K.variable(np.ones((1, 2, 2, 1), dtype='float32'))
    padded = K.eval(K.asymmetric_spatial_2d_padding(image, 1, 0, 0, 2, dim_ordering='tf'))
    assert padded.shape == (1, 3, 4, 1) and padded.sum() == 4 and padded[0, 1, 0, 0] == 1
    channels_first = K.variable(np.ones((1, 1, 2, 2), dtype='float32'))
    assert K.eval(K.asymmetric_spatial_2d_padding(channels_first, 0, 1, 1, 0,
                                                  dim_ordering='th')).shape == (1, 1, 3, 3)
    with pytest.raises(ValueError, match='dim_ordering'):
        K.asymmetric_spatial_2d_padding(image, dim_ordering='channels_last')


def test_optimizer_from_config_keras1():
    from keras_cpp import optimizers
    adam = optimizers.optimizer_from_config({'class_name': 'adam', 'config': {'lr': 0.01}})
    assert isinstance(adam, optimizers.Adam) and np.isclose(adam.get_config()['lr'], 0.01)
    sgd = optimizers.optimizer_from_config({'class_name': 'SGD', 'config': {'lr': 0.5}})
    assert isinstance(sgd, optimizers.SGD)

    class MySGD(optimizers.SGD):
        pass

    mine = optimizers.optimizer_from_config({'class_name': 'MySGD', 'config': {'lr': 0.2}},
                                            custom_objects={'MySGD': MySGD})
    assert isinstance(mine, MySGD)
    with pytest.raises(ValueError, match='Optimizer class not found: Foo'):
        optimizers.optimizer_from_config({'class_name': 'Foo', 'config': {}})


def test_clip_norm():
    from keras_cpp.optimizers import clip_norm
    g = K.variable(np.array([3., 4.], dtype='float32'))
    n = K.sqrt(K.sum(K.square(g)))
    np.testing.assert_allclose(K.eval(clip_norm(g, 1., n)), [0.6, 0.8], rtol=1e-6)
    np.testing.assert_allclose(K.eval(clip_norm(g, 10., n)), [3., 4.])
    assert clip_norm(g, 0., n) is g


def test_initializers_serialize_deserialize():
    from keras_cpp import initializers
    config = initializers.serialize(initializers.RandomNormal(stddev=0.3))
    assert config == {'class_name': 'RandomNormal',
                      'config': {'mean': 0., 'stddev': 0.3, 'seed': None}}
    again = initializers.deserialize(config)
    assert isinstance(again, initializers.RandomNormal) and again.stddev == 0.3
    glorot = initializers.serialize(initializers.glorot_uniform())
    assert glorot == {'class_name': 'VarianceScaling',
                      'config': {'scale': 1., 'mode': 'fan_avg', 'distribution': 'uniform',
                                 'seed': None}}
    assert isinstance(initializers.deserialize(glorot), initializers.VarianceScaling)
    assert initializers.deserialize('glorot_uniform') is initializers.glorot_uniform
    with pytest.raises(ValueError, match='Unknown initializer: Nope'):
        initializers.deserialize({'class_name': 'Nope', 'config': {}})


def test_count_total_params_keras1():
    from keras_cpp.utils.layer_utils import count_total_params
    inner = keras.models.Sequential([keras.layers.Dense(3, input_dim=4),
                                     keras.layers.BatchNormalization()])
    x = keras.layers.Input(shape=(4,))
    outer = keras.models.Model(x, keras.layers.Dense(1)(inner(x)))
    # Dense 4*3+3, BatchNormalization gamma/beta 6 trainable and mean/variance 6 not, Dense 3+1.
    assert count_total_params(outer.layers) == (15 + 6 + 4, 6)
    dense = outer.layers[-1]
    assert count_total_params([dense, dense]) == (4, 0)  # each layer counted once
    assert count_total_params([dense], {dense}) == (0, 0)


def test_layers_deserialize_keras_object():
    from keras_cpp.utils.generic_utils import deserialize_keras_object
    assert keras.layers.deserialize_keras_object is deserialize_keras_object


def test_keras1_training_array_helpers():
    from keras_cpp.engine.training import batch_shuffle, make_batches, slice_X
    assert make_batches(10, 4) == [(0, 4), (4, 8), (8, 10)]
    x = np.arange(10)
    np.testing.assert_array_equal(slice_X(x, 2, 5), [2, 3, 4])
    np.testing.assert_array_equal(slice_X(x, np.array([7, 1])), [7, 1])
    first, second = slice_X([x, x * 10], 1, 3)
    np.testing.assert_array_equal(second, [10, 20])
    shuffled = batch_shuffle(np.arange(10), 3)
    assert sorted(shuffled) == list(range(10)) and shuffled[-1] == 9
    batches = [tuple(shuffled[i:i + 3]) for i in range(0, 9, 3)]
    assert sorted(batches) == [(0, 1, 2), (3, 4, 5), (6, 7, 8)]


def _power_method_penalty(k, w):
    """Keras 1.2.2's EigenvalueRegularizer in numpy: 9 power-method steps from ones."""
    covariance = w.T.astype('float64') @ w
    vector = covariance @ np.ones((covariance.shape[0], 1))
    for _ in range(8):
        vector = covariance @ vector
    value = ((covariance @ vector).T @ vector) / (vector.T @ vector)
    assert np.isclose(value, np.linalg.eigvalsh(covariance).max(), rtol=1e-2)
    return k * np.sqrt(value.item())


def test_eigenvalue_regularizer_keras1():
    from keras_cpp import regularizers
    w = np.random.rand(5, 3).astype('float32')
    reg = regularizers.EigenvalueRegularizer(0.5)
    expected = _power_method_penalty(0.5, w)
    np.testing.assert_allclose(K.eval(reg(K.variable(w))), expected, rtol=1e-4)
    with pytest.raises(ValueError, match='only available for tensors of rank 2'):
        reg(K.variable(np.ones((2, 2, 2))))
    model = keras.models.Sequential([keras.layers.Dense(2, input_dim=3,
                                                        kernel_regularizer=reg)])
    model.compile('sgd', 'mse')
    kernel = model.layers[0].get_weights()[0]
    penalty = _power_method_penalty(0.5, kernel)
    x, y = np.ones((4, 3)), np.zeros((4, 2))
    mse = np.mean((model.predict(x) - y) ** 2)
    np.testing.assert_allclose(model.evaluate(x, y, verbose=0), mse + penalty, rtol=1e-4)


def test_convert_dense_weights_data_format():
    from keras_cpp.utils.layer_utils import convert_dense_weights_data_format
    dense = keras.layers.Dense(2, input_dim=2 * 3 * 4)
    keras.models.Sequential([dense])
    kernel, bias = dense.get_weights()
    convert_dense_weights_data_format(dense, (4, 2, 3), 'channels_first')
    # Row (h, w, c) of the channels_last kernel moves to row (c, h, w).
    expected = kernel.reshape(2, 3, 4, 2).transpose(2, 0, 1, 3).reshape(24, 2)
    np.testing.assert_array_equal(dense.get_weights()[0], expected)
    convert_dense_weights_data_format(dense, (2, 3, 4), 'channels_last')
    np.testing.assert_array_equal(dense.get_weights()[0], kernel)
    with pytest.raises(ValueError, match='target_data_format'):
        convert_dense_weights_data_format(dense, (2, 3, 4), 'th')


def test_callback_list_calls_each_callback():
    calls = []

    class Recorder(keras.callbacks.Callback):
        def __init__(self, tag):
            self.tag = tag

        def on_epoch_begin(self, epoch, logs=None):
            calls.append((self.tag, 'epoch_begin', epoch))

        def on_batch_end(self, batch, logs=None):
            calls.append((self.tag, 'batch_end', batch, logs['loss']))

        def on_train_end(self, logs=None):
            calls.append((self.tag, 'train_end'))

    callbacks = keras.callbacks.CallbackList([Recorder('a')])
    callbacks.append(Recorder('b'))
    callbacks.set_params({'epochs': 1, 'metrics': ['loss']})
    callbacks.on_epoch_begin(0)
    callbacks.on_batch_begin(0, {})
    callbacks.on_batch_end(0, {'loss': 2.0})
    callbacks.on_train_end()
    assert calls == [('a', 'epoch_begin', 0), ('b', 'epoch_begin', 0),
                     ('a', 'batch_end', 0, 2.0), ('b', 'batch_end', 0, 2.0),
                     ('a', 'train_end'), ('b', 'train_end')]
    assert [(c.params['epochs'], c.params['metrics']) for c in callbacks] == [(1, ['loss'])] * 2


def test_base_logger_averages_like_fit():
    logger = keras.callbacks.BaseLogger(stateful_metrics=['lr'])
    logger.set_params({'metrics': ['loss', 'lr']})
    logger.on_epoch_begin(0)
    logger.on_batch_end(0, {'size': 3, 'loss': 1.0, 'lr': 0.1})
    logger.on_batch_end(1, {'size': 1, 'loss': 5.0, 'lr': 0.2})
    logs = {}
    logger.on_epoch_end(0, logs)
    assert logs == {'loss': 2.0, 'lr': 0.2}

    seen = {}
    record = keras.callbacks.LambdaCallback(on_epoch_end=lambda e, logs: seen.update(logs))
    model = keras.models.Sequential([keras.layers.Dense(1, input_dim=2)])
    model.compile('sgd', 'mse', metrics=['mae'])
    x, y = np.random.rand(10, 2), np.random.rand(10, 1)
    history = model.fit(x, y, batch_size=4, epochs=1, verbose=0,
                        callbacks=[keras.callbacks.BaseLogger(), record])
    assert np.isclose(seen['loss'], history.history['loss'][0], rtol=1e-5)
    assert np.isclose(seen['mean_absolute_error'], history.history['mean_absolute_error'][0],
                      rtol=1e-5)


def test_remote_monitor_posts_each_epoch():
    import http.server
    import threading
    import urllib.parse
    received = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_POST(self):
            body = self.rfile.read(int(self.headers['Content-Length'])).decode()
            received.append((self.path, self.headers['Content-Type'], body))
            self.send_response(200)
            self.end_headers()

        def log_message(self, *args):
            pass

    server = http.server.HTTPServer(('127.0.0.1', 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        root = 'http://127.0.0.1:%d' % server.server_port
        form = keras.callbacks.RemoteMonitor(root=root)
        form.on_epoch_end(3, {'loss': np.float32(0.5)})
        as_json = keras.callbacks.RemoteMonitor(root=root, path='/json', send_as_json=True)
        as_json.on_epoch_end(4, {'loss': 0.25})
    finally:
        server.shutdown()
        server.server_close()
    path, content_type, body = received[0]
    assert path == '/publish/epoch/end/'
    assert json.loads(urllib.parse.parse_qs(body)['data'][0]) == {'epoch': 3, 'loss': 0.5}
    assert received[1][:2] == ('/json', 'application/json')
    assert json.loads(received[1][2]) == {'epoch': 4, 'loss': 0.25}
    with pytest.warns(UserWarning, match='could not reach RemoteMonitor root server'):
        keras.callbacks.RemoteMonitor(root=root).on_epoch_end(0, {})


def test_apply_transform_keras1():
    from keras_cpp.preprocessing.image import apply_transform
    x = np.arange(2 * 3 * 4, dtype='float32').reshape(2, 3, 4)  # channels first
    identity = np.eye(3)
    np.testing.assert_array_equal(apply_transform(x, identity), x)
    shift = np.array([[1, 0, 1], [0, 1, 0], [0, 0, 1]])  # output row r reads input row r + 1
    shifted = apply_transform(x, shift, channel_axis=0, fill_mode='constant', cval=-1.)
    np.testing.assert_array_equal(shifted[:, :2], x[:, 1:])
    assert (shifted[:, 2] == -1).all()
    last = np.moveaxis(x, 0, -1)  # channels last
    np.testing.assert_array_equal(apply_transform(last, shift, channel_axis=2),
                                  np.moveaxis(apply_transform(x, shift), 0, -1))


def test_urlretrieve_is_pythons(tmp_path):
    from keras_cpp.utils.data_utils import urlretrieve
    source = tmp_path / 'a.txt'
    source.write_text('keras')
    target = tmp_path / 'b.txt'
    urlretrieve(source.as_uri(), str(target))
    assert target.read_text() == 'keras'


def test_keras1_deconv2d():
    kernel = np.random.rand(3, 3, 1, 2).astype('float32')  # Keras 1: (rows, cols, in, filters)
    one_pixel = K.variable(np.ones((1, 1, 1, 1), dtype='float32'))
    out = K.eval(K.deconv2d(one_pixel, K.variable(kernel), (1, 3, 3, 2), dim_ordering='tf'))
    np.testing.assert_allclose(out[0], kernel[:, :, 0, :], rtol=1e-6)
    th_kernel = np.transpose(kernel, (3, 2, 0, 1))  # (filters, in, rows, cols)
    out = K.eval(K.deconv2d(K.variable(np.ones((1, 1, 1, 1), dtype='float32')),
                            K.variable(th_kernel), (1, 2, 3, 3), dim_ordering='th'))
    np.testing.assert_allclose(out[0], np.transpose(kernel[:, :, 0, :], (2, 0, 1)), rtol=1e-6)
    with pytest.raises(ValueError, match='Invalid border mode: full'):
        K.deconv2d(one_pixel, K.variable(kernel), (1, 3, 3, 2), border_mode='full',
                   dim_ordering='tf')


def test_keras1_atrous_conv2d():
    x = np.random.rand(1, 5, 5, 1).astype('float32')
    kernel = np.random.rand(2, 2, 1, 1).astype('float32')
    expected = np.zeros((3, 3))
    for i in range(3):
        for j in range(3):
            expected[i, j] = sum(kernel[a, b, 0, 0] * x[0, i + 2 * a, j + 2 * b, 0]
                                 for a in range(2) for b in range(2))
    out = K.eval(K.atrous_conv2d(K.variable(x), K.variable(kernel), rate=2, dim_ordering='tf'))
    np.testing.assert_allclose(out[0, :, :, 0], expected, rtol=1e-5)
    out = K.eval(K.atrous_conv2d(K.variable(np.transpose(x, (0, 3, 1, 2))),
                                 K.variable(np.transpose(kernel, (3, 2, 0, 1))), rate=2,
                                 dim_ordering='th'))
    np.testing.assert_allclose(out[0, 0], expected, rtol=1e-5)
    with pytest.raises(ValueError, match='Unknown dim_ordering channels_last'):
        K.atrous_conv2d(K.variable(x), K.variable(kernel), dim_ordering='channels_last')
