"""Keras 2.2.4 keeps a layer call's keyword arguments (`Dropout(0.5)(x, training=True)`) in the
call's node, writes them as the 4th entry of each of the node's inbound references in the model
config ([layer_name, node_index, tensor_index, kwargs]) and gives them to the call again when the
model is rebuilt, so a reloaded model behaves as the original: here through get_config /
from_config, to_json / model_from_json and save / load_model."""
import json

import numpy as np
import pytest

from keras_cpp import backend as K
from keras_cpp.layers import BatchNormalization, Dense, Dropout, Input, SimpleRNN
from keras_cpp.models import Model, load_model, model_from_json


def rebuilt(model, tmp_path):
    """The model through each of Keras's three ways to save and rebuild one."""
    path = str(tmp_path / 'model.h5')
    model.save(path)
    return [Model.from_config(model.get_config()), model_from_json(model.to_json()),
            load_model(path)]


def inbound_refs(model, layer_name):
    layer = next(entry for entry in model.get_config()['layers'] if entry['name'] == layer_name)
    return layer['inbound_nodes']


def dropout_model():
    inputs = Input(shape=(200,))
    outputs = Dropout(0.5, name='always_drops')(inputs, training=True)
    return Model(inputs, outputs)


def assert_drops(model):
    y = model.predict(np.ones((4, 200)))
    # Dropout active at inference: about half the units zeroed, the others scaled by 1 / 0.5.
    assert 0.3 < np.mean(y == 0) < 0.7
    np.testing.assert_allclose(y[y != 0], 2.0)


def test_training_argument_is_kept_in_the_config(tmp_path):
    inputs = Input(shape=(3,), name='x')
    hidden = Dense(4, name='dense')(inputs)
    outputs = Dropout(0.5, name='dropout')(hidden, training=True)
    model = Model(inputs, outputs)
    assert not model.uses_learning_phase
    # Keras's format: every inbound reference carries the call's kwargs ({} for none).
    assert inbound_refs(model, 'dense') == [[['x', 0, 0, {}]]]
    assert inbound_refs(model, 'dropout') == [[['dense', 0, 0, {'training': True}]]]
    for copy in rebuilt(model, tmp_path):
        assert inbound_refs(copy, 'dropout') == [[['dense', 0, 0, {'training': True}]]]
        assert not copy.uses_learning_phase


def test_a_rebuilt_model_still_drops_at_inference(tmp_path):
    model = dropout_model()
    assert_drops(model)
    for copy in rebuilt(model, tmp_path):
        assert_drops(copy)
    # training=False keeps the layer off even when training.
    inputs = Input(shape=(200,))
    never = Model(inputs, Dropout(0.5)(inputs, training=False))
    never.compile('sgd', 'mse')
    for copy in [never] + rebuilt(never, tmp_path):
        x = np.ones((4, 200))
        np.testing.assert_array_equal(copy.predict(x), x)
        copy.compile('sgd', 'mse')
        assert copy.train_on_batch(x, x) == 0.0


def test_batch_normalization_called_in_training_mode(tmp_path):
    # training=True normalizes with the batch's own statistics at inference too (the moving
    # ones, 0 and 1 at first, would leave x as it is).
    inputs = Input(shape=(3,))
    model = Model(inputs, BatchNormalization(name='bn')(inputs, training=True))
    x = np.random.RandomState(0).normal(5.0, 2.0, size=(64, 3))
    for copy in [model] + rebuilt(model, tmp_path):
        y = copy.predict(x, batch_size=64)
        np.testing.assert_allclose(y.mean(axis=0), 0.0, atol=1e-4)
        np.testing.assert_allclose(y.std(axis=0), 1.0, atol=1e-2)
        assert inbound_refs(copy, 'bn')[0][0][3] == {'training': True}


