"""Keras 1.2.2's and 2.2.4's public modules and names, where Keras puts them, doing what Keras's
do (issue 12 item 1)."""
import importlib
import os

import numpy as np
import pytest

import keras_cpp as keras
from keras_cpp import backend as K


@pytest.mark.parametrize('module, names', [
    ('keras_cpp', ['Input', 'Model', 'Sequential']),
    ('keras_cpp.engine', ['Input', 'InputLayer', 'InputSpec', 'Layer', 'Model', 'Merge', 'merge',
                          'get_source_inputs']),
    ('keras_cpp.engine.topology', ['Input', 'InputLayer', 'InputSpec', 'Layer', 'Merge', 'merge',
                                   'Container', 'Network', 'get_source_inputs']),
    ('keras_cpp.engine.training', ['Model']),
    ('keras_cpp.engine.base_layer', ['Layer', 'InputSpec']),
    ('keras_cpp.engine.input_layer', ['Input', 'InputLayer']),
    ('keras_cpp.engine.network', ['Network', 'get_source_inputs']),
    ('keras_cpp.engine.sequential', ['Sequential']),
    ('keras_cpp.layers', ['Layer', 'InputSpec', 'Input', 'InputLayer', 'Merge', 'merge']),
    ('keras_cpp.layers.core', ['Merge', 'Dense', 'Highway', 'MaxoutDense']),
    ('keras_cpp.legacy.layers', ['Merge', 'merge', 'MaxoutDense', 'Highway', 'Recurrent',
                                 'AtrousConvolution1D', 'AtrousConvolution2D']),
    ('keras_cpp.legacy.interfaces', ['generate_legacy_interface', 'legacy_dense_support',
                                     'legacy_dropout_support', 'legacy_get_updates_support']),
    ('keras_cpp.utils', ['Sequence', 'GeneratorEnqueuer', 'OrderedEnqueuer', 'SequenceEnqueuer',
                         'to_categorical', 'normalize', 'plot_model', 'model_to_dot', 'Progbar',
                         'get_file', 'HDF5Matrix', 'CustomObjectScope', 'custom_object_scope',
                         'get_custom_objects', 'serialize_keras_object',
                         'deserialize_keras_object', 'multi_gpu_model', 'print_summary',
                         'convert_all_kernels_in_model', 'get_source_inputs']),
    ('keras_cpp.utils.generic_utils', ['Progbar', 'get_from_module', 'serialize_keras_object',
                                       'deserialize_keras_object', 'custom_object_scope',
                                       'CustomObjectScope', 'get_custom_objects', 'func_dump',
                                       'func_load', 'has_arg', 'to_list', 'unpack_singleton',
                                       'slice_arrays', 'make_tuple']),
    ('keras_cpp.utils.conv_utils', ['conv_output_length', 'conv_input_length', 'deconv_length',
                                    'normalize_tuple', 'normalize_data_format',
                                    'normalize_padding', 'convert_kernel']),
    ('keras_cpp.utils.np_utils', ['to_categorical', 'normalize', 'conv_input_length',
                                  'conv_output_length', 'categorical_probas_to_classes',
                                  'probas_to_classes', 'convert_kernel', 'binary_logloss',
                                  'multiclass_logloss', 'accuracy']),
    ('keras_cpp.utils.data_utils', ['Sequence', 'GeneratorEnqueuer', 'OrderedEnqueuer',
                                    'get_file', 'validate_file']),
    ('keras_cpp.utils.io_utils', ['HDF5Matrix', 'ask_to_proceed_with_overwrite']),
    ('keras_cpp.utils.layer_utils', ['print_summary', 'count_params',
                                     'convert_all_kernels_in_model', 'layer_from_config']),
    ('keras_cpp.utils.multi_gpu_utils', ['multi_gpu_model']),
    ('keras_cpp.metrics', ['precision', 'recall', 'fbeta_score', 'fmeasure',
                           'matthews_correlation', 'binary_accuracy']),
    ('keras_cpp.objectives', ['mse', 'categorical_crossentropy', 'get']),
    ('keras_cpp.initializations', ['normal', 'uniform', 'glorot_uniform', 'glorot_normal',
                                   'he_normal', 'he_uniform', 'lecun_uniform', 'orthogonal',
                                   'identity', 'zero', 'one', 'get', 'get_fans']),
    ('keras_cpp.backend', ['epsilon', 'set_epsilon', 'floatx', 'set_floatx', 'cast_to_floatx',
                           'image_dim_ordering', 'set_image_dim_ordering', 'image_data_format',
                           'set_image_data_format', 'normalize_data_format', 'backend',
                           'learning_phase', 'get_uid', 'reset_uids', 'clear_session',
                           'is_keras_tensor']),
])
def test_names_import_from_their_keras_module(module, names):
    imported = importlib.import_module(module)
    missing = [name for name in names if not hasattr(imported, name)]
    assert not missing, module + ' lacks ' + str(missing)


