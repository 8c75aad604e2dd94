"""A loss object (a class with get_config) in compile is saved as Keras writes it, {'class_name',
'config'} in the file's training_config, and load_model makes it again from the custom objects,
with the optimizer's state."""
import json

import h5py
import numpy as np
import pytest

from keras_cpp import losses
from keras_cpp.layers import Dense, Input
from keras_cpp.models import Model, load_model
from keras_cpp.utils import CustomObjectScope


class ScaledMSE(object):
    def __init__(self, scale):
        self.scale = scale

    def __call__(self, y_true, y_pred):
        return self.scale * losses.mean_squared_error(y_true, y_pred)

    def get_config(self):
        return {'scale': self.scale}


def trained_model():
    x = Input(shape=(2,))
    model = Model(x, Dense(1, name='out')(x))
    model.compile('adam', loss={'out': ScaledMSE(3.0)}, metrics=['mae'])
    model.fit(np.random.rand(32, 2), np.random.rand(32, 1), epochs=2, verbose=0)
    return model


def test_saved_and_loaded_with_its_config(tmp_path):
    model = trained_model()
    path = str(tmp_path / 'model.h5')
    model.save(path)
    with h5py.File(path, 'r') as f:
        config = json.loads(f.attrs['training_config'])
    assert config['loss'] == {'out': {'class_name': 'ScaledMSE', 'config': {'scale': 3.0}}}

    loaded = load_model(path, custom_objects={'ScaledMSE': ScaledMSE})
    assert isinstance(loaded.loss['out'], ScaledMSE) and loaded.loss['out'].scale == 3.0
    x, y = np.random.rand(8, 2), np.random.rand(8, 1)
    np.testing.assert_allclose(loaded.evaluate(x, y, verbose=0), model.evaluate(x, y, verbose=0),
                               rtol=1e-5)
    # The optimizer state came back: the next step is the same as the original model's.
    for m in (model, loaded):
        m.train_on_batch(x, y)
    for a, b in zip(model.get_weights(), loaded.get_weights()):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6)
    with CustomObjectScope({'ScaledMSE': ScaledMSE}):
        assert load_model(path).loss['out'].scale == 3.0


def test_loading_without_the_class_says_which(tmp_path):
    path = str(tmp_path / 'model.h5')
    trained_model().save(path)
    with pytest.raises(ValueError, match='ScaledMSE'):
        load_model(path)
    assert load_model(path, compile=False).predict(np.zeros((1, 2))).shape == (1, 1)
