"""keras.engine.saving and keras.engine.training_utils (Keras 2.2.4's module names): weight
conversion from Keras 1 layouts, weights of layer lists in h5py groups, pickle_model, and the
training helpers (input standardisation, length checks, weights, batching, the masked and
weighted loss)."""
import numpy as np
import pytest

from keras_cpp import backend as K
from keras_cpp import losses, optimizers, metrics
from keras_cpp.engine import saving, training_utils
from keras_cpp.layers import Conv2D, Dense, GRU, LSTM
from keras_cpp.models import Sequential

h5py = pytest.importorskip('h5py')


def test_preprocess_weights_joins_keras1_lstm_gates():
    layer = LSTM(3, input_shape=(4, 2))
    Sequential([layer])
    kernel, recurrent, bias = layer.get_weights()
    # Keras 1 kept W, U, b per gate in the order i, c, f, o; Keras 2 joins them as i, f, c, o.
    gates = {}
    for name, g in zip('ifco', range(4)):
        gates[name] = [w[..., g * 3:(g + 1) * 3] for w in (kernel, recurrent, bias)]
    keras1 = gates['i'] + gates['c'] + gates['f'] + gates['o']
    converted = saving.preprocess_weights_for_loading(layer, keras1, original_keras_version='1')
    for got, want in zip(converted, (kernel, recurrent, bias)):
        np.testing.assert_allclose(got, want)


def test_preprocess_weights_leaves_current_weights_alone():
    layer = GRU(2, input_shape=(3, 5))
    Sequential([layer])
    weights = layer.get_weights()
    for got, want in zip(saving.preprocess_weights_for_loading(layer, weights), weights):
        np.testing.assert_array_equal(got, want)


def test_preprocess_weights_reshape_fits_kernel_of_same_size():
    layer = Conv2D(2, (3, 3), input_shape=(5, 5, 1))
    Sequential([layer])
    kernel = np.arange(18, dtype='float32').reshape(18, 1)
    bias = np.zeros(2, 'float32')
    got = saving.preprocess_weights_for_loading(layer, [kernel, bias], reshape=True)
    assert got[0].shape == (3, 3, 1, 2)
    np.testing.assert_array_equal(got[0].ravel(), kernel.ravel())
    with pytest.raises(ValueError, match='equal size'):
        saving.preprocess_weights_for_loading(layer, [np.zeros((17, 1), 'float32'), bias],
                                              reshape=True)


def test_weights_of_layers_through_an_h5py_group(tmp_path):
    model = Sequential([Dense(3, input_shape=(2,)), Dense(1)])
    other = Sequential([Dense(3, input_shape=(2,)), Dense(1)])
    with h5py.File(str(tmp_path / 'w.h5'), 'w') as f:
        saving.save_weights_to_hdf5_group(f, model.layers)
        assert saving.load_attributes_from_hdf5_group(f, 'layer_names') == \
            [layer.name for layer in model.layers]
    with h5py.File(str(tmp_path / 'w.h5'), 'r') as f:
        saving.load_weights_from_hdf5_group(f, other.layers)
    for a, b in zip(model.get_weights(), other.get_weights()):
        np.testing.assert_array_equal(a, b)
    with h5py.File(str(tmp_path / 'w.h5'), 'r') as f:
        with pytest.raises(ValueError, match='containing 2 layers into a model with 1'):
            saving.load_weights_from_hdf5_group(f, other.layers[:1])


def test_weights_by_name_skip_mismatch(tmp_path):
    model = Sequential([Dense(3, input_shape=(2,), name='a'), Dense(1, name='b')])
    other = Sequential([Dense(3, input_shape=(2,), name='a'), Dense(2, name='b')])
    before = other.layers[1].get_weights()
    with h5py.File(str(tmp_path / 'w.h5'), 'w') as f:
        saving.save_weights_to_hdf5_group(f, model.layers)
        with pytest.raises(ValueError, match='shape'):
            saving.load_weights_from_hdf5_group_by_name(f, other.layers)
        with pytest.warns(UserWarning, match='Skipping'):
            saving.load_weights_from_hdf5_group_by_name(f, other.layers, skip_mismatch=True)
    np.testing.assert_array_equal(other.layers[0].get_weights()[0],
                                  model.layers[0].get_weights()[0])
    np.testing.assert_array_equal(other.layers[1].get_weights()[0], before[0])


def test_long_attributes_are_chunked():
    with h5py.File('chunks.h5', 'w', driver='core', backing_store=False) as f:
        names = [('layer_%05d' % i).encode('utf8') for i in range(8000)]
        saving.save_attributes_to_hdf5_group(f, 'layer_names', names)
        assert 'layer_names' not in f.attrs and 'layer_names0' in f.attrs
        assert saving.load_attributes_from_hdf5_group(f, 'layer_names')[-1] == 'layer_07999'


def test_pickle_model_round_trip():
    model = Sequential([Dense(2, input_shape=(3,))])
    model.compile('sgd', 'mse')
    restored = saving.unpickle_model(saving.pickle_model(model))
    x = np.random.rand(4, 3).astype('float32')
    np.testing.assert_allclose(restored.predict(x), model.predict(x), rtol=1e-6)