def test_top_level_and_engine_names_are_the_same_objects():
    assert keras.Input is keras.layers.Input and keras.Model is keras.models.Model
    assert keras.Sequential is keras.models.Sequential
    assert keras.engine.Merge is keras.layers.core.Merge is keras.legacy.layers.Merge
    assert keras.engine.topology.Container is keras.engine.network.Network is keras.Model
    x = keras.Input(shape=(3,))
    model = keras.Model(x, keras.layers.Dense(2)(x))
    assert isinstance(model, keras.engine.training.Model)


def test_input_spec_is_checked_for_python_layers():
    class NeedsMatrix(keras.layers.Layer):
        def __init__(self, **kwargs):
            super().__init__(**kwargs)
            self.input_spec = keras.layers.InputSpec(ndim=2, axes={-1: 3})

        def call(self, x):
            return x * 2

    assert repr(keras.engine.InputSpec(ndim=2, axes={-1: 3})) == 'InputSpec(ndim=2, axes={-1: 3})'
    out = NeedsMatrix()(keras.Input(shape=(3,)))
    assert K.int_shape(out) == (None, 3)
    with pytest.raises(ValueError, match='expected ndim=2, found ndim=3'):
        NeedsMatrix(name='m')(keras.Input(shape=(4, 3)))
    with pytest.raises(ValueError, match='expected axis -1 of input shape to have value 3'):
        NeedsMatrix()(keras.Input(shape=(4,)))


def test_get_source_inputs_follows_the_graph():
    a, b = keras.Input(shape=(2,)), keras.Input(shape=(2,))
    merged = keras.layers.add([keras.layers.Dense(2)(a), b])
    out = keras.layers.Dense(1)(merged)
    sources = keras.engine.get_source_inputs(out)
    assert len(sources) == 2 and sources[0] == a and sources[1] == b
    assert keras.engine.get_source_inputs(a)[0] == a


def test_legacy_interface_converts_keras1_arguments():
    calls = []

    class Thing(object):
        @keras.legacy.interfaces.legacy_dense_support
        def __init__(self, units, **kwargs):
            calls.append((units, kwargs))

    with pytest.warns(UserWarning, match='Update your `Thing` call to the Keras 2 API'):
        Thing(output_dim=3, init='zeros')
    assert calls[-1] == (3, {'kernel_initializer': 'zeros'})
    with pytest.raises(TypeError, match='both the legacy keyword argument `output_dim`'):
        Thing(units=3, output_dim=4)
    with pytest.raises(TypeError, match='can accept only 1 positional arguments'):
        Thing(3, 4)


