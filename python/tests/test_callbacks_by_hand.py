"""Keras's built-in callbacks called by hand, with any object as their model (Keras's callbacks
only use model.stop_training, get_weights and set_weights, and ReduceLROnPlateau the variable
model.optimizer.lr through K.get_value / K.set_value): the hooks do what they do in fit."""
import warnings

import numpy as np
import pytest

import keras_cpp as keras
from keras_cpp import backend as K
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


class OptimizerStandIn(object):
    def __init__(self, lr):
        self.lr = K.variable(lr)


class ModelWithOptimizer(object):
    """A model as far as ReduceLROnPlateau sees one: an optimizer whose lr is a variable."""

    def __init__(self, lr=1.0):
        self.optimizer = OptimizerStandIn(lr)


def learning_rates(reduce_lr, values, monitor='val_loss', lr=1.0):
    """The learning rate after each epoch's on_epoch_end, on a stand-in model."""
    reduce_lr.model = ModelWithOptimizer(lr)
    out = []
    for epoch, value in enumerate(values):
        logs = {monitor: value}
        reduce_lr.on_epoch_end(epoch, logs)
        out.append(float(K.get_value(reduce_lr.model.optimizer.lr)))
    return out


def test_reduce_lr_on_plateau_lowers_a_stand_ins_learning_rate():
    # patience 2: the two epochs after the best (0.5) lower the rate by `factor`, once.
    reduce_lr = callbacks.ReduceLROnPlateau(monitor='val_loss', patience=2, factor=0.5)
    lrs = learning_rates(reduce_lr, [0.5, 0.6, 0.55, 0.7, 0.8])
    assert lrs[:2] == [1.0, 1.0]
    assert lrs[2:4] == pytest.approx([0.5, 0.5]) and lrs[4] == pytest.approx(0.25)
    # The rate stays a variable of the stand-in's optimizer, with its dtype.
    assert K.get_value(reduce_lr.model.optimizer.lr).dtype == np.float32
    # min_lr bounds it; cooldown skips the epochs after a reduction.
    reduce_lr = callbacks.ReduceLROnPlateau(patience=1, factor=0.5, min_lr=0.25, cooldown=2)
    lrs = learning_rates(reduce_lr, [1.0, 2.0, 2.0, 2.0, 2.0, 2.0])
    assert lrs == [1.0, 0.5, 0.5, 0.25, 0.25, 0.25]
    # At min_lr nothing changes and `wait` goes on counting, as in Keras.
    assert reduce_lr.cooldown_counter == 0 and reduce_lr.wait == 1


def test_reduce_lr_on_plateau_logs_the_rate_and_maximises_accuracy():
    reduce_lr = callbacks.ReduceLROnPlateau(monitor='val_acc', patience=1, factor=0.5)
    reduce_lr.model = ModelWithOptimizer(0.2)
    logs = {'val_acc': 0.5}
    reduce_lr.on_epoch_end(0, logs)
    assert logs['lr'] == pytest.approx(0.2)  # the rate the epoch ran with, as Keras logs it
    logs = {'val_acc': 0.4}  # worse, for a maximised monitor
    reduce_lr.on_epoch_end(1, logs)
    assert logs['lr'] == pytest.approx(0.2)
    assert K.get_value(reduce_lr.model.optimizer.lr) == pytest.approx(0.1)
    assert reduce_lr.best == 0.5 and reduce_lr.wait == 0
    # Without the monitored value, Keras warns and changes nothing.
    with warnings.catch_warnings(record=True):
        warnings.simplefilter('always')
        reduce_lr.on_epoch_end(2, {'loss': 1.0})
    assert K.get_value(reduce_lr.model.optimizer.lr) == pytest.approx(0.1)


def test_reduce_lr_on_plateau_by_hand_on_a_real_model():
    model = keras.models.Sequential([keras.layers.Dense(1, input_shape=(2,))])
    model.compile(keras.optimizers.SGD(lr=0.4), 'mse')
    reduce_lr = callbacks.ReduceLROnPlateau(patience=1, factor=0.5)
    reduce_lr.set_model(model)
    reduce_lr.on_train_begin()
    reduce_lr.on_epoch_end(0, {'val_loss': 0.5})
    logs = {'val_loss': 0.6}
    reduce_lr.on_epoch_end(1, logs)
    assert logs['lr'] == pytest.approx(0.4)
    assert K.get_value(model.optimizer.lr) == pytest.approx(0.2)
    # A fresh fit starts the count again.
    reduce_lr.on_train_begin()
    assert reduce_lr.wait == 0 and reduce_lr.best == np.inf