def test_recurrent_dropout_called_in_training_mode(tmp_path):
    inputs = Input(shape=(5, 3))
    rnn = SimpleRNN(8, dropout=0.5, recurrent_dropout=0.5, name='rnn')
    model = Model(inputs, rnn(inputs, training=True))
    x = np.ones((6, 5, 3))
    for copy in [model] + rebuilt(model, tmp_path):
        assert inbound_refs(copy, 'rnn')[0][0][3] == {'training': True}
        # A new dropout mask every call: two predictions differ.
        assert not np.allclose(copy.predict(x), copy.predict(x))


def test_keras_2_config_with_call_kwargs():
    # A config as Keras 2.2.4 writes it; a 3-entry reference (Keras 2.0) has no kwargs.
    config = {
        'class_name': 'Model',
        'config': {
            'name': 'model_1',
            'layers': [
                {'name': 'input_1', 'class_name': 'InputLayer',
                 'config': {'batch_input_shape': [None, 200], 'dtype': 'float32',
                            'sparse': False, 'name': 'input_1'},
                 'inbound_nodes': []},
                {'name': 'dropout_1', 'class_name': 'Dropout',
                 'config': {'name': 'dropout_1', 'trainable': True, 'rate': 0.5,
                            'noise_shape': None, 'seed': None},
                 'inbound_nodes': [[['input_1', 0, 0, {'training': True}]]]},
                {'name': 'dropout_2', 'class_name': 'Dropout',
                 'config': {'name': 'dropout_2', 'trainable': True, 'rate': 0.5,
                            'noise_shape': None, 'seed': None},
                 'inbound_nodes': [[['input_1', 0, 0]]]},
            ],
            'input_layers': [['input_1', 0, 0]],
            'output_layers': [['dropout_1', 0, 0], ['dropout_2', 0, 0]],
        },
    }
    model = model_from_json(json.dumps(config))
    dropped, kept = model.predict(np.ones((4, 200)))
    assert 0.3 < np.mean(dropped == 0) < 0.7
    np.testing.assert_array_equal(kept, 1.0)
    assert inbound_refs(model, 'dropout_2') == [[['input_1', 0, 0, {}]]]
    # An argument no layer call takes is named.
    config['config']['layers'][1]['inbound_nodes'] = [[['input_1', 0, 0, {'trainig': True}]]]
    with pytest.raises(ValueError, match="dropout_1: unknown call argument 'trainig'"):
        model_from_json(json.dumps(config))
    config['config']['layers'][1]['inbound_nodes'] = [[['input_1', 0, 0, {'training': 'yes'}]]]
    with pytest.raises(ValueError, match='training= takes true, false, 0 or 1, got "yes"'):
        model_from_json(json.dumps(config))


def test_keras_3_config_with_call_kwargs():
    # Keras 3 writes a call as {"args": [tensor refs], "kwargs": {...}}.
    config = {
        'class_name': 'Functional',
        'config': {
            'name': 'functional',
            'layers': [
                {'class_name': 'InputLayer', 'name': 'x', 'inbound_nodes': [],
                 'config': {'batch_shape': [None, 200], 'dtype': 'float32', 'name': 'x'}},
                {'class_name': 'Dropout', 'name': 'dropout', 'config': {'name': 'dropout',
                                                                        'rate': 0.5},
                 'inbound_nodes': [{'args': [{'class_name': '__keras_tensor__', 'config': {
                     'shape': [None, 200], 'dtype': 'float32', 'keras_history': ['x', 0, 0]}}],
                     'kwargs': {'training': True}}]},
            ],
            'input_layers': [['x', 0, 0]],
            'output_layers': [['dropout', 0, 0]],
        },
    }
    assert_drops(model_from_json(json.dumps(config)))


def test_the_learning_phase_is_restored_after_the_call():
    inputs = Input(shape=(3,))
    Dropout(0.5)(inputs, training=True)
    assert K.is_tensor(K.learning_phase())  # fed at run time again
    K.set_learning_phase(0)
    try:
        Dropout(0.5)(inputs, training=True)
        assert K.learning_phase() == 0
    finally:
        K.clear_session()
