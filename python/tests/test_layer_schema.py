"""The layer argument schema seen from Python: every layer class's signature, Keras 1 keyword
spellings, strict from_config, the keywords every layer takes; ReLU and Softmax end to end."""
import inspect
import pydoc

import numpy as np
import pytest

import keras_cpp
from keras_cpp import layers, regularizers
from keras_cpp.layers import Dense, Input, ReLU, Softmax
from keras_cpp.models import Model, Sequential, load_model

# Layer classes whose arguments are still bound argument by argument (none: every class has one).
NOT_FROM_A_SCHEMA = set()


def layer_classes():
    """Every layer class keras_cpp.layers exports, by name (aliases such as Convolution2D once)."""
    found = {}
    for name in dir(layers):
        value = getattr(layers, name)
        if isinstance(value, type) and issubclass(value, layers.Layer) and value is not layers.Layer:
            found.setdefault(value.__name__, value)
    return found


def test_every_layer_class_has_a_signature_of_its_schema_names():
    classes = layer_classes()
    with_schema = {name for name, cls in classes.items() if '_arguments' in vars(cls)}
    assert set(classes) - with_schema == NOT_FROM_A_SCHEMA & set(classes)
    for name in with_schema:
        cls = classes[name]
        signature = inspect.signature(cls)
        names = [argument[0] for argument in cls._arguments]
        assert list(signature.parameters) == names + ['kwargs'], name
        for argument in cls._arguments:
            parameter = signature.parameters[argument[0]]
            if argument[2]:  # required
                assert parameter.default is inspect.Parameter.empty, (name, argument)
            else:
                assert parameter.default == argument[1], (name, argument)


def test_dense_signature_and_help_read_as_keras():
    signature = inspect.signature(Dense)
    assert str(signature).startswith(
        "(units, activation=None, use_bias=True, kernel_initializer='glorot_uniform', "
        "bias_initializer='zeros', kernel_regularizer=None")
    assert str(signature).endswith('bias_constraint=None, **kwargs)')
    assert str(inspect.signature(ReLU)) == \
        '(max_value=None, negative_slope=0.0, threshold=0.0, **kwargs)'
    assert str(inspect.signature(Softmax)) == '(axis=-1, **kwargs)'
    text = pydoc.render_doc(Dense, renderer=pydoc.plaintext)
    assert 'Dense(units, activation=None' in text
    assert 'output_dim (units)' in text  # the Keras 1 spellings, in the docstring


def test_keras1_keywords_become_keras2_arguments():
    dense = Dense(output_dim=3, init='uniform', W_regularizer=regularizers.l2(0.01), bias=False,
                  input_dim=4)
    config = dense.get_config()
    assert config['units'] == 3 and config['use_bias'] is False
    assert config['kernel_initializer']['class_name'] == 'RandomUniform'
    assert config['kernel_regularizer']['class_name'] == 'L1L2'
    flatten = layers.Flatten(dim_ordering='th')
    assert flatten.get_config()['data_format'] == 'channels_first'
    assert layers.GaussianNoise(sigma=0.3).get_config()['stddev'] == pytest.approx(0.3)
    assert layers.Dropout(p=0.2).rate == pytest.approx(0.2)
    with pytest.raises(TypeError, match='Stick to the latter'):
        Dense(3, output_dim=4)


def test_python_keywords_are_checked():
    with pytest.raises(TypeError) as info:
        Dense(3, activaton='relu')
    assert info.value.args == ('Keyword argument not understood:', 'activaton')
    with pytest.raises(TypeError, match="missing required argument: 'units'"):
        Dense(activation='relu')
    with pytest.raises(TypeError, match='multiple values'):
        Dense(3, units=4)
    with pytest.raises(TypeError, match='at most 1 positional'):
        layers.Softmax(1, 2)


def test_from_config_with_an_unknown_key_names_it_and_the_valid_ones():
    with pytest.raises(ValueError) as info:
        Dense.from_config({'units': 3, 'kernel_initialiser': 'zeros'})
    message = str(info.value)
    assert "'kernel_initialiser'" in message and 'Dense' in message
    for valid in ('units', 'kernel_initializer', 'init', 'output_dim', 'name'):
        assert valid in message
    with pytest.raises(ValueError, match="ReLU takes: max_value, negative_slope, threshold"):
        layers.deserialize({'class_name': 'ReLU', 'config': {'alpha': 0.2}})


