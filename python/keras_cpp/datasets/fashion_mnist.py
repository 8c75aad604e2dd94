"""keras.datasets.fashion_mnist, from the Debian package dataset-fashion-mnist."""
from .._keras_cpp import datasets as _datasets


def load_data(path=None):
    """((x_train, y_train), (x_test, y_test)) as uint8 arrays, like Keras.

    `path` is the folder of the four IDX .gz files (default: $KERAS_FASHION_MNIST_DIR, else
    /usr/share/datasets/fashion-mnist).
    """
    (x_train, y_train), (x_test, y_test) = _datasets.fashion_mnist_load_data(path or '')
    return ((x_train.astype('uint8'), y_train.astype('uint8')),
            (x_test.astype('uint8'), y_test.astype('uint8')))
