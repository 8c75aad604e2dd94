"""Keras 2.2.4's engine API in the forms its users write: compute_mask on lists, stateful set by
a layer subclass, add_loss of numbers, pickled models compiled with keras_cpp's own functions,
load_weights(reshape=...), Constant initializers holding arrays, input_dim on later layers,
callback.validation_data, top-k metrics as scalars, loss objects serialized (and saved with a model)."""
import copy
import json
import pickle

import h5py
import numpy as np
import pytest

import keras_cpp as keras
from keras_cpp import backend as K
from keras_cpp import callbacks, initializers, losses, metrics, optimizers
from keras_cpp.layers import Conv2D, Dense, Flatten, Input, Layer
from keras_cpp.models import Model, Sequential, load_model
from keras_cpp.utils import CustomObjectScope


def test_compute_mask_takes_lists_and_non_tensor_masks():
    model = Sequential([Dense(1, input_dim=2)])
    dense = model.layers[0]
    # A layer that supports masking passes any mask on; one that does not refuses it.
    assert dense.compute_mask([model.input], [0., 1.]) == [0., 1.]
    conv = Sequential([Conv2D(1, (2, 2), input_shape=(3, 3, 1))]).layers[0]
    assert conv.compute_mask([conv.input], [None]) is None
    with pytest.raises(TypeError, match='does not support masking'):
        conv.compute_mask([conv.input], [np.ones((2, 2))])
    a, b = Input(shape=(3,)), Input(shape=(3,))
    two = Model([a, b], [Dense(2)(a), Dense(2)(b)])
    assert two.compute_mask([a, b], [None, None]) == [None, None]


def test_python_layer_sets_stateful():
    class Counter(Layer):
        def __init__(self, **kwargs):
            super().__init__(**kwargs)
            self.stateful = True

    assert Counter().stateful is True
    with pytest.raises(AttributeError, match='constructor argument'):
        Dense(2).stateful = True


def test_add_loss_takes_numbers():
    x = Input(shape=(2,))
    model = Model(x, Dense(1, kernel_initializer='zeros')(x))
    model.add_loss(1)
    model.add_loss([0.5])
    model.compile('sgd', 'mse')
    loss = model.evaluate(np.zeros((4, 2)), np.zeros((4, 1)), verbose=0)
    assert loss == pytest.approx(1.5)
    with pytest.raises(TypeError, match='add_loss takes'):
        model.add_loss('one')


def test_pickle_model_compiled_with_engine_functions():
    model = Sequential([Dense(3, input_shape=(2,))])
    model.compile(loss=losses.MSE, optimizer=optimizers.RMSprop(lr=0.001),
                  metrics=[metrics.categorical_accuracy])
    x, y = np.random.rand(4, 2), np.random.rand(4, 3)
    model.train_on_batch(x, y)
    restored = pickle.loads(pickle.dumps(model))
    np.testing.assert_allclose(restored.predict(x), model.predict(x), atol=1e-6)
    assert restored.loss is losses.MSE or restored.loss is losses.mean_squared_error
    restored.train_on_batch(x, y)
    clone = copy.deepcopy(model)
    np.testing.assert_allclose(clone.predict(x), model.predict(x), atol=1e-6)


def test_make_train_function_then_save(tmp_path):
    model = Sequential([Dense(2, input_shape=(3,))])
    model.compile('adam', 'mse')
    model._make_train_function()
    model.save(str(tmp_path / 'm.h5'))
    assert load_model(str(tmp_path / 'm.h5')).optimizer is not None


def test_load_weights_reshape_and_skip_mismatch(tmp_path):
    path = str(tmp_path / 'w.h5')
    dense = Sequential([Conv2D(2, (1, 1), input_shape=(1, 1, 1), name='a'), Flatten(),
                        Dense(3, name='b')])
    dense.save_weights(path)
    conv = Sequential([Conv2D(2, (1, 1), input_shape=(1, 1, 1), name='a'),
                       Conv2D(3, (1, 1), name='b')])
    with pytest.raises(ValueError):
        conv.load_weights(path, by_name=True)
    conv.load_weights(path, by_name=True, reshape=True)
    np.testing.assert_array_equal(conv.layers[1].get_weights()[0].ravel(),
                                  dense.layers[2].get_weights()[0].ravel())
    wider = Sequential([Conv2D(2, (1, 1), input_shape=(1, 1, 1), name='a'), Flatten(),
                        Dense(4, name='b')])
    with pytest.warns(UserWarning, match='Skipping loading of weights for layer b due to '
                                         'mismatch in shape'):
        wider.load_weights(path, by_name=True, skip_mismatch=True)
    np.testing.assert_array_equal(wider.layers[0].get_weights()[0],
                                  dense.layers[0].get_weights()[0])


