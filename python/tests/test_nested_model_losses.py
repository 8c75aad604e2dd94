"""Keras's Network.losses for a model used inside another: the activity-regularization losses
of its layers are made again on the outer model's inputs (as its updates are), and each model
counts only the losses it can compute from its own inputs, plus those of no input (weight
regularization, add_loss of constants)."""
import numpy as np

from keras_cpp import backend as K
from keras_cpp import regularizers
from keras_cpp.layers import BatchNormalization, Dense, Input
from keras_cpp.models import Model, Sequential


def sum_of(x):
    return K.sum(x)


def test_activity_loss_of_an_inner_model_on_the_outer_inputs():
    a = Input((2,))
    inner = Model(a, Dense(2, kernel_initializer='ones', use_bias=False,
                           activity_regularizer=sum_of)(a))
    b = Input((2,))
    outer = Model(b, inner(b))
    assert len(inner.losses) == 1 and len(outer.losses) == 1
    outer.compile('sgd', loss=None)
    # ones(1, 2) through an all-ones kernel: [2, 2], whose sum is the whole loss.
    assert outer.evaluate(np.ones((1, 2)), verbose=0) == 4.0
    inner.compile('sgd', loss=None)
    assert inner.evaluate(2 * np.ones((1, 2)), verbose=0) == 8.0


def test_nested_sequential_with_batch_norm_and_activity_loss_trains():
    inner = Sequential([Dense(5, input_dim=5, activity_regularizer='l1'), BatchNormalization(),
                        Dense(5)])
    x = Input(shape=(5,))
    outer = Model(x, inner(x))
    assert len(inner.updates) == 2 and len(outer.updates) == 2
    assert len(inner.losses) == 1 and len(outer.losses) == 1
    for model in (inner, outer):
        model.compile('sgd', 'categorical_crossentropy')
        model.fit(np.ones((3, 5)), np.ones((3, 5)), verbose=0)


def test_shared_model_counts_the_losses_of_each_call():
    dense = Dense(3, kernel_regularizer=regularizers.l1(), activity_regularizer=regularizers.l1())
    x = Input((4,))
    shared = Model(x, dense(x))
    first, second = Input((4,)), Input((4,))
    outer = Model([first, second], [shared(first), shared(second)])
    outer.add_loss(K.constant(1.0))
    # the kernel's once, the activity's per call, and the constant
    assert len(outer.losses) == 4
    outer.compile('sgd', 'mse')
    outer.train_on_batch([np.ones((2, 4))] * 2, [np.zeros((2, 3))] * 2)