def test_to_categorical_and_normalize_values():
    y = keras.utils.to_categorical([0, 2, 1], 3)
    np.testing.assert_array_equal(y, [[1, 0, 0], [0, 0, 1], [0, 1, 0]])
    assert y.dtype == np.float32
    assert keras.utils.np_utils.to_categorical([1], nb_classes=2).tolist() == [[0, 1]]
    x = np.array([[3., 4.], [0., 0.]])
    np.testing.assert_allclose(keras.utils.normalize(x), [[0.6, 0.8], [0., 0.]])
    np.testing.assert_allclose(keras.utils.normalize(x, order=1), [[3 / 7, 4 / 7], [0., 0.]])
    np_utils = keras.utils.np_utils
    assert np_utils.categorical_probas_to_classes([[.1, .9], [.8, .2]]).tolist() == [1, 0]
    assert np_utils.probas_to_classes([[.2], [.7]]).tolist() == [0, 1]
    np.testing.assert_allclose(np_utils.binary_logloss([.9, .2], [1, 0]),
                               -(np.log(.9) + np.log(.8)) / 2)
    np.testing.assert_allclose(np_utils.multiclass_logloss([[.5, .5], [.1, .9]], [1, 2]),
                               -(np.log(.5) + np.log(.9)) / 2)
    assert np_utils.accuracy([1, 2, 3, 4], [1, 2, 0, 4]) == 0.75


def test_conv_utils_arithmetic():
    cu = keras.utils.conv_utils
    assert cu.conv_output_length(28, 3, 'valid', 1) == 26
    assert cu.conv_output_length(28, 3, 'same', 2) == 14
    assert cu.conv_output_length(28, 3, 'full', 1) == 30
    assert cu.conv_output_length(10, 3, 'valid', 1, dilation=2) == 6
    assert cu.conv_output_length(10, 3, 'causal', 3) == 4
    assert cu.conv_output_length(None, 3, 'valid', 1) is None
    assert cu.conv_input_length(26, 3, 'valid', 1) == 28
    assert cu.conv_input_length(14, 3, 'same', 2) == 27
    assert cu.deconv_length(14, 2, 3, 'same', None) == 28
    assert cu.deconv_length(14, 2, 3, 'valid', None) == 29
    assert cu.deconv_length(14, 2, 3, 'same', 1) == 28
    assert cu.normalize_tuple(3, 2, 'kernel_size') == (3, 3)
    assert cu.normalize_tuple([1, 2], 2, 'strides') == (1, 2)
    with pytest.raises(ValueError, match='The `strides` argument must be a tuple of 2 integers'):
        cu.normalize_tuple((1, 2, 3), 2, 'strides')
    assert cu.normalize_padding('SAME') == 'same'
    with pytest.raises(ValueError, match='The `padding` argument must be one of'):
        cu.normalize_padding('full')
    assert cu.normalize_data_format(None) == K.image_data_format()
    assert K.normalize_data_format('Channels_First') == 'channels_first'
    with pytest.raises(ValueError, match='data_format'):
        cu.normalize_data_format('nhwc')
    kernel = np.arange(2 * 3 * 1 * 2).reshape(2, 3, 1, 2)
    np.testing.assert_array_equal(cu.convert_kernel(kernel), kernel[::-1, ::-1])
    # Keras 1's np_utils: border_mode names, and kernels in 'th' or 'tf' order
    np_utils = keras.utils.np_utils
    assert np_utils.conv_output_length(7, 3, border_mode='same', stride=2) == 4
    assert np_utils.conv_input_length(5, 3, border_mode='valid', stride=1) == 7
    np.testing.assert_array_equal(np_utils.convert_kernel(kernel, 'tf'), kernel[::-1, ::-1])
    np.testing.assert_array_equal(np_utils.convert_kernel(kernel, 'th'), kernel[:, :, ::-1, ::-1])


def test_convert_all_kernels_in_model_flips_conv_kernels():
    model = keras.Sequential([keras.layers.Conv2D(2, (2, 3), input_shape=(5, 5, 1)),
                              keras.layers.Flatten(), keras.layers.Dense(1)])
    before = [w.copy() for w in model.get_weights()]
    keras.utils.convert_all_kernels_in_model(model)
    after = model.get_weights()
    np.testing.assert_array_equal(after[0], before[0][::-1, ::-1])
    np.testing.assert_array_equal(after[2], before[2])  # the Dense kernel is left alone


