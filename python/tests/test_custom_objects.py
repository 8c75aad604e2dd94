"""custom_objects in load_model, model_from_json/yaml, layers.deserialize and Keras 1's
layer_from_config; CustomObjectScope and get_custom_objects: Python loss and metric functions,
activations, Lambda functions and Layer subclasses found by name when a config is read back, and
Keras's errors for names nobody knows."""
import json

import numpy as np
import pytest

from keras_cpp import activations, losses, metrics
from keras_cpp import backend as K
from keras_cpp.layers import Dense, Input, Lambda, Layer, deserialize, serialize
from keras_cpp.models import Model, Sequential, load_model, model_from_json, model_from_yaml
from keras_cpp.utils import CustomObjectScope, custom_object_scope, get_custom_objects
from keras_cpp.utils.layer_utils import layer_from_config


def my_loss(y_true, y_pred):
    return K.mean(K.square(y_pred - y_true) * 2., axis=-1)


def my_metric(y_true, y_pred):
    return K.mean(K.abs(y_pred - y_true))


def my_act(x):
    return K.tanh(x) * 0.5


def double(x):
    return x * 2.


class Scale(Layer):
    """A Python layer with a weight and an argument of its own, written as in Keras."""

    def __init__(self, factor=1., **kwargs):
        self.factor = factor
        super(Scale, self).__init__(**kwargs)

    def build(self, input_shape):
        self.kernel = self.add_weight(name='kernel', shape=(input_shape[-1],),
                                      initializer='ones')

    def call(self, x):
        return x * self.kernel * self.factor

    def get_config(self):
        config = {'factor': self.factor}
        base_config = super(Scale, self).get_config()
        return dict(list(base_config.items()) + list(config.items()))


X = np.random.RandomState(0).rand(8, 4).astype('float32')
Y = np.random.RandomState(1).rand(8, 2).astype('float32')


def custom_model():
    model = Sequential([Dense(3, activation=my_act, input_shape=(4,)), Lambda(double),
                        Scale(factor=0.5, name='scale'), Dense(2)])
    model.compile('adam', loss=my_loss, metrics=[my_metric])
    model.fit(X, Y, epochs=2, batch_size=4, verbose=0)
    return model


ALL = {'my_loss': my_loss, 'my_metric': my_metric, 'my_act': my_act, 'double': double,
       'Scale': Scale}


def test_load_model_with_custom_objects(tmp_path):
    model = custom_model()
    path = str(tmp_path / 'custom.h5')
    model.save(path)
    restored = load_model(path, custom_objects=ALL)
    layer = restored.get_layer('scale')
    assert isinstance(layer, Scale) and layer.factor == 0.5  # the Python object, from its config
    np.testing.assert_allclose(restored.predict(X), model.predict(X), rtol=1e-6)
    # Compiled with the custom loss and metric: the same values, and training goes on the same.
    np.testing.assert_allclose(restored.evaluate(X, Y, verbose=0), model.evaluate(X, Y, verbose=0),
                               rtol=1e-6)
    restored.fit(X, Y, epochs=1, batch_size=4, shuffle=False, verbose=0)
    model.fit(X, Y, epochs=1, batch_size=4, shuffle=False, verbose=0)
    np.testing.assert_allclose(restored.predict(X), model.predict(X), rtol=1e-5, atol=1e-6)


def test_unknown_names_raise_keras_errors(tmp_path):
    model = custom_model()
    path = str(tmp_path / 'custom.h5')
    model.save(path)
    without = dict(ALL)
    del without['Scale']
    with pytest.raises(ValueError, match='Unknown layer: Scale'):
        load_model(path, custom_objects=without)
    del without['my_act']
    with pytest.raises(ValueError, match="Unknown activation function: 'my_act'"):
        load_model(path, custom_objects={'Scale': Scale, 'double': double})
    # The Lambda's function is read back from its code (Keras 2.2.4): no name needed.
    load_model(path, custom_objects={'Scale': Scale, 'my_act': my_act}, compile=False)
    with pytest.raises(ValueError, match="Unknown loss function: 'my_loss'"):
        load_model(path, custom_objects={'Scale': Scale, 'my_act': my_act, 'double': double})
    with pytest.raises(ValueError, match="Unknown metric function: 'my_metric'"):
        load_model(path, custom_objects={'Scale': Scale, 'my_act': my_act, 'double': double,
                                         'my_loss': my_loss})
    # Without compiling, the training configuration's names are not needed.
    restored = load_model(path, custom_objects={'Scale': Scale, 'my_act': my_act,
                                                'double': double}, compile=False)
    np.testing.assert_allclose(restored.predict(X), model.predict(X), rtol=1e-6)


def test_model_from_json_and_yaml_with_custom_objects():
    # The Scale object is only in the graph (no Python name holds it): its get_config still runs.
    a = Input(shape=(4,), name='a')
    x = Scale(factor=3., name='scale')(Dense(3, activation=my_act, name='d')(a))
    model = Model(inputs=a, outputs=Lambda(double, name='twice')(x))
    for rebuilt in (model_from_json(model.to_json(), custom_objects=ALL),
                    model_from_yaml(model.to_yaml(), custom_objects=ALL)):
        rebuilt.set_weights(model.get_weights())
        assert rebuilt.get_layer('scale').factor == 3.
        np.testing.assert_allclose(rebuilt.predict(X), model.predict(X), rtol=1e-6)
    with pytest.raises(ValueError, match='Unknown layer: Scale'):
        model_from_json(model.to_json(), custom_objects={'my_act': my_act, 'double': double})