def test_constant_initializer_with_array(tmp_path):
    value = np.arange(6, dtype='float32').reshape(3, 2)
    model = Sequential([Dense(2, input_shape=(3,),
                              kernel_initializer=initializers.Constant(value))])
    np.testing.assert_array_equal(model.layers[0].get_weights()[0], value)
    model.compile('sgd', 'mse')
    model.save(str(tmp_path / 'm.h5'))
    load_model(str(tmp_path / 'm.h5'))
    with pytest.raises(ValueError, match='6 elements'):
        Sequential([Dense(4, input_shape=(3,), kernel_initializer=initializers.Constant(value))])


def test_input_dim_of_a_later_layer_is_ignored():
    # Keras builds a later layer for the inputs it is called on.
    model = Sequential([Dense(4, input_dim=3), Dense(2, input_dim=7)])
    assert model.layers[1].get_weights()[0].shape == (4, 2)


def test_callbacks_get_validation_data():
    model = Sequential([Dense(2, input_shape=(3,))])
    model.compile('sgd', 'mse')
    x, y = np.random.rand(10, 3), np.random.rand(10, 2)
    seen = callbacks.LambdaCallback()
    assert seen.validation_data is None
    model.fit(x, y, validation_data=(x[:4], y[:4]), callbacks=[seen], epochs=1, verbose=0)
    val_x, val_y, val_w = seen.validation_data
    assert val_x is x[:4].base or val_x.shape == (4, 3)
    assert val_y.shape == (4, 2)
    np.testing.assert_array_equal(val_w, np.ones(4))
    split = callbacks.LambdaCallback()
    model.fit(x, y, validation_split=0.3, callbacks=[split], epochs=1, verbose=0)
    np.testing.assert_array_equal(split.validation_data[0], x[7:])

    def batches():
        while True:
            yield x[:5], y[:5]

    from_generator = callbacks.LambdaCallback()
    model.fit_generator(batches(), 2, epochs=1, verbose=0, validation_data=(x, y),
                        callbacks=[from_generator])
    assert from_generator.validation_data[0] is x


def test_top_k_accuracies_are_the_batch_mean():
    y_pred = K.variable(np.array([[0.3, 0.2, 0.1], [0.1, 0.2, 0.7]]))
    y_true = K.variable(np.array([[0, 1, 0], [1, 0, 0]]))
    assert K.eval(metrics.top_k_categorical_accuracy(y_true, y_pred, k=2)) == 0.5
    sparse = K.variable(np.array([1, 0]))
    assert K.eval(metrics.sparse_top_k_categorical_accuracy(sparse, y_pred, k=1)) == 0
    model = Sequential([Dense(3, input_shape=(2,), activation='softmax')])
    model.compile('sgd', 'categorical_crossentropy',
                  metrics=[metrics.top_k_categorical_accuracy])
    assert model.metrics_names == ['loss', 'top_k_categorical_accuracy']


class Blend(object):
    def __init__(self, fraction):
        self.fraction = fraction

    def __call__(self, y_true, y_pred):
        return self.fraction * losses.mse(y_true, y_pred)

    def get_config(self):
        return {'fraction': self.fraction}


def test_loss_object_serializes_with_its_config():
    config = losses.serialize(Blend(0.3))
    assert config == {'class_name': 'Blend', 'config': {'fraction': 0.3}}
    restored = losses.deserialize(config, custom_objects={'Blend': Blend})
    assert isinstance(restored, Blend) and restored.fraction == 0.3
    assert losses.get(None) is None
    with pytest.raises(ValueError, match='loss function identifier'):
        losses.get(5)
    assert keras.losses.serialize(losses.mse) == 'mean_squared_error'


def trained_with_loss_object():
    x = Input(shape=(2,))
    model = Model(x, Dense(1, name='out')(x))
    model.compile('adam', loss={'out': Blend(3.0)}, metrics=['mae'])
    model.fit(np.random.rand(32, 2), np.random.rand(32, 1), epochs=2, verbose=0)
    return model


