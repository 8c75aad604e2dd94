"""keras.datasets.cifar10: 50,000 training and 10,000 test 32x32 colour images of 10 classes,
from the CIFAR-10 python batches in $KERAS_HOME/datasets (default ~/.keras/datasets): the folder
cifar-10-batches-py, or the archive cifar-10-batches-py.tar.gz (Keras's name for the download)
or cifar-10-python.tar.gz (the original's)."""
import numpy as np

from .cifar import keras_layout, open_batches

_ORIGIN = 'https://www.cs.toronto.edu/~kriz/cifar-10-python.tar.gz'


def load_data():
    """((x_train, y_train), (x_test, y_test)): x uint8 (N, 32, 32, 3) (channels_first:
    (N, 3, 32, 32)), y the class indices (N, 1)."""
    read = open_batches('cifar10.load_data', 'cifar-10-batches-py',
                        ['cifar-10-batches-py.tar.gz', 'cifar-10-python.tar.gz'], _ORIGIN)
    batches = [read('data_batch_' + str(i), 'labels') for i in range(1, 6)]
    x_train = np.concatenate([data for data, _ in batches]).astype('uint8')
    y_train = np.concatenate([labels for _, labels in batches]).astype('uint8')
    x_test, y_test = read('test_batch', 'labels')
    # As Keras 2.2.4: y_train uint8, y_test the default integer type (a list's).
    return keras_layout(x_train, y_train, x_test, y_test)