class _Squares(keras.utils.Sequence):
    """Batch i holds the rows [i*2, i*2+1] of x = arange and y = x squared."""

    def __init__(self, n=10, batch_size=2):
        self.x = np.arange(n, dtype='float32').reshape(n, 1)
        self.batch_size = batch_size
        self.epochs_ended = 0

    def __len__(self):
        return int(np.ceil(len(self.x) / self.batch_size))

    def __getitem__(self, index):
        x = self.x[index * self.batch_size:(index + 1) * self.batch_size]
        return x, x ** 2

    def on_epoch_end(self):
        self.epochs_ended += 1


def test_sequence_and_ordered_enqueuer_yield_the_batches_in_order():
    seq = _Squares()
    assert len(seq) == 5 and [b[0][0, 0] for b in seq] == [0, 2, 4, 6, 8]
    enqueuer = keras.utils.OrderedEnqueuer(seq)
    enqueuer.start(workers=3, max_queue_size=2)
    assert enqueuer.is_running()
    batches = enqueuer.get()
    firsts = [next(batches)[0][0, 0] for _ in range(12)]
    enqueuer.stop()
    assert not enqueuer.is_running()
    assert firsts == [0, 2, 4, 6, 8] * 2 + [0, 2]
    assert seq.epochs_ended >= 2


def test_ordered_enqueuer_shuffles_each_epoch_and_reports_errors():
    seq = _Squares(n=40, batch_size=1)
    enqueuer = keras.utils.OrderedEnqueuer(seq, shuffle=True)
    enqueuer.start(workers=2)
    batches = enqueuer.get()
    epoch = sorted(next(batches)[0][0, 0] for _ in range(40))
    enqueuer.stop()
    assert epoch == list(range(40))

    class Broken(_Squares):
        def __getitem__(self, index):
            raise KeyError('batch %d is broken' % index)

    enqueuer = keras.utils.OrderedEnqueuer(Broken())
    enqueuer.start()
    with pytest.raises(KeyError, match='batch 0 is broken'):
        next(enqueuer.get())


def test_generator_enqueuer_runs_the_generator_on_workers():
    def numbers():
        for i in range(20):
            yield i

    enqueuer = keras.utils.GeneratorEnqueuer(numbers())
    enqueuer.start(workers=2, max_queue_size=3)
    assert sorted(enqueuer.get()) == list(range(20))  # ends when the generator does
    enqueuer.stop()


def test_fit_generator_takes_a_sequence():
    model = keras.Sequential([keras.layers.Dense(1, input_shape=(1,))])
    model.compile('sgd', 'mse')
    seq = _Squares()
    history = model.fit_generator(seq, epochs=2, verbose=0, workers=2)
    assert len(history.history['loss']) == 2
    # use_multiprocessing (Keras 1's pickle_safe): the same training, fed from a thread
    weights = model.get_weights()
    losses = []
    for multi in (False, True):
        model.set_weights(weights)
        losses.append(model.fit_generator(_Squares(), epochs=1, verbose=0, shuffle=False,
                                          use_multiprocessing=multi).history['loss'][0])
    assert losses[0] == pytest.approx(losses[1])
    model.fit_generator(_Squares(), epochs=1, verbose=0, pickle_safe=True)

    def four_parts():
        while True:
            yield np.zeros((2, 1)), np.zeros((2, 1)), np.ones(2), np.ones(2)
    with pytest.raises(ValueError, match=r'validation.*\(x, y\) or \(x, y, sample_weight\)'):
        model.fit_generator(_Squares(), epochs=1, verbose=0, validation_data=four_parts(),
                            validation_steps=1)
    assert seq.epochs_ended >= 1
    assert np.isfinite(model.evaluate_generator(_Squares()))
    assert model.predict_generator(_Squares()).shape == (10, 1)


