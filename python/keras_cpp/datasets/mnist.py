"""keras.datasets.mnist, from the four IDX .gz files in `path` (or $KERAS_MNIST_DIR)."""
from .._keras_cpp import datasets as _datasets


def load_data(path=None):
    """((x_train, y_train), (x_test, y_test)) as uint8 arrays, like Keras."""
    (x_train, y_train), (x_test, y_test) = _datasets.mnist_load_data(path or '')
    return ((x_train.astype('uint8'), y_train.astype('uint8')),
            (x_test.astype('uint8'), y_test.astype('uint8')))
