"""The four IDX .gz files of MNIST and Fashion-MNIST, read by the engine's IDX reader."""
import os

from .._keras_cpp import datasets as _datasets

FILES = ['train-labels-idx1-ubyte.gz', 'train-images-idx3-ubyte.gz',
         't10k-labels-idx1-ubyte.gz', 't10k-images-idx3-ubyte.gz']


def holds_idx_files(folder):
    return bool(folder) and all(os.path.isfile(os.path.join(folder, f)) for f in FILES)


def load_idx_folder(folder):
    """((x_train, y_train), (x_test, y_test)) as uint8 arrays from the four files in `folder`."""
    (x_train, y_train), (x_test, y_test) = _datasets.fashion_mnist_load_data(folder)
    return ((x_train.astype('uint8'), y_train.astype('uint8')),
            (x_test.astype('uint8'), y_test.astype('uint8')))
