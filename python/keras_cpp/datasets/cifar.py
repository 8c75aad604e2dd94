"""keras.datasets.cifar: load_batch, the reader of the CIFAR python-version batch pickles, and
the lookup of the batches (a folder, or the .tar.gz it comes in) that cifar10 and cifar100
share."""
import os
import pickle
import tarfile

import numpy as np

from ..utils.data_utils import get_file, keras_home


def load_batch(fpath, label_key='labels'):
    """(data, labels) of one CIFAR batch pickle (a path or an open binary file): data uint8
    (N, 3, 32, 32), labels the list under label_key ('labels', 'fine_labels',
    'coarse_labels')."""
    if hasattr(fpath, 'read'):
        d = pickle.load(fpath, encoding='bytes')
    else:
        with open(fpath, 'rb') as f:
            d = pickle.load(f, encoding='bytes')
    d = {(k.decode('utf8') if isinstance(k, bytes) else k): v for k, v in d.items()}
    if 'data' not in d or label_key not in d:
        raise ValueError('CIFAR batch ' + str(getattr(fpath, 'name', fpath)) + ' holds ' +
                         str(sorted(d)) + ', not data and ' + label_key)
    data = d['data']
    return data.reshape(data.shape[0], 3, 32, 32), d[label_key]


def keras_layout(x_train, y_train, x_test, y_test):
    """The splits as Keras returns them: labels as columns (N, 1), images (N, 32, 32, 3) unless
    K.image_data_format() is 'channels_first'."""
    from .. import backend as K
    y_train = np.reshape(y_train, (len(y_train), 1))
    y_test = np.reshape(y_test, (len(y_test), 1))
    if K.image_data_format() == 'channels_last':
        x_train = x_train.transpose(0, 2, 3, 1)
        x_test = x_test.transpose(0, 2, 3, 1)
    return (x_train, y_train), (x_test, y_test)


def open_batches(what, dirname, archive_names, origin):
    """A function reading the batch pickle of a given name from $KERAS_HOME/datasets/<dirname>,
    or else from the first of archive_names (.tar.gz, holding <dirname>/...) found there, or else
    from the archive downloaded from `origin`."""
    datadir = os.path.join(keras_home(), 'datasets')
    folder = os.path.join(datadir, dirname)
    if os.path.isdir(folder):
        def read_from_folder(name, label_key):
            return load_batch(os.path.join(folder, name), label_key)
        return read_from_folder
    for archive_name in archive_names:
        archive_path = os.path.join(datadir, archive_name)
        if os.path.isfile(archive_path):
            def read_from_archive(name, label_key, archive_path=archive_path):
                with tarfile.open(archive_path, 'r:*') as archive:
                    member = dirname + '/' + name
                    try:
                        f = archive.extractfile(member)
                    except KeyError:
                        f = None
                    if f is None:
                        raise FileNotFoundError(what + ": '" + archive_path + "' has no " +
                                                member)
                    return load_batch(f, label_key)
            return read_from_archive
    try:  # downloaded as Keras does: <dirname>.tar.gz, extracted next to it
        folder = get_file(dirname, origin, untar=True)
    except FileNotFoundError as e:
        raise FileNotFoundError(what + ": no folder '" + dirname + "' nor archive " +
                                ', '.join(archive_names) + ' in ' + datadir + '. ' +
                                str(e)) from None

    def read_downloaded(name, label_key):
        return load_batch(os.path.join(folder, name), label_key)
    return read_downloaded