def test_get_file_finds_local_files_and_explains_missing_ones(tmp_path, monkeypatch):
    monkeypatch.setenv('KERAS_HOME', str(tmp_path))
    with pytest.raises(FileNotFoundError) as error:
        keras.utils.get_file('data.bin', origin='https://example.com/data.bin')
    message = str(error.value)
    assert "'data.bin'" in message and 'https://example.com/data.bin' in message
    assert str(tmp_path / 'datasets' / 'data.bin') in message and 'KERAS_HOME' in message
    (tmp_path / 'datasets').mkdir()
    (tmp_path / 'datasets' / 'data.bin').write_bytes(b'abc')
    path = keras.utils.get_file('data.bin', origin='https://example.com/data.bin')
    assert path == str(tmp_path / 'datasets' / 'data.bin')
    md5 = '900150983cd24fb0d6963f7d28e17f72'  # md5 of b'abc'
    assert keras.utils.get_file('data.bin', 'https://example.com/x', md5_hash=md5) == path
    assert keras.utils.data_utils.validate_file(path, md5)
    with pytest.raises(ValueError, match='does not match the expected md5 hash'):
        keras.utils.get_file('data.bin', 'https://example.com/x', file_hash='0' * 32)
    # untar: the folder, extracted from <name>.tar.gz when only the archive is there
    import tarfile
    (tmp_path / 'src').mkdir()
    (tmp_path / 'src' / 'a.txt').write_text('hello')
    with tarfile.open(tmp_path / 'datasets' / 'pack.tar.gz', 'w:gz') as archive:
        archive.add(tmp_path / 'src' / 'a.txt', arcname='pack/a.txt')
    folder = keras.utils.get_file('pack', origin='https://example.com/pack.tgz', untar=True)
    assert open(folder + '/a.txt').read() == 'hello'


def test_get_file_downloads_what_is_missing_whole_or_not_at_all(tmp_path, monkeypatch):
    from urllib.parse import urljoin
    from urllib.request import pathname2url
    monkeypatch.setenv('KERAS_HOME', str(tmp_path / 'home'))
    source = tmp_path / 'served.bin'
    source.write_bytes(b'abc')
    origin = urljoin('file:', pathname2url(str(source)))
    md5 = '900150983cd24fb0d6963f7d28e17f72'  # md5 of b'abc'
    path = keras.utils.get_file('data.bin', origin, md5_hash=md5)
    assert path == str(tmp_path / 'home' / 'datasets' / 'data.bin')
    assert open(path, 'rb').read() == b'abc'
    # A local file that does not match its hash is downloaded again (Keras's behaviour).
    with open(path, 'wb') as f:
        f.write(b'stale')
    assert open(keras.utils.get_file('data.bin', origin, md5_hash=md5), 'rb').read() == b'abc'
    # A download that does not match the hash leaves nothing behind; the error says why.
    with pytest.raises(FileNotFoundError, match='does not match the expected hash') as error:
        keras.utils.get_file('other.bin', origin, file_hash='0' * 64)
    assert "'other.bin'" in str(error.value) and origin in str(error.value)
    assert sorted(os.listdir(tmp_path / 'home' / 'datasets')) == ['data.bin']
    # Archives: untar and extract after the download, as Keras.
    import tarfile
    (tmp_path / 'pack').mkdir()
    (tmp_path / 'pack' / 'a.txt').write_text('hello')
    with tarfile.open(tmp_path / 'pack.tar.gz', 'w:gz') as archive:
        archive.add(tmp_path / 'pack' / 'a.txt', arcname='pack/a.txt')
    folder = keras.utils.get_file('pack', urljoin('file:', pathname2url(str(tmp_path / 'pack.tar.gz'))),
                                  untar=True)
    assert open(os.path.join(folder, 'a.txt')).read() == 'hello'
    # Offline (the suite's network is off): the reason, where it looked, where to get it.
    with pytest.raises(FileNotFoundError) as error:
        keras.utils.get_file('absent.bin', 'https://example.com/absent.bin')
    message = str(error.value)
    assert 'network access is disabled' in message and 'https://example.com/absent.bin' in message
    assert str(tmp_path / 'home' / 'datasets' / 'absent.bin') in message


