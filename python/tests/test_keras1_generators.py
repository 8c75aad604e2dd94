"""Keras 1's fit_generator over an image iterator counted in samples (`samples_per_epoch`):
Keras 2's iterators are Sequences read in batches, so an epoch is as many batches as Keras 1
read to see samples_per_epoch samples."""
import numpy as np
import pytest

from keras_cpp.callbacks import LambdaCallback
from keras_cpp.layers import Dense, Flatten
from keras_cpp.models import Sequential
from keras_cpp.preprocessing.image import ImageDataGenerator
from keras_cpp.utils import Sequence


def _model():
    model = Sequential([Flatten(input_shape=(4, 4, 1)), Dense(2, activation='softmax')])
    model.compile('sgd', 'categorical_crossentropy')
    return model


@pytest.mark.parametrize('samples, batches', [(40, 5), (42, 6), (8, 1)])
def test_samples_per_epoch_of_an_image_iterator(samples, batches):
    x = np.random.rand(48, 4, 4, 1).astype('float32')
    y = np.eye(2)[np.random.randint(0, 2, 48)]
    seen = []
    count = LambdaCallback(on_batch_end=lambda batch, logs: seen.append(logs['size']))
    _model().fit_generator(ImageDataGenerator(horizontal_flip=True).flow(x, y, batch_size=8),
                           samples_per_epoch=samples, nb_epoch=2, callbacks=[count], verbose=0)
    assert len(seen) == 2 * batches and set(seen) == {8}


def test_a_sequence_without_batch_size_still_wants_steps():
    class Batches(Sequence):
        def __len__(self):
            return 2

        def __getitem__(self, index):
            return np.zeros((3, 4, 4, 1)), np.eye(2)[[0, 1, 0]]

    with pytest.raises(ValueError, match='give steps_per_epoch'):
        _model().fit_generator(Batches(), samples_per_epoch=6, verbose=0)
