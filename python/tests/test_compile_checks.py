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
    with pytest.raises(ValueError, match='should be None or "temporal". Found: time'):
        model.compile('sgd', 'mse', sample_weight_mode=[None, 'time'])


def _sequence_and_flat_outputs():
    from keras_cpp.layers import Flatten, TimeDistributed
    x = Input(shape=(4, 3))
    return Model(x, [TimeDistributed(Dense(2), name='seq')(x), Dense(1, name='flat')(Flatten()(x))])


@pytest.mark.parametrize('modes', [{'seq': 'temporal', 'flat': None}, ['temporal', None]])
def test_one_sample_weight_mode_per_output(modes, tmp_path):
    from keras_cpp.models import load_model
    model = _sequence_and_flat_outputs()
    model.compile('sgd', 'mse', sample_weight_mode=modes)
    rng = np.random.RandomState(0)
    x, y = rng.rand(6, 4, 3), [rng.rand(6, 4, 2), rng.rand(6, 1)]
    per_timestep, per_sample = np.ones((6, 4)), np.ones(6)
    loss, seq_loss, flat_loss = model.evaluate(x, y, sample_weight=[per_timestep, per_sample],
                                               verbose=0)
    assert np.isclose(loss, seq_loss + flat_loss)
    # One timestep weighted (Keras: mean(loss * w) / mean(w != 0)): that timestep's error.
    one_step = np.zeros((6, 4))
    one_step[2, 1] = 1
    seq_pred = model.predict(x)[0]
    expected = np.mean((seq_pred[2, 1] - y[0][2, 1]) ** 2)
    loss, seq_loss, flat_loss = model.evaluate(x, y, sample_weight=[one_step, per_sample],
                                               verbose=0)
    assert np.isclose(seq_loss, expected, rtol=1e-5) and np.isclose(loss, seq_loss + flat_loss)
    with pytest.raises(ValueError):  # the flat output takes one weight per sample
        model.evaluate(x, y, sample_weight=[per_timestep, per_timestep], verbose=0)
    path = str(tmp_path / 'modes.h5')
    model.save(path)
    loaded = load_model(path)
    assert np.allclose(loaded.evaluate(x, y, sample_weight=[one_step, per_sample], verbose=0),
                       [loss, seq_loss, flat_loss], rtol=1e-5)


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