def test_hdf5_matrix_slices_like_an_array(tmp_path):
    h5py = pytest.importorskip('h5py')
    path = str(tmp_path / 'data.h5')
    data = np.arange(40, dtype='float32').reshape(10, 4)
    with h5py.File(path, 'w') as f:
        f.create_dataset('x', data=data)
    x = keras.utils.HDF5Matrix(path, 'x', start=2, end=8, normalizer=lambda a: a / 2)
    assert len(x) == 6 and x.shape == (6, 4) and x.ndim == 2 and x.size == 24
    assert x.dtype == np.float32
    np.testing.assert_array_equal(x[0], data[2] / 2)
    np.testing.assert_array_equal(x[1:3], data[3:5] / 2)
    np.testing.assert_array_equal(x[[0, 5]], data[[2, 7]] / 2)
    np.testing.assert_array_equal(x[np.array([1, 2])], data[[3, 4]] / 2)
    with pytest.raises(IndexError):
        x[6]
    with pytest.raises(IndexError):
        x[4:9]
    np.testing.assert_array_equal(np.asarray(x), data[2:8] / 2)
    # a normalizer that resizes or casts gives the matrix its shape and dtype (Keras's rule)
    halves = keras.utils.HDF5Matrix(path, 'x', normalizer=lambda a: a[:, ::2].astype('uint8'))
    assert halves.shape == (10, 2) and halves.dtype == np.uint8 and halves.ndim == 2
    np.testing.assert_array_equal(halves[1:3], data[1:3, ::2].astype('uint8'))
    # a model reads it as an array (Keras's fit(..., shuffle='batch') with HDF5 data)
    model = keras.Sequential([keras.layers.Dense(1, input_shape=(4,))])
    model.compile('sgd', 'mse')
    history = model.fit(x, np.zeros((6, 1)), epochs=1, verbose=0, shuffle='batch')
    assert np.isfinite(history.history['loss'][0])
    assert model.predict(x).shape == (6, 1)
    # evaluate and the *_on_batch methods give numpy scalars, as Keras's (`.shape == ()`)
    model.compile('sgd', 'mse', metrics=['mae'])
    loss = model.evaluate(x, np.zeros((6, 1)), verbose=0)
    assert isinstance(loss[0], np.float64) and loss[1].shape == ()
    model.compile('sgd', 'mse')
    assert model.evaluate(x, np.zeros((6, 1)), verbose=0).shape == ()
    assert model.train_on_batch(np.asarray(x), np.zeros((6, 1))).shape == ()


def test_custom_objects_and_keras_object_serialization():
    gu = keras.utils.generic_utils

    def my_fn(x):
        return x

    assert gu.serialize_keras_object(None) is None
    assert gu.serialize_keras_object(my_fn) == 'my_fn'
    config = gu.serialize_keras_object(keras.regularizers.l2(0.5))
    assert config['class_name'] == 'L1L2' and config['config']['l2'] == pytest.approx(0.5)
    restored = gu.deserialize_keras_object(config, module_objects={'L1L2': keras.regularizers.L1L2})
    assert restored.get_config() == keras.regularizers.l2(0.5).get_config()
    with keras.utils.custom_object_scope({'my_fn': my_fn}):
        assert gu.deserialize_keras_object('my_fn') is my_fn
    with pytest.raises(ValueError, match='Unknown activation:my_fn'):
        gu.deserialize_keras_object('my_fn', printable_module_name='activation')
    # Keras 1's get_from_module
    assert gu.get_from_module('relu', vars(keras.activations), 'activation') is \
        keras.activations.relu
    with pytest.raises(ValueError, match='Invalid activation: nope'):
        gu.get_from_module('nope', vars(keras.activations), 'activation')


def test_func_dump_and_func_load_round_trip():
    offset = 3

    def shift(x, scale=2):
        return x * scale + offset

    loaded = keras.utils.generic_utils.func_load(keras.utils.generic_utils.func_dump(shift))
    assert loaded(1) == 5 and loaded(1, scale=10) == 13


