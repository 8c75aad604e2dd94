"""Keras's own small integration tasks (integration_tasks.py) on keras_cpp with the thresholds
Keras's tests assert, and three of them started from real Keras's initial weights, which must
follow real Keras's training curve (tests/fixtures/real_keras/convergence). How often real Keras
and keras_cpp pass each task over many seeds: tools/keras_fixtures/integration_pass_rates.py."""
import glob
import os

import numpy as np
import pytest

import keras_cpp
from keras_cpp import layers
from keras_cpp.utils.test_utils import get_test_data, keras_test, layer_test

from integration_tasks import CURVES, TASKS

CURVE_FILES = sorted(glob.glob(os.path.join(os.path.dirname(__file__), '..', '..', 'tests',
                                            'fixtures', 'real_keras', 'convergence', '*.npz')))
# Tasks that real Keras (tf_keras 2.21) and keras_cpp pass at each of 10 seeds, and those whose
# threshold sits near the median of the result (real Keras: GRU 10/10, SimpleRNN 6/10, LSTM hinge
# regression 8/10, TimeDistributed 10/10; keras_cpp 6, 5, 6, 8 of 10), where the initial weights
# decide; the second kind must pass at half the seeds or more. (From the same initial weights the
# two train identically: test_follows_real_keras_training_curve.)
RELIABLE = ('vector_classification', 'vector_classification_functional', 'vector_regression',
            'stacked_lstm_alphabet', 'masked_temporal')
SEED_DEPENDENT = ('temporal_classification_gru', 'temporal_classification_simple_rnn',
                  'temporal_regression', 'time_distributed_3d_to_3d')


def run_task(name, seed):
    np.random.seed(seed)
    keras_cpp.utils.set_random_seed(seed)
    return TASKS[name](keras_cpp, seed, get_test_data)


@keras_test
@pytest.mark.parametrize('name', RELIABLE)
@pytest.mark.parametrize('seed', (1, 2))
def test_reliable_task_passes(name, seed):
    value, passed = run_task(name, seed)
    assert passed, '%s with seed %d: %s' % (name, seed, value)


@keras_test
@pytest.mark.parametrize('name', SEED_DEPENDENT)
def test_seed_dependent_task_passes_at_most_seeds(name):
    results = [run_task(name, seed) for seed in range(1, 11)]
    assert sum(passed for _, passed in results) >= 5, (name, [value for value, _ in results])


@keras_test
@pytest.mark.parametrize('path', CURVE_FILES, ids=os.path.basename)
def test_follows_real_keras_training_curve(path):
    """From real Keras's initial weights, on the same data without shuffling, every epoch's loss
    (and accuracy) equals real Keras's: the optimizers, layers and losses train as Keras's do."""
    recorded = np.load(path)
    name, seed = os.path.basename(path)[:-len('.npz')].rsplit('_seed', 1)
    build, _, fit = CURVES[name]
    np.random.seed(int(seed))
    model, (x, y), _ = build(keras_cpp, get_test_data)
    np.testing.assert_allclose([x.sum(), y.sum()], [recorded['x_sum'], recorded['y_sum']],
                               rtol=1e-9, err_msg='the data were not redrawn the same')
    model.set_weights([recorded['weight_%d' % i] for i in range(len(model.get_weights()))])
    history = model.fit(x, y, shuffle=False, verbose=0, **fit)
    np.testing.assert_allclose(history.history['loss'], recorded['loss'], rtol=2e-3)
    if 'acc' in recorded.files:
        np.testing.assert_allclose(history.history['acc'], recorded['acc'], atol=0.011)
    assert len(CURVE_FILES) == 4  # the fixtures are found


def test_get_test_data_shapes_and_keras1_names():
    (x_train, y_train), (x_test, y_test) = get_test_data(nb_train=30, nb_test=10,
                                                         input_shape=(3, 2), nb_class=3)
    assert x_train.shape == (30, 3, 2) and x_test.shape == (10, 3, 2)
    assert y_train.shape == (30,) and set(np.unique(np.concatenate([y_train, y_test]))) <= {0, 1, 2}
    assert abs(x_train[y_train == 2].mean() - 2) < 0.5  # inputs are drawn around their label
    (_, y_train), _ = get_test_data(num_train=4, num_test=1, output_shape=(2, 3),
                                    classification=False)
    assert y_train.shape == (4, 2, 3)
    with pytest.raises(TypeError, match='nb_epoch'):
        get_test_data(nb_epoch=3)


def test_layer_test_checks_a_layer_and_catches_a_wrong_expectation():
    out = layer_test(layers.Dense, kwargs={'units': 3}, input_shape=(2, 4))
    assert out.shape == (2, 3)
    layer_test(layers.LSTM, kwargs={'units': 2, 'return_sequences': True}, input_shape=(2, 3, 4))
    layer_test(layers.Conv2D, kwargs={'filters': 2, 'kernel_size': 3, 'padding': 'same'},
               input_shape=(1, 5, 5, 2))
    x = np.ones((2, 4), dtype='float32')
    layer_test(layers.RepeatVector, kwargs={'n': 2}, input_data=x, expected_output=np.ones((2, 2, 4)))
    with pytest.raises(AssertionError):
        layer_test(layers.RepeatVector, kwargs={'n': 2}, input_data=x,
                   expected_output=2 * np.ones((2, 2, 4)))