def test_the_keywords_every_layer_takes():
    weights = [np.ones((2, 3), np.float32), np.zeros(3, np.float32)]
    model = Sequential([Dense(3, input_dim=2, weights=weights, name='d', dtype='float32')])
    np.testing.assert_allclose(model.predict(np.ones((1, 2))), [[2., 2., 2.]])
    assert model.layers[0].name == 'd'
    batched = Sequential([layers.Activation('relu', input_shape=(4,), batch_size=5)])
    assert batched.layers[0].batch_input_shape == (5, 4)
    with pytest.raises(ValueError, match='has no weights'):
        layers.Activation('relu', weights=[np.ones(2)])
    with pytest.raises(ValueError, match='floatx'):
        Dense(3, dtype='int32')


def test_relu_and_softmax_layers_train_save_and_load(tmp_path):
    inputs = Input(shape=(3, 4))
    x = Dense(4)(inputs)
    x = ReLU(max_value=1.5, negative_slope=0.1, threshold=0.2)(x)
    outputs = Softmax(axis=1)(x)
    model = Model(inputs, outputs)
    model.compile('sgd', 'mse')
    data = np.random.rand(6, 3, 4).astype(np.float32) * 4 - 2
    model.fit(data, np.random.rand(6, 3, 4), epochs=1, verbose=0)
    predicted = model.predict(data)
    np.testing.assert_allclose(predicted.sum(axis=1), np.ones((6, 4)), rtol=1e-5)
    path = str(tmp_path / 'relu_softmax.h5')
    model.save(path)
    restored = load_model(path)
    np.testing.assert_allclose(restored.predict(data), predicted, rtol=1e-5, atol=1e-6)
    relu = restored.layers[2]
    assert relu.get_config()['max_value'] == pytest.approx(1.5)
    dense = keras_cpp.backend.function([inputs], [model.layers[1].output])([data])[0]
    expected = np.where(dense > 0.2, np.minimum(dense, 1.5), 0.1 * (dense - 0.2))
    relu_out = keras_cpp.backend.function([inputs], [model.layers[2].output])([data])[0]
    np.testing.assert_allclose(relu_out, expected, rtol=1e-5, atol=1e-6)


def test_pooling_signatures_and_keras1_arguments():
    assert str(inspect.signature(layers.MaxPooling2D)) == \
        "(pool_size=(2, 2), strides=None, padding='valid', data_format=None, **kwargs)"
    pool = layers.MaxPooling1D(pool_length=3, stride=1, border_mode='same')
    assert pool.get_config()['pool_size'] == [3] and pool.get_config()['padding'] == 'same'
    assert layers.AveragePooling2D(dim_ordering='th').get_config()['data_format'] == \
        'channels_first'
    with pytest.raises(ValueError, match="MaxPooling2D takes: pool_size"):
        layers.deserialize({'class_name': 'MaxPooling2D', 'config': {'pool': 2}})


def test_keras1_convolution_arguments():
    conv = layers.Conv2D(4, 3, 3, border_mode='same', subsample=(2, 2), dim_ordering='th',
                         init='he_normal', input_shape=(1, 8, 8))
    config = conv.get_config()
    assert config['filters'] == 4 and tuple(config['kernel_size']) == (3, 3)
    assert config['padding'] == 'same' and tuple(config['strides']) == (2, 2)
    assert config['data_format'] == 'channels_first'
    assert Sequential([conv]).output_shape == (None, 4, 4, 4)


def test_every_layer_class_refuses_an_unknown_config_key_naming_it_and_its_arguments():
    # Every class whose arguments all have defaults: from_config({unknown}) must name the key and
    # every argument a config holds as valid. Not in configs: Keras 1 Merge's `layers` (the
    # layers it is called on). Recurrent and ConvRecurrent2D are abstract bases: no config makes
    # one.
    not_config_keys = {'Merge': {'layers'}}
    checked = 0
    for name, cls in sorted(layer_classes().items()):
        arguments = vars(cls).get('_arguments')
        if arguments is None or any(argument[2] for argument in arguments) or name in (
                'Recurrent', 'ConvRecurrent2D'):
            continue
        with pytest.raises(ValueError) as info:
            cls.from_config({'no_such_argument': 1})
        message = str(info.value)
        assert "'no_such_argument'" in message and name in message, (name, message)
        valid = message.split(' takes: ')[-1].split(', ')
        keys = set(argument[0] for argument in arguments) - not_config_keys.get(name, set())
        assert keys <= set(valid), (name, message)
        checked += 1
    assert checked >= 30
