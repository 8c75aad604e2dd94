"""C++ exceptions arrive as Python exceptions with the same message."""
import numpy as np
import pytest

from keras_cpp.layers import Dense
from keras_cpp.models import Sequential


def test_unknown_optimizer_is_a_value_error_listing_valid_names():
    model = Sequential([Dense(1, input_dim=2)])
    with pytest.raises(ValueError, match="Unknown optimizer: 'adamm'. Valid optimizers are: sgd"):
        model.compile(optimizer='adamm', loss='mse')


def test_unknown_activation_and_loss():
    with pytest.raises(ValueError, match='Unknown activation function'):
        Dense(3, activation='relux')
    model = Sequential([Dense(1, input_dim=2)])
    with pytest.raises(ValueError, match='Unknown loss function'):
        model.compile('sgd', loss='mse2')


def test_shape_mismatch_names_both_shapes():
    model = Sequential([Dense(1, input_dim=2)])
    model.compile('sgd', 'mse')
    with pytest.raises(ValueError, match=r'expected dense_1_input to have shape \(None, 2\) but '
                                         r'got array with shape \(4, 3\)'):
        model.fit(np.zeros((4, 3)), np.zeros((4, 1)), verbose=0)
    with pytest.raises(ValueError, match='same number of samples'):
        model.fit(np.zeros((4, 2)), np.zeros((5, 1)), verbose=0)


def test_fit_before_compile_is_a_runtime_error():
    model = Sequential([Dense(1, input_dim=2)])
    with pytest.raises(RuntimeError, match='You must compile a model before'):
        model.fit(np.zeros((4, 2)), np.zeros((4, 1)), verbose=0)


def test_unknown_keyword_is_a_type_error():
    with pytest.raises(TypeError):
        Dense(3, activatoin='relu')
    model = Sequential([Dense(1, input_dim=2)])
    model.compile('sgd', 'mse')
    with pytest.raises(TypeError):
        model.fit(np.zeros((4, 2)), np.zeros((4, 1)), nb_epochs=3)


def test_adding_a_non_layer():
    with pytest.raises(TypeError, match='must be an instance of class Layer'):
        Sequential().add('dense')
