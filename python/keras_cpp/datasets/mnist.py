"""keras.datasets.mnist: 60,000 training and 10,000 test 28x28 grayscale images of handwritten
digits, from Keras's mnist.npz in $KERAS_HOME/datasets (default ~/.keras/datasets) or at a given
path; Keras 1's mnist.pkl.gz too; and (keras_cpp's addition) a folder of the four IDX .gz
files, given as `path` or in $KERAS_MNIST_DIR."""
import gzip
import os
import pickle

import numpy as np

from ..utils.data_utils import get_file, keras_home
from ._idx import FILES, holds_idx_files, load_idx_folder

_ORIGIN = 'https://s3.amazonaws.com/img-datasets/mnist.npz'
_KERAS1_ORIGIN = 'https://s3.amazonaws.com/img-datasets/mnist.pkl.gz'


def load_data(path='mnist.npz'):
    """((x_train, y_train), (x_test, y_test)) as uint8 arrays, like Keras."""
    path = 'mnist.npz' if path is None else os.fspath(path)
    if os.path.isdir(path):
        if not holds_idx_files(path):
            raise FileNotFoundError("mnist.load_data: the folder '" + path + "' does not hold "
                                    'the four IDX files ' + ', '.join(FILES))
        return load_idx_folder(path)
    pickled = path.endswith(('.pkl.gz', '.pkl'))
    env_dir = os.environ.get('KERAS_MNIST_DIR', '')
    if not os.path.exists(os.path.join(keras_home(), 'datasets', path)) and \
            holds_idx_files(env_dir):
        return load_idx_folder(env_dir)  # before any download
    try:
        fpath = get_file(path, origin=_KERAS1_ORIGIN if pickled else _ORIGIN)
    except FileNotFoundError as e:
        raise FileNotFoundError(
            'mnist.load_data: ' + str(e) + ' Or pass the folder of the four IDX files ' +
            ', '.join(FILES) + ' (or set $KERAS_MNIST_DIR to it).') from None
    if pickled:
        with (gzip.open(fpath, 'rb') if fpath.endswith('.gz') else open(fpath, 'rb')) as f:
            return pickle.load(f, encoding='bytes')
    with np.load(fpath, allow_pickle=True) as f:
        return (f['x_train'], f['y_train']), (f['x_test'], f['y_test'])
