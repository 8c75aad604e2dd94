"""Keras's built-in callbacks called by hand, with any object as their model (Keras's callbacks
only use model.stop_training, get_weights and set_weights): the hooks do what they do in fit."""
import numpy as np

import keras_cpp as keras
from keras_cpp import callbacks


class StandIn(object):
    """A model as far as EarlyStopping sees one; its "weights" are any Python object."""

    def __init__(self):
        self.stop_training = False
        self.weights = None

    def get_weights(self):
        return self.weights

    def set_weights(self, weights):
        self.weights = weights


def epochs_until_stop(early_stop, values, monitor='val_loss'):
    early_stop.model = StandIn()
    early_stop.on_train_begin()
    for epoch, value in enumerate(values):
        early_stop.model.weights = 'weights of epoch %d' % epoch
        early_stop.on_epoch_end(epoch, logs={monitor: value})
        if early_stop.model.stop_training:
            return epoch + 1
    return len(values)


def test_early_stopping_counts_epochs_without_improvement():
    # The best is the first epoch: patience 3 stops after the 3 epochs that follow it.
    es = callbacks.EarlyStopping(monitor='val_loss', patience=3)
    assert epochs_until_stop(es, [1.0, 1.2, 1.1, 1.05, 0.5, 0.4]) == 4
    assert es.wait == 3 and es.stopped_epoch == 3
    # An improvement smaller than min_delta is none.
    es = callbacks.EarlyStopping(monitor='val_loss', patience=1, min_delta=0.1)
    assert epochs_until_stop(es, [1.0, 0.95, 0.5]) == 2
    # patience 0 stops at the first epoch that does not improve.
    es = callbacks.EarlyStopping(monitor='val_loss')
    assert epochs_until_stop(es, [1.0, 0.9, 0.95, 0.1]) == 3


def test_early_stopping_baseline_and_mode():
    # A baseline the accuracy must beat; 'acc' monitors are maximised in mode 'auto'.
    es = callbacks.EarlyStopping(monitor='val_acc', baseline=0.9, patience=2)
    assert epochs_until_stop(es, [0.5, 0.95, 0.97, 0.99], 'val_acc') == 4
    assert epochs_until_stop(es, [0.5, 0.8, 0.99], 'val_acc') == 2


def test_early_stopping_restores_the_best_weights():
    es = callbacks.EarlyStopping(monitor='val_loss', patience=2, restore_best_weights=True)
    assert epochs_until_stop(es, [3.0, 1.0, 2.0, 2.5, 0.1]) == 4
    assert es.model.weights == 'weights of epoch 1'
    # Without restore_best_weights the last weights stay.
    es = callbacks.EarlyStopping(monitor='val_loss', patience=2)
    assert epochs_until_stop(es, [3.0, 1.0, 2.0, 2.5, 0.1]) == 4
    assert es.model.weights == 'weights of epoch 3'


def test_early_stopping_without_the_monitored_value_goes_on():
    es = callbacks.EarlyStopping(monitor='val_loss', patience=0)
    es.model = StandIn()
    es.on_train_begin()
    es.on_epoch_end(0, logs={'loss': 1.0, 'note': 'not a number'})
    assert not es.model.stop_training and es.wait == 0


def test_early_stopping_by_hand_on_a_real_model():
    model = keras.models.Sequential([keras.layers.Dense(1, input_shape=(2,))])
    model.compile('sgd', 'mse')
    es = callbacks.EarlyStopping(monitor='val_loss', patience=1, restore_best_weights=True)
    es.set_model(model)
    es.on_train_begin()
    best = model.get_weights()
    es.on_epoch_end(0, {'val_loss': 0.5})
    model.set_weights([np.ones_like(w) for w in best])
    es.on_epoch_end(1, {'val_loss': 0.7})
    assert model.stop_training
    for restored, saved in zip(model.get_weights(), best):
        np.testing.assert_array_equal(restored, saved)
