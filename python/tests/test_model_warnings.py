"""Keras 2.2.4's UserWarning for a plain generator handed to several worker processes (a
Sequence hands out each batch once); the trainable-weights one is in test_engine_api_forms."""
import warnings

import numpy as np
import pytest

import keras_cpp as keras
from keras_cpp.layers import Dense, Input
from keras_cpp.models import Model


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