def test_standardize_input_data_forms():
    a = np.zeros((4, 3))
    assert training_utils.standardize_input_data(a, ['x'])[0] is a
    by_name = training_utils.standardize_input_data({'y': a, 'x': a[:, :2]}, ['x', 'y'])
    assert [d.shape for d in by_name] == [(4, 2), (4, 3)]
    assert training_utils.standardize_input_data(np.zeros(4), ['x'])[0].shape == (4, 1)
    assert training_utils.standardize_input_data(None, ['x', 'y']) == [None, None]
    with pytest.raises(ValueError, match='expected x to have shape'):
        training_utils.standardize_input_data(a, ['x'], [(None, 5)])
    with pytest.raises(ValueError, match='No data provided for "y"'):
        training_utils.standardize_input_data({'x': a}, ['x', 'y'])
    with pytest.raises(ValueError, match='expected 2 array'):
        training_utils.standardize_input_data([a], ['x', 'y'])


def test_check_array_length_consistency():
    a, b = np.zeros((3, 1)), np.zeros((4, 1))
    training_utils.check_array_length_consistency([a], [a], [a])
    training_utils.check_array_length_consistency(None, None, None)
    with pytest.raises(ValueError, match='same number of samples as target'):
        training_utils.check_array_length_consistency([a], [b])
    with pytest.raises(ValueError, match='All input arrays'):
        training_utils.check_array_length_consistency([a, b], [a])
    with pytest.raises(ValueError, match='Sample_weight'):
        training_utils.check_array_length_consistency([a], [a], [b])


def test_check_loss_and_target_compatibility():
    with pytest.raises(ValueError, match='sparse_categorical_crossentropy'):
        training_utils.check_loss_and_target_compatibility(
            [np.zeros((2, 1))], [losses.categorical_crossentropy], [(None, 3)])
    with pytest.raises(ValueError, match='same shape as the output'):
        training_utils.check_loss_and_target_compatibility(
            [np.zeros((2, 4))], [losses.mean_squared_error], [(None, 3)])
    training_utils.check_loss_and_target_compatibility(
        [np.zeros((2, 3))], [losses.mean_squared_error], [(None, 3)])


def test_weights_and_metrics_per_output():
    outputs = ['a', 'b']
    assert training_utils.standardize_sample_weights(None, outputs) == [None, None]
    w = np.ones(3)
    assert training_utils.standardize_sample_weights({'b': w}, outputs)[1] is w
    with pytest.raises(ValueError, match='list of 1 elements'):
        training_utils.standardize_sample_weights([w], outputs)
    assert training_utils.collect_metrics(['acc'], outputs) == [['acc'], ['acc']]
    assert training_utils.collect_metrics({'b': 'mae'}, outputs) == [[], ['mae']]
    with pytest.raises(TypeError):
        training_utils.collect_metrics('acc', outputs)


def test_standardize_weights_from_class_weight():
    y = np.eye(3)[[0, 2, 2]]
    np.testing.assert_array_equal(
        training_utils.standardize_weights(y, class_weight={0: 1., 1: 5., 2: 2.}), [1, 2, 2])
    with pytest.raises(ValueError, match='all classes'):
        training_utils.standardize_weights(y, class_weight={0: 1.})
    assert training_utils.standardize_weights(np.zeros((4, 2, 1)),
                                              sample_weight_mode='temporal').shape == (4, 2)


def test_batches():
    assert training_utils.make_batches(5, 2) == [(0, 2), (2, 4), (4, 5)]
    shuffled = training_utils.batch_shuffle(np.arange(7), 2)
    assert sorted(shuffled.tolist()) == list(range(7)) and shuffled[-1] == 6
    assert sorted(shuffled[:6:2].tolist()) == [0, 2, 4]


def test_weighted_masked_objective():
    weighted = training_utils.weighted_masked_objective(losses.mean_absolute_error)
    y_true = np.arange(12, dtype='float32').reshape(2, 3, 2)
    y_pred = 2 * y_true
    mask = np.ones((2, 3), 'float32')
    mask[0, 0] = 0
    weights = np.array([1., 0.], 'float32')
    out = K.eval(weighted(K.variable(y_true), K.variable(y_pred), K.variable(weights),
                          K.variable(mask)))
    # |y| per timestep, masked, scaled by 1 / mean(mask); per-sample means weighted and
    # divided by the share of non-zero weights.
    score = np.abs(y_true).mean(-1) * mask / mask.mean()
    expected = np.mean(score.mean(-1) * weights) / 0.5
    assert out == pytest.approx(expected, rel=1e-5)
    assert training_utils.weighted_masked_objective(None) is None


def test_optimizer_deserialize_lowercases_builtin_names():
    config = optimizers.serialize(optimizers.SGD(lr=0.1, momentum=0.5))
    assert config['class_name'] == 'SGD'
    restored = optimizers.deserialize(config)
    assert config['class_name'] == 'sgd'
    assert restored.get_config() == optimizers.SGD(lr=0.1, momentum=0.5).get_config()


def test_metrics_get_rejects_other_identifiers():
    with pytest.raises(ValueError, match='metric function identifier'):
        metrics.get(5)
    assert metrics.get('mae') is metrics.mean_absolute_error
