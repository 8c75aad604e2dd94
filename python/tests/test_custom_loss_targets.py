"""Keras checks the target shapes against the outputs for its own losses only: a custom loss
function (a lambda, a loss object) takes targets of any shape of the output's rank, as Keras's
target placeholders of a custom loss have only a rank."""
import numpy as np
import pytest

from keras_cpp import backend as K
from keras_cpp.layers import Dense, Input
from keras_cpp.models import Model


def model_with(loss):
    x = Input(shape=(3,))
    model = Model(x, Dense(4, activation='softmax')(x))
    model.compile('sgd', loss)
    return model


def test_sparse_labels_through_a_custom_loss():
    model = model_with(lambda y_true, y_pred: K.sparse_categorical_crossentropy(y_true, y_pred))
    x, labels = np.random.rand(6, 3), np.array([[0], [1], [3], [2], [1], [0]])
    loss = model.evaluate(x, labels, verbose=0)
    probabilities = model.predict(x)
    expected = -np.mean(np.log(probabilities[np.arange(6), labels[:, 0]]))
    np.testing.assert_allclose(loss, expected, rtol=1e-5)
    model.fit(x, labels, epochs=1, verbose=0)


def test_keras_losses_still_check_the_target_shape():
    model = model_with('categorical_crossentropy')
    with pytest.raises(ValueError, match='expected .* to have shape'):
        model.fit(np.random.rand(6, 3), np.zeros((6, 1)), verbose=0)
    # A function named as a Keras loss is checked as that loss.
    from keras_cpp.losses import categorical_crossentropy
    model = model_with(categorical_crossentropy)
    with pytest.raises(ValueError, match='expected .* to have shape'):
        model.fit(np.random.rand(6, 3), np.zeros((6, 1)), verbose=0)
