"""The UserWarnings Keras 2.2.4's Model gives: trainable weights changed since compile (at
summary and before each training call), and a plain generator handed to several worker
processes."""
import warnings

import numpy as np
import pytest

import keras_cpp as keras
from keras_cpp.layers import Dense, Input
from keras_cpp.models import Model


def discrepancy_warnings(call):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter('always')
        call()
    return [w for w in caught if 'Discrepancy' in str(w.message)]


def test_trainable_change_without_compile_warns_until_compiled_again():
    inner_input = Input(shape=(2,))
    inner = Model(inner_input, Dense(3)(inner_input))
    inner.trainable = False
    x = Input(shape=(2,))
    outer = Model(x, Dense(1)(inner(x)))
    outer.compile('sgd', 'mse')
    data, target = np.zeros((4, 2)), np.zeros((4, 1))
    assert not discrepancy_warnings(lambda: outer.train_on_batch(data, target))

    inner.trainable = True
    for call in (lambda: outer.summary(print_fn=lambda line: None),
                 lambda: outer.fit(data, target, verbose=0),
                 lambda: outer.train_on_batch(data, target),
                 lambda: outer.fit_generator(iter([(data, target)] * 2), steps_per_epoch=2,
                                             verbose=0)):
        found = discrepancy_warnings(call)
        assert len(found) == 1 and found[0].category is UserWarning

    outer.compile('sgd', 'mse')
    assert not discrepancy_warnings(lambda: outer.fit(data, target, verbose=0))


def test_generator_with_several_processes_warns_sequence_does_not():
    x = Input(shape=(2,))
    model = Model(x, Dense(1)(x))
    model.compile('sgd', 'mse')
    batch = (np.zeros((4, 2)), np.zeros((4, 1)))

    class Batches(keras.utils.Sequence):
        def __len__(self):
            return 2

        def __getitem__(self, index):
            return batch

    with pytest.warns(UserWarning, match='Sequence'):
        model.fit_generator(iter([batch] * 2), steps_per_epoch=2, verbose=0,
                            use_multiprocessing=True, workers=2)
    with pytest.warns(UserWarning, match='Sequence'):
        model.evaluate_generator(iter([batch] * 2), steps=2, use_multiprocessing=True,
                                 workers=2)
    with warnings.catch_warnings():
        warnings.simplefilter('error')
        model.fit_generator(Batches(), steps_per_epoch=2, verbose=0,
                            use_multiprocessing=True, workers=2)
        model.fit_generator(iter([batch] * 2), steps_per_epoch=2, verbose=0, workers=2)
        model.predict_generator(iter([batch[0]] * 2), steps=2, use_multiprocessing=True)