def test_progbar_prints_keras_layout(capsys):
    bar = keras.utils.Progbar(4, width=4, verbose=1, interval=0)
    bar.update(2, values=[('loss', 1.0)])
    bar.add(2, values=[('loss', 3.0)])
    out = capsys.readouterr().out
    last = out.strip().split('\n')[-1]
    assert last.startswith('4/4 [====]') and 'loss: 2.0000' in last
    bar = keras.utils.generic_utils.Progbar(None, stateful_metrics=['acc'], interval=0)
    bar.update(5, values=[('acc', 0.5)])
    bar.update(7, values=[('acc', 0.25)])
    last = capsys.readouterr().out.strip().split('\n')[-1]
    assert last.startswith('      7/Unknown') and 'acc: 0.2500' in last


def test_multi_gpu_model_raises_clearly():
    model = keras.Sequential([keras.layers.Dense(1, input_shape=(2,))])
    with pytest.raises(ValueError, match='multi_gpu_model: keras_cpp runs models on the CPU'):
        keras.utils.multi_gpu_model(model, gpus=2)


def test_keras1_metrics_compute_on_symbolic_tensors():
    y_true = np.array([[1.], [0.], [1.], [1.], [0.], [0.]], dtype='float32')
    y_pred = np.array([[.9], [.6], [.4], [.8], [.1], [.5]], dtype='float32')
    t, p = K.variable(y_true), K.variable(y_pred)
    tp, fp, fn, tn = 2., 1., 1., 2.  # 0.5 rounds to 0, as TensorFlow's round
    precision, recall = tp / (tp + fp), tp / (tp + fn)
    m = keras.metrics
    assert K.eval(m.precision(t, p)) == pytest.approx(precision, rel=1e-5)
    assert K.eval(m.recall(t, p)) == pytest.approx(recall, rel=1e-5)
    f2 = 5 * precision * recall / (4 * precision + recall)
    assert K.eval(m.fbeta_score(t, p, beta=2)) == pytest.approx(f2, rel=1e-5)
    assert K.eval(m.fmeasure(t, p)) == pytest.approx(2 * precision * recall /
                                                     (precision + recall), rel=1e-5)
    mcc = (tp * tn - fp * fn) / np.sqrt((tp + fp) * (tp + fn) * (tn + fp) * (tn + fn))
    assert K.eval(m.matthews_correlation(t, p)) == pytest.approx(mcc, rel=1e-5)
    assert m.get('fmeasure') is m.fmeasure and m.get('matthews_correlation') is \
        m.matthews_correlation
    with pytest.raises(ValueError, match='lowest choosable beta is zero'):
        m.fbeta_score(t, p, beta=-1)


def test_keras1_metrics_in_compile():
    model = keras.Sequential([keras.layers.Dense(1, activation='sigmoid', input_shape=(3,))])
    model.compile('sgd', 'binary_crossentropy', metrics=['precision', keras.metrics.recall,
                                                         'fmeasure', 'matthews_correlation'])
    x = np.random.rand(16, 3).astype('float32')
    y = (x.sum(axis=1, keepdims=True) > 1.5).astype('float32')
    loss, precision, recall, fmeasure, mcc = model.evaluate(x, y, batch_size=16, verbose=0)
    predicted = (model.predict(x) > 0.5).astype('float32')
    tp = float((predicted * y).sum())
    assert precision == pytest.approx(tp / (predicted.sum() + K.epsilon()), rel=1e-4, abs=1e-6)
    assert recall == pytest.approx(tp / (y.sum() + K.epsilon()), rel=1e-4, abs=1e-6)
    assert -1 <= mcc <= 1 and 0 <= fmeasure <= 1


