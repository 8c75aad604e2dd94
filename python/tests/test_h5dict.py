"""Keras 2.2.4's H5Dict (keras.utils.io_utils.H5Dict / keras.utils.h5dict) and save_model /
load_model on an h5py group, an H5Dict or a dict."""
import h5py
import numpy as np
import pytest

import keras_cpp as keras
from keras_cpp.utils import io_utils


def _model():
    model = keras.models.Sequential([keras.layers.Dense(4, activation='relu', input_shape=(3,)),
                                     keras.layers.Dense(2, activation='softmax')])
    model.compile('adam', 'categorical_crossentropy', metrics=['accuracy'])
    x = np.random.RandomState(0).rand(16, 3).astype('float32')
    y = keras.utils.to_categorical(np.arange(16) % 2, 2)
    model.fit(x, y, epochs=1, batch_size=8, verbose=0)
    return model, x


def test_h5dict_over_a_file_keeps_arrays_attributes_groups_and_long_lists(tmp_path):
    path = str(tmp_path / 'd.h5')
    names = ['name_%04d' % i for i in range(8000)]  # past HDF5's 64 KB attribute limit
    with keras.utils.h5dict(path, mode='w') as f:
        f['weights'] = np.arange(6, dtype='float32').reshape(2, 3)
        f['config'] = '{"a": 1}'
        f['names'] = names
        f['tags'] = [b'efg', b'hij', b'klmn']  # a short list of bytes: one attribute
        f['group']['inner'] = np.float64(2.5)
        with pytest.raises(KeyError, match='Group with name "weights" exists'):
            f['weights'] = np.zeros(2)
    with h5py.File(path, 'r') as raw:
        assert 'names0' in raw.attrs and 'names1' in raw.attrs  # stored in chunks
    f = io_utils.H5Dict(path, mode='r')
    np.testing.assert_array_equal(f['weights'], np.arange(6).reshape(2, 3))
    assert f['config'] == '{"a": 1}'
    assert f['names'] == names
    assert f['tags'] == [b'efg', b'hij', b'klmn']
    assert float(f['group']['inner']) == 2.5
    assert 'weights' in f and 'config' in f and 'missing' not in f
    assert f.get('missing', 7) == 7
    with pytest.raises(ValueError, match='read only'):
        f['new'] = 1
    with pytest.raises(ValueError, match='read only'):
        f['missing_group']
    f.close()


def test_h5dict_over_a_dict_pickles_arrays_and_nests_groups():
    data = {}
    f = io_utils.H5Dict(data)
    f['w'] = np.ones((2, 2))
    f['sub']['x'] = 'text'
    assert data['_w_pickled'] and isinstance(data['w'], bytes)
    assert isinstance(f['sub'], io_utils.H5Dict) and f['sub']['x'] == 'text'
    np.testing.assert_array_equal(f['w'], np.ones((2, 2)))
    with pytest.raises(TypeError, match='Required Group, str or dict'):
        io_utils.H5Dict(3)


@pytest.mark.parametrize('target', ['h5py_group', 'h5py_file', 'dict', 'h5dict'])
def test_save_and_load_a_model_through_each_target(tmp_path, target):
    model, x = _model()
    expected = model.predict(x)
    if target in ('h5py_group', 'h5py_file'):
        f = h5py.File(str(tmp_path / 'models.h5'), 'w')
        where = f.create_group('models/first') if target == 'h5py_group' else f
    elif target == 'dict':
        where = {}
    else:
        where = io_utils.H5Dict({})
    model.save(where)
    loaded = keras.models.load_model(where)
    np.testing.assert_allclose(loaded.predict(x), expected, rtol=1e-6)
    # The optimizer state travelled too: training goes on from the same point.
    assert len(loaded.optimizer.get_weights()) == len(model.optimizer.get_weights())
    with pytest.raises(KeyError, match='already holds a model'):
        keras.models.save_model(model, where)
    if target.startswith('h5py'):
        f.close()


def test_load_model_from_a_group_without_a_model_is_a_clear_error(tmp_path):
    with h5py.File(str(tmp_path / 'empty.h5'), 'w') as f:
        with pytest.raises(ValueError, match='No model found'):
            keras.models.load_model(f)
    with pytest.raises(ValueError, match='No model found'):
        keras.models.load_model({})
