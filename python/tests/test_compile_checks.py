"""Keras 2.2.4's checks of compile's and the training methods' arguments on a model of two
outputs: the errors (ValueError or TypeError) Keras raises, before any computation."""
import numpy as np
import pytest

from keras_cpp.layers import Dense, Input
from keras_cpp.models import Model


@pytest.fixture
def model():
    a, b = Input(shape=(3,), name='a'), Input(shape=(3,), name='b')
    return Model([a, b], [Dense(2, name='first')(a), Dense(1, name='second')(b)])


def test_loss_weights_must_be_a_list_or_a_dict(model):
    with pytest.raises(TypeError, match='loss_weights'):
        model.compile('sgd', 'mse', loss_weights=(0.5, 0.5))
    model.compile('sgd', 'mse', loss_weights=[0.5, 0.5])
    model.compile('sgd', 'mse', loss_weights={'first': 0.5})


def test_sample_weight_mode_per_output(model):
    with pytest.raises(ValueError, match='Unknown entry'):
        model.compile('sgd', 'mse', sample_weight_mode={'third': None})
    with pytest.raises(ValueError, match='missing'):
        model.compile('sgd', 'mse', sample_weight_mode={'first': None})
    with pytest.raises(ValueError, match='one entry per model output'):
        model.compile('sgd', 'mse', sample_weight_mode=[None])
    # The same mode for each output, written per output, is that mode.
    model.compile('sgd', 'mse', sample_weight_mode={'first': None, 'second': None})
    model.compile('sgd', 'mse', sample_weight_mode=[None, None])
    assert model.train_on_batch([np.ones((2, 3))] * 2, [np.ones((2, 2)), np.ones((2, 1))],
                                sample_weight=[np.ones(2), np.ones(2)]) is not None
    # One mode per output is not something the engine does: said clearly.
    with pytest.raises(ValueError, match='one mode for every output'):
        model.compile('sgd', 'mse', sample_weight_mode={'first': None, 'second': 'temporal'})


def test_batch_arguments(model):
    model.compile('sgd', 'mse')
    x = [np.ones((2, 3))] * 2
    y = [np.ones((2, 2)), np.ones((2, 1))]
    with pytest.raises(TypeError, match='list or a dict'):
        model.train_on_batch(x, y, sample_weight=(np.ones(2), np.ones(2)))
    with pytest.raises(ValueError):
        model.predict([None])
    with pytest.raises(ValueError):
        model.predict([x[0], None, x[1]])
