"""Models nested in a model that from_config, model_from_json or load_model rebuilt come back as
Keras's classes: a nested Sequential as a Sequential (with its layers), a nested functional model
as a Model."""
import numpy as np

from keras_cpp.layers import Dense, Input
from keras_cpp.models import Model, Sequential, load_model, model_from_json


def nested_sequential():
    inner = Sequential([Dense(3, input_shape=(4,)), Dense(3)])
    outer = Sequential([inner, Dense(5)])
    outer.compile('sgd', 'mse')
    outer.train_on_batch(np.random.rand(2, 4), np.random.rand(2, 5))
    return outer


def check_rebuilt(model):
    inner = model.layers[0]
    assert isinstance(inner, Sequential) and inner.built
    assert [type(layer).__name__ for layer in inner.layers] == ['Dense', 'Dense']
    assert len(inner.weights) == 4 and len(model.weights) == 6
    assert model.layers[0] is inner  # the same object at each access
    assert model.predict(np.zeros((1, 4))).shape == (1, 5)


def test_nested_sequential_through_config_json_and_file(tmp_path):
    model = nested_sequential()
    check_rebuilt(Sequential.from_config(model.get_config()))
    check_rebuilt(model_from_json(model.to_json()))
    model.save(str(tmp_path / 'nested.h5'))
    loaded = load_model(str(tmp_path / 'nested.h5'))
    check_rebuilt(loaded)
    np.testing.assert_allclose(loaded.predict(np.ones((2, 4))), model.predict(np.ones((2, 4))),
                               rtol=1e-6)


def test_nested_functional_model_from_config():
    a = Input(shape=(3,))
    inner = Model(a, Dense(2)(a), name='inner')
    b = Input(shape=(3,))
    outer = Model(b, Dense(1)(inner(b)))
    rebuilt = Model.from_config(outer.get_config())
    nested = rebuilt.get_layer('inner')
    assert isinstance(nested, Model) and not isinstance(nested, Sequential)
    assert [type(layer).__name__ for layer in rebuilt.layers[1].layers] == ['InputLayer', 'Dense']