def test_loss_object_saved_and_loaded_with_its_config(tmp_path):
    model = trained_with_loss_object()
    path = str(tmp_path / 'model.h5')
    model.save(path)
    with h5py.File(path, 'r') as f:
        config = json.loads(f.attrs['training_config'])
    assert config['loss'] == {'out': {'class_name': 'Blend', 'config': {'fraction': 3.0}}}

    loaded = load_model(path, custom_objects={'Blend': Blend})
    assert isinstance(loaded.loss['out'], Blend) and loaded.loss['out'].fraction == 3.0
    x, y = np.random.rand(8, 2), np.random.rand(8, 1)
    np.testing.assert_allclose(loaded.evaluate(x, y, verbose=0), model.evaluate(x, y, verbose=0),
                               rtol=1e-5)
    # The optimizer state came back: the next step is the same as the original model's.
    for m in (model, loaded):
        m.train_on_batch(x, y)
    for a, b in zip(model.get_weights(), loaded.get_weights()):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6)
    with CustomObjectScope({'Blend': Blend}):
        assert load_model(path).loss['out'].fraction == 3.0


def test_loss_object_loading_without_the_class_says_which(tmp_path):
    path = str(tmp_path / 'model.h5')
    trained_with_loss_object().save(path)
    with pytest.raises(ValueError, match='Blend'):
        load_model(path)
    assert load_model(path, compile=False).predict(np.zeros((1, 2))).shape == (1, 1)


def test_frozen_layer_has_no_updates():
    model = Sequential([keras.layers.BatchNormalization(input_shape=(4,))])
    assert model.updates
    model.trainable = False
    assert model.updates == []
    assert model.layers[0].updates


def twice(x):
    return 2. * x


def test_python_lambda_saved_as_code(tmp_path):
    inputs = Input(shape=(3,))
    hidden = keras.layers.Lambda(lambda x: twice(x) + K.square(x), output_shape=(3,))(inputs)
    model = Model(inputs, Dense(2)(hidden))
    config = model.layers[1].get_config()
    assert config['function_type'] == 'lambda' and isinstance(config['function'], list)
    model.compile('sgd', 'mse')
    path = str(tmp_path / 'lambda.h5')
    model.save(path)
    x = np.random.rand(4, 3)
    restored = load_model(path, custom_objects={'twice': twice})
    np.testing.assert_allclose(restored.predict(x), model.predict(x), rtol=1e-5)
    # Read back, the function is code again when written (a second save round-trips).
    again = keras.models.model_from_json(restored.to_json(), custom_objects={'twice': twice})
    assert again.layers[1].get_config()['function_type'] == 'lambda'
    # Keras's globals for the code: K and np, and the custom objects in scope.
    pure = Model(inputs, keras.layers.Lambda(lambda x: K.square(x[:, :2]) + np.float32(1))(inputs))
    np.testing.assert_allclose(pickle.loads(pickle.dumps(pure)).predict(x), pure.predict(x))


def test_frozen_model_keeps_its_moving_statistics():
    model = Sequential([keras.layers.BatchNormalization(input_shape=(4,))])
    model.trainable = False
    model.compile('sgd', 'mse')
    x, y = np.random.rand(10, 4), np.random.rand(10, 4)
    before = model.predict(x)
    model.train_on_batch(x, y)
    np.testing.assert_allclose(model.predict(x), before, atol=1e-7)
    model.trainable = True
    model.compile('sgd', 'mse')
    model.train_on_batch(x, y)
    assert np.abs(model.predict(x) - before).max() > 1e-5


def test_unused_input_is_one_of_the_model_layers(tmp_path):
    a, b = Input(shape=(4, 3), name='used'), Input(shape=(2,), name='unused')
    model = Model([a, b], keras.layers.Lambda(lambda x: x[:, :, :1])(a))
    assert [layer.name for layer in model.layers][:2] == ['unused', 'used']
    model.save(str(tmp_path / 'm.h5'))
    restored = load_model(str(tmp_path / 'm.h5'))
    assert restored.input_names == ['used', 'unused']


def test_sequential_builds_on_its_first_data(tmp_path):
    model = Sequential()
    model.add(Dense(3))
    model.add(Dense(2))
    model.compile('sgd', 'mse')
    assert model.built is False and len(model.layers) == 2 and model.weights == []
    model.train_on_batch(np.random.rand(5, 4), np.random.rand(5, 2))
    assert model.built is True and len(model.weights) == 4
    assert model.layers[0].get_weights()[0].shape == (4, 3)
    restored = Sequential.from_config(model.get_config())
    assert restored.built and len(restored.weights) == 4
    model.save(str(tmp_path / 'm.h5'))
    assert load_model(str(tmp_path / 'm.h5')).predict(np.zeros((1, 4))).shape == (1, 2)
    explicit = Sequential([Dense(2)])
    explicit.build((None, 7))
    assert explicit.layers[0].get_weights()[0].shape == (7, 2)
    with pytest.raises(ValueError, match='has no input shape'):
        Sequential([Dense(2)]).build()


