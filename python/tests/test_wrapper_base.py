"""keras.layers.Wrapper: the base of TimeDistributed and Bidirectional, and of wrappers written in
Python as Keras's users write them (self.layer built in build, used in call): the wrapped layer's
weights are the wrapper's (trained, saved, frozen with it), get_config holds the wrapped layer
and from_config rebuilds it, through custom_objects when the classes are the user's."""
import json

import numpy as np
import pytest

from keras_cpp import backend as K
from keras_cpp import layers
from keras_cpp.layers import (LSTM, Bidirectional, Dense, Input, TimeDistributed, Wrapper)
from keras_cpp.models import Model, Sequential, load_model, model_from_json


class Doubling(Wrapper):
    """A custom wrapper: the wrapped layer's output times two."""

    def build(self, input_shape):
        if not self.layer.built:
            self.layer.build(input_shape)
            self.layer.built = True
        super(Doubling, self).build()

    def call(self, x):
        return self.layer.call(x) * 2

    def compute_output_shape(self, input_shape):
        return self.layer.compute_output_shape(input_shape)


class Scale(layers.Layer):
    """A custom layer to wrap: x times a learned vector."""

    def build(self, input_shape):
        self.scale = self.add_weight(name='scale', shape=(input_shape[-1],),
                                     initializer='ones')

    def call(self, x):
        return x * self.scale


def test_time_distributed_and_bidirectional_are_wrappers():
    from keras_cpp.layers.wrappers import Wrapper as module_level
    assert module_level is Wrapper
    assert isinstance(TimeDistributed(Dense(2)), Wrapper)
    assert isinstance(Bidirectional(LSTM(2)), Wrapper)
    assert not isinstance(Dense(2), Wrapper)
    dense = Dense(2)
    assert TimeDistributed(dense).layer is dense


def test_a_custom_wrapper_uses_trains_and_freezes_the_wrapped_weights():
    rng = np.random.RandomState(0)
    x = rng.rand(16, 4).astype('float32')
    y = rng.rand(16, 3).astype('float32')
    wrapper = Doubling(Dense(3))
    i = Input((4,))
    model = Model(i, wrapper(i))
    kernel, bias = wrapper.get_weights()
    assert kernel.shape == (4, 3) and bias.shape == (3,)
    assert wrapper.trainable_weights == wrapper.layer.trainable_weights
    assert len(wrapper.trainable_weights) == 2 and wrapper.count_params() == 15
    np.testing.assert_allclose(model.predict(x), 2 * (x @ kernel + bias), rtol=1e-5)
    model.compile('adam', 'mse')
    before = model.evaluate(x, y, verbose=0)
    model.fit(x, y, epochs=20, verbose=0)
    assert model.evaluate(x, y, verbose=0) < before
    assert not np.allclose(wrapper.layer.get_weights()[0], kernel)
    # set_weights reaches the wrapped layer; a frozen wrapper freezes it.
    wrapper.set_weights([kernel, bias])
    np.testing.assert_array_equal(wrapper.layer.get_weights()[0], kernel)
    wrapper.trainable = False
    assert wrapper.trainable_weights == [] and len(wrapper.non_trainable_weights) == 2
    with pytest.raises(ValueError, match='expecting 2 weights'):
        wrapper.set_weights([kernel])


def test_a_custom_wrapper_round_trips_with_custom_objects(tmp_path):
    x = np.random.RandomState(1).rand(5, 3, 4).astype('float32')
    model = Sequential([TimeDistributed(Dense(4), input_shape=(3, 4)), Doubling(Scale()),
                        Doubling(Dense(2))])
    model.compile('sgd', 'mse')
    model.layers[1].set_weights([np.array([1.0, -2.0, 0.5, 3.0], 'float32')])
    config = model.layers[2].get_config()
    assert config['layer']['class_name'] == 'Dense' and config['layer']['config']['units'] == 2
    assert config['name'] == model.layers[2].name
    custom = {'Doubling': Doubling, 'Scale': Scale}
    path = str(tmp_path / 'wrapped.h5')
    model.save(path)
    loaded = load_model(path, custom_objects=custom)
    assert isinstance(loaded.layers[1], Doubling) and isinstance(loaded.layers[1].layer, Scale)
    np.testing.assert_allclose(loaded.predict(x), model.predict(x), rtol=1e-6)
    again = model_from_json(model.to_json(), custom_objects=custom)
    again.set_weights(model.get_weights())
    np.testing.assert_allclose(again.predict(x), model.predict(x), rtol=1e-6)
    rebuilt = Doubling.from_config(json.loads(json.dumps(config)))
    assert isinstance(rebuilt.layer, Dense) and rebuilt.name == config['name']
    with pytest.raises(ValueError, match='Unknown layer: Doubling'):
        load_model(path)


def test_a_wrapper_needs_a_layer():
    with pytest.raises(TypeError, match='layer'):
        Doubling(3)
