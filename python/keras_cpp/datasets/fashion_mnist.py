"""keras.datasets.fashion_mnist: 60,000 training and 10,000 test 28x28 grayscale images of 10
clothing classes, from the four IDX .gz files Keras keeps in $KERAS_HOME/datasets/fashion-mnist
(default ~/.keras/datasets/fashion-mnist), else in $KERAS_FASHION_MNIST_DIR, else in
/usr/share/datasets/fashion-mnist (the Debian package dataset-fashion-mnist), else downloaded
into the first, as Keras does."""
import os

from ..utils.data_utils import get_file, keras_home
from ._idx import FILES, holds_idx_files, load_idx_folder

_BASE_URL = 'https://storage.googleapis.com/tensorflow/tf-keras-datasets/'
_DEBIAN_DIR = '/usr/share/datasets/fashion-mnist'


def load_data(path=None):
    """((x_train, y_train), (x_test, y_test)) as uint8 arrays, like Keras; `path` (keras_cpp's
    addition) is a folder holding the four files, used instead of the usual places."""
    if path is not None:
        places = [os.fspath(path)]
    else:
        places = [os.path.join(keras_home(), 'datasets', 'fashion-mnist'),
                  os.environ.get('KERAS_FASHION_MNIST_DIR', ''), _DEBIAN_DIR]
    for folder in places:
        if holds_idx_files(folder):
            return load_idx_folder(folder)
    failure = ''
    if path is None:
        try:
            for name in FILES:
                get_file(name, _BASE_URL + name, cache_subdir=os.path.join('datasets',
                                                                            'fashion-mnist'))
            return load_idx_folder(places[0])
        except FileNotFoundError as e:
            failure = ' ' + str(e)
    looked = ', '.join("'" + p + "'" for p in places if p)
    raise FileNotFoundError(
        'fashion_mnist.load_data: the files ' + ', '.join(FILES) + ' were not found together '
        'in any of ' + looked + '.' + failure + ' Get them from ' + _BASE_URL +
        '<file name> and place them under ' +
        os.path.join(keras_home(), 'datasets', 'fashion-mnist') + ', or install the Debian '
        'package dataset-fashion-mnist.')