def test_custom_object_scope_and_global_objects(tmp_path):
    model = custom_model()
    path = str(tmp_path / 'custom.h5')
    model.save(path)
    with CustomObjectScope(ALL):
        assert get_custom_objects()['Scale'] is Scale
        restored = load_model(path)
        np.testing.assert_allclose(restored.predict(X), model.predict(X), rtol=1e-6)
        # compile's names resolve through the scope too, as Keras's losses.get does.
        again = Sequential([Dense(2, input_shape=(4,))])
        again.compile('sgd', loss='my_loss', metrics=['my_metric'])
        assert len(again.evaluate(X, Y, verbose=0)) == 2
        assert losses.get('my_loss') is my_loss and metrics.get('my_metric') is my_metric
        assert activations.get('my_act') is my_act
        named = Sequential([Dense(2, input_shape=(4,), activation='my_act',
                                  kernel_initializer='ones')])
        np.testing.assert_allclose(named.predict(X),
                                   my_np_act(X.sum(axis=1, keepdims=True).repeat(2, 1)),
                                   rtol=1e-6)
        assert named.layers[0].get_config()['activation'] == 'my_act'
    assert 'Scale' not in get_custom_objects()
    with pytest.raises(ValueError, match="Unknown loss function: 'my_loss'"):
        losses.get('my_loss')
    with pytest.raises(ValueError, match="Unknown activation function: 'my_act'"):
        load_model(path)
    with custom_object_scope({'Scale': Scale}, {'my_act': my_act, 'double': double}):
        load_model(path, compile=False)
    get_custom_objects().update(ALL)
    try:
        load_model(path)
    finally:
        get_custom_objects().clear()


def test_layer_from_config_and_deserialize():
    dense = layer_from_config({'class_name': 'Dense',
                               'config': {'units': 5, 'activation': 'relu', 'name': 'd5'}})
    assert isinstance(dense, Dense) and dense.units == 5 and dense.name == 'd5'
    config = serialize(Scale(factor=2., name='s'))
    assert config['class_name'] == 'Scale' and config['config']['factor'] == 2.
    layer = deserialize(config, custom_objects={'Scale': Scale})
    assert isinstance(layer, Scale) and layer.factor == 2. and layer.name == 's'
    assert isinstance(Dense.from_config(dense.get_config()), Dense)
    act = deserialize({'class_name': 'Activation', 'config': {'activation': 'my_act'}},
                      custom_objects={'my_act': my_act})
    out = Sequential([Dense(2, input_shape=(4,), kernel_initializer='ones'), act]).predict(X)
    np.testing.assert_allclose(out, my_np_act(X.sum(axis=1, keepdims=True).repeat(2, 1)),
                               rtol=1e-6)
    with pytest.raises(ValueError, match='Unknown layer: Nope'):
        layer_from_config({'class_name': 'Nope', 'config': {}})


def my_np_act(x):
    return np.tanh(x) * 0.5


def test_python_layers_live_as_long_as_their_models(tmp_path):
    import gc
    model = custom_model()
    model.save(str(tmp_path / 'custom.h5'))
    inner = load_model(str(tmp_path / 'custom.h5'), custom_objects=ALL)
    x = Input(shape=(4,))
    outer = Model(inputs=x, outputs=inner(x))
    want = outer.predict(X)
    del inner, model
    gc.collect()
    # The Scale layer's Python half (its get_config, its factor) is still there.
    config = json.loads(outer.to_json())
    scale = config['config']['layers'][1]['config']['layers'][2]
    assert scale['class_name'] == 'Scale' and scale['config']['factor'] == 0.5
    again = model_from_json(outer.to_json(), custom_objects=ALL)
    again.set_weights(outer.get_weights())
    np.testing.assert_allclose(again.predict(X), want, rtol=1e-6)


def test_python_layer_in_a_dropped_sequential_keeps_its_config():
    import gc

    def make():
        inner = Sequential([Scale(factor=4., input_shape=(4,), name='scale')])
        x = Input(shape=(4,))
        return Model(inputs=x, outputs=inner(x))

    model = make()
    gc.collect()
    config = json.loads(model.to_json())
    assert config['config']['layers'][1]['config']['layers'][0]['config']['factor'] == 4.


def test_python_layer_wrapped_in_time_distributed():
    import gc
    from keras_cpp.layers import TimeDistributed

    def make():
        return Sequential([TimeDistributed(Scale(factor=2.), input_shape=(3, 4))])

    model = make()
    gc.collect()
    x = np.random.rand(2, 3, 4)
    np.testing.assert_allclose(model.predict(x), x * 2., rtol=1e-6)
    inner = json.loads(model.to_json())['config']['layers'][0]['config']['layer']
    assert inner['class_name'] == 'Scale' and inner['config']['factor'] == 2.