def test_keras1_initializations_take_a_shape():
    init = keras.initializations
    values = K.get_value(init.normal((300, 40), scale=0.01))
    assert values.shape == (300, 40) and abs(values.std() - 0.01) < 0.001
    values = K.get_value(init.uniform((100, 10), scale=0.2))
    assert np.abs(values).max() <= 0.2 and values.std() > 0.05
    limit = np.sqrt(6. / (20 + 30))
    values = K.get_value(init.glorot_uniform((20, 30)))
    assert np.abs(values).max() <= limit and np.abs(values).max() > limit * 0.8
    # convolution kernels: fans per Theano ('th') or TensorFlow ('tf') order
    assert init.get_fans((8, 4, 3, 3), 'th') == (36, 72)
    assert init.get_fans((3, 3, 4, 8), 'tf') == (36, 72)
    np.testing.assert_array_equal(K.get_value(init.identity((3, 3), scale=2)), 2 * np.eye(3))
    np.testing.assert_array_equal(K.get_value(init.zero((2, 2))), np.zeros((2, 2)))
    np.testing.assert_array_equal(K.get_value(init.one((2,))), np.ones(2))
    q = K.get_value(init.orthogonal((4, 4), scale=1.0))
    np.testing.assert_allclose(q @ q.T, np.eye(4), atol=1e-5)
    assert init.get('he_normal') is init.he_normal
    with pytest.raises(ValueError, match='Identity matrix initialization'):
        init.identity((2, 3))


def test_backend_name_plumbing():
    assert K.backend() == 'tensorflow' or isinstance(K.backend(), str)
    eps = K.epsilon()
    K.set_epsilon(1e-4)
    try:
        assert K.epsilon() == pytest.approx(1e-4)
    finally:
        K.set_epsilon(eps)
    assert K.cast_to_floatx(np.array([1, 2])).dtype == np.float32
    ordering = K.image_dim_ordering()
    K.set_image_dim_ordering('th')
    try:
        assert K.image_data_format() == 'channels_first'
    finally:
        K.set_image_dim_ordering(ordering)
    assert K.is_keras_tensor(keras.Input(shape=(2,)))


def test_clone_model_has_new_layers_and_fresh_weights():
    x = keras.Input(shape=(3,))
    model = keras.Model(x, keras.layers.Dense(2, name='out')(x))
    model.set_weights([np.ones((3, 2)), np.ones(2)])
    clone = keras.models.clone_model(model)
    assert clone.get_config() == model.get_config()
    assert clone.layers[1] is not model.layers[1]
    assert not np.array_equal(clone.get_weights()[0], np.ones((3, 2)))
    new_input = keras.Input(shape=(3,))
    built_on = keras.models.clone_model(model, input_tensors=new_input)
    assert built_on.inputs[0] == new_input and built_on.predict(np.zeros((1, 3))).shape == (1, 2)


def test_steps_with_arrays_take_all_of_them_per_step():
    x = np.random.rand(12, 3).astype('float32')
    y = x.sum(axis=1, keepdims=True)
    model = keras.Sequential([keras.layers.Dense(1, input_shape=(3,))])
    model.compile(keras.optimizers.SGD(0.1), 'mse')
    weights = model.get_weights()
    # steps_per_epoch=3 over arrays: three full-batch steps per epoch, as three epochs of one
    history = model.fit(x, y, steps_per_epoch=3, epochs=2, verbose=0)
    stepped = model.get_weights()
    model.set_weights(weights)
    model.fit(x, y, batch_size=12, epochs=6, shuffle=False, verbose=0)
    for a, b in zip(stepped, model.get_weights()):
        np.testing.assert_allclose(a, b, rtol=1e-5)
    assert len(history.history['loss']) == 2
    history = model.fit(x, y, steps_per_epoch=2, validation_split=0.25, validation_steps=1,
                        verbose=0)
    assert 'val_loss' in history.history
    with pytest.raises(ValueError, match='batch_size` must be None'):
        model.fit(x, y, batch_size=4, steps_per_epoch=2, verbose=0)
    with pytest.raises(ValueError, match='Must specify `validation_steps`'):
        model.fit(x, y, steps_per_epoch=2, validation_data=(x, y), verbose=0)
    with pytest.raises(ValueError, match='step-wise training'):
        model.fit(x, y, validation_data=(x, y), validation_steps=2, verbose=0)
    # evaluate: the same mean; predict: the steps' predictions concatenated (Keras's loops)
    assert model.evaluate(x, y, steps=3, verbose=0) == pytest.approx(
        model.evaluate(x, y, verbose=0), rel=1e-5)
    np.testing.assert_allclose(model.predict(x, steps=2), np.concatenate([model.predict(x)] * 2),
                               rtol=1e-6)