def test_nested_sequential_builds_with_its_outer_model():
    inner = Sequential([Dense(3), Dense(3)])
    model = Sequential([inner, Dense(5)])
    model.compile('sgd', 'mse')
    assert not inner.built and not model.built and model.weights == []
    model.train_on_batch(np.random.rand(2, 4), np.random.rand(2, 5))
    assert inner.built and len(inner.weights) == 4 and len(model.weights) == 6
    assert len(Sequential.from_config(model.get_config()).weights) == 6


def test_compute_output_shape_of_several_inputs():
    a, b = Input(shape=(32,)), Input(shape=(32,))
    model = Model([a, b], [keras.layers.concatenate([Dense(32)(a), Dense(32)(b)]), Dense(5)(a)])
    assert model.compute_output_shape([(None, 32), (None, 32)]) == [(None, 64), (None, 5)]
    assert keras.layers.Add().compute_output_shape([(None, 3), (None, 3)]) == (None, 3)
    assert Dense(2).compute_output_shape((None, 7)) == (None, 2)


def test_reduce_lr_on_plateau_takes_keras_2_0_epsilon():
    with pytest.warns(UserWarning, match='`epsilon` argument is deprecated'):
        reduce = callbacks.ReduceLROnPlateau(epsilon=1e-13)
    assert reduce.min_delta == 1e-13 and not hasattr(reduce, 'epsilon')
    assert callbacks.ReduceLROnPlateau(patience=3).min_delta == 1e-4
    with pytest.raises(TypeError, match='unexpected keyword arguments: pateince'):
        callbacks.ReduceLROnPlateau(pateince=3)


def test_input_and_output_layers():
    a, b = Input(shape=(3,), name='input_a'), Input(shape=(3,), name='input_b')
    shared = Dense(4, name='shared')
    out = Dense(2, name='out')(keras.layers.concatenate([shared(a), shared(b)]))
    model = Model([a, b], [out, shared.get_output_at(0)])
    assert [layer.name for layer in model._input_layers] == ['input_a', 'input_b']
    assert [layer.name for layer in model._output_layers] == ['out', 'shared']


def test_model_outputs_must_be_tensors():
    x = Input(shape=(2,))
    with pytest.raises(ValueError, match='Output tensors to a Model must be Keras tensors. '
                                         'Found: 0'):
        Model(x, [Dense(1)(x), 0])
    with pytest.raises(ValueError, match='Input tensors'):
        Model([x, 'a'], Dense(1)(x))


def test_sample_weight_list_with_none_entries():
    x = Input(shape=(3,))
    model = Model(x, [Dense(2, name='a')(x), Dense(1, name='b')(x)])
    model.compile('sgd', 'mse')
    data, ya, yb = np.random.rand(6, 3), np.random.rand(6, 2), np.random.rand(6, 1)
    weights = np.random.rand(6)
    unweighted = model.test_on_batch(data, [ya, yb], sample_weight=[np.ones(6), weights])
    assert model.test_on_batch(data, [ya, yb], sample_weight=[None, weights]) == unweighted
    model.train_on_batch(data, [ya, yb], sample_weight=[None, weights])
    model.fit(data, [ya, yb], sample_weight=[weights, None], epochs=1, verbose=0)
    model.evaluate(data, [ya, yb], sample_weight=[None, None], verbose=0)


def test_summary_warns_when_trainable_changed_since_compile(capsys):
    a = Input(shape=(3,))
    inner = Model(a, Dense(1)(a))
    inner.trainable = False
    b = Input(shape=(3,))
    outer = Model(b, Dense(1)(inner(b)))
    outer.compile('adam', 'mse')
    inner.trainable = True
    data, target = np.zeros((4, 3)), np.zeros((4, 1))
    # Also before each training call, as Keras's _make_train_function.
    for call in (outer.summary, lambda: outer.fit(data, target, verbose=0),
                 lambda: outer.train_on_batch(data, target),
                 lambda: outer.fit_generator(iter([(data, target)] * 2), steps_per_epoch=2,
                                             verbose=0)):
        with pytest.warns(UserWarning, match='Discrepancy between trainable weights'):
            call()
    outer.compile('adam', 'mse')
    import warnings
    with warnings.catch_warnings():
        warnings.simplefilter('error')
        outer.summary()
        outer.fit(data, target, verbose=0)
        seq = Sequential([Dense(2, input_shape=(3,))])
        seq.compile('sgd', 'mse')
        seq.summary()
