"""keras.datasets.cifar100: 50,000 training and 10,000 test 32x32 colour images of 100 classes
(20 superclasses), from the CIFAR-100 python files in $KERAS_HOME/datasets (default
~/.keras/datasets): the folder cifar-100-python, or the archive cifar-100-python.tar.gz."""
from .cifar import keras_layout, open_batches

_ORIGIN = 'https://www.cs.toronto.edu/~kriz/cifar-100-python.tar.gz'


def load_data(label_mode='fine'):
    """((x_train, y_train), (x_test, y_test)): x uint8 (N, 32, 32, 3) (channels_first:
    (N, 3, 32, 32)), y (N, 1) the 'fine' (100) or 'coarse' (20) class indices."""
    if label_mode not in ['fine', 'coarse']:
        raise ValueError('`label_mode` must be one of `"fine"`, `"coarse"`.')
    read = open_batches('cifar100.load_data', 'cifar-100-python', ['cifar-100-python.tar.gz'],
                        _ORIGIN)
    x_train, y_train = read('train', label_mode + '_labels')
    x_test, y_test = read('test', label_mode + '_labels')
    return keras_layout(x_train, y_train, x_test, y_test)
