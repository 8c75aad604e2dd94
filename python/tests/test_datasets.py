"""keras.datasets from local files in Keras's formats (issue 12 item 7): each test writes small
files in the format, points KERAS_HOME at them and loads them as Keras 2.2.4 does."""
import gzip
import json
import pickle
import struct
import tarfile

import numpy as np
import pytest

import keras_cpp as keras
from keras_cpp import backend as K


@pytest.fixture
def datasets_dir(tmp_path, monkeypatch):
    monkeypatch.setenv('KERAS_HOME', str(tmp_path))
    folder = tmp_path / 'datasets'
    folder.mkdir()
    return folder


def test_mnist_npz(datasets_dir):
    x_train = np.random.randint(0, 256, (5, 28, 28)).astype('uint8')
    y_train = np.arange(5, dtype='uint8')
    x_test, y_test = x_train[:2], y_train[:2]
    np.savez(datasets_dir / 'mnist.npz', x_train=x_train, y_train=y_train, x_test=x_test,
             y_test=y_test)
    (a, b), (c, d) = keras.datasets.mnist.load_data()
    np.testing.assert_array_equal(a, x_train)
    np.testing.assert_array_equal(b, y_train)
    assert c.shape == (2, 28, 28) and c.dtype == np.uint8 and d.tolist() == [0, 1]
    # a path of the user's choosing, absolute or relative to the datasets folder
    np.savez(datasets_dir / 'other.npz', x_train=x_test, y_train=y_test, x_test=x_test,
             y_test=y_test)
    assert keras.datasets.mnist.load_data('other.npz')[0][0].shape == (2, 28, 28)
    assert keras.datasets.mnist.load_data(str(datasets_dir / 'other.npz'))[1][1].shape == (2,)


def test_missing_files_say_which_where_and_from_where(datasets_dir, monkeypatch):
    monkeypatch.delenv('KERAS_MNIST_DIR', raising=False)
    with pytest.raises(FileNotFoundError) as error:
        keras.datasets.mnist.load_data()
    message = str(error.value)
    assert "'mnist.npz'" in message and str(datasets_dir / 'mnist.npz') in message
    assert 'https://s3.amazonaws.com/img-datasets/mnist.npz' in message
    for load, name, url in [
            (keras.datasets.imdb.load_data, 'imdb.npz', 'text-datasets/imdb.npz'),
            (keras.datasets.imdb.get_word_index, 'imdb_word_index.json',
             'text-datasets/imdb_word_index.json'),
            (keras.datasets.reuters.load_data, 'reuters.npz', 'text-datasets/reuters.npz'),
            (keras.datasets.boston_housing.load_data, 'boston_housing.npz',
             'keras-datasets/boston_housing.npz'),
            (keras.datasets.cifar10.load_data, 'cifar-10-batches-py',
             'www.cs.toronto.edu/~kriz/cifar-10-python.tar.gz'),
            (keras.datasets.cifar100.load_data, 'cifar-100-python',
             'www.cs.toronto.edu/~kriz/cifar-100-python.tar.gz')]:
        with pytest.raises(FileNotFoundError) as error:
            load()
        message = str(error.value)
        assert "'" + name + "'" in message and url in message, message
        assert str(datasets_dir) in message


def _write_idx(path, array):
    """An IDX file (unsigned bytes) of `array`, gzipped."""
    header = struct.pack('>I', 0x0800 | array.ndim) + b''.join(struct.pack('>I', d)
                                                               for d in array.shape)
    with gzip.open(path, 'wb') as f:
        f.write(header + array.astype('uint8').tobytes())


def _write_fashion_files(folder, n_train=3, n_test=2):
    folder.mkdir(parents=True, exist_ok=True)
    x = np.random.randint(0, 256, (n_train + n_test, 28, 28))
    y = np.arange(n_train + n_test) % 10
    _write_idx(folder / 'train-images-idx3-ubyte.gz', x[:n_train])
    _write_idx(folder / 'train-labels-idx1-ubyte.gz', y[:n_train])
    _write_idx(folder / 't10k-images-idx3-ubyte.gz', x[n_train:])
    _write_idx(folder / 't10k-labels-idx1-ubyte.gz', y[n_train:])
    return x, y


def test_fashion_mnist_from_the_keras_cache(datasets_dir):
    x, y = _write_fashion_files(datasets_dir / 'fashion-mnist')
    (x_train, y_train), (x_test, y_test) = keras.datasets.fashion_mnist.load_data()
    assert x_train.dtype == np.uint8 and x_train.shape == (3, 28, 28)
    np.testing.assert_array_equal(x_train, x[:3])
    np.testing.assert_array_equal(y_test, y[3:])
    # mnist reads the same IDX layout from a folder
    (x2, _), (_, y2) = keras.datasets.mnist.load_data(str(datasets_dir / 'fashion-mnist'))
    np.testing.assert_array_equal(x2, x[:3])
    np.testing.assert_array_equal(y2, y[3:])


def test_fashion_mnist_missing_everywhere(tmp_path, monkeypatch):
    monkeypatch.setenv('KERAS_HOME', str(tmp_path))
    with pytest.raises(FileNotFoundError) as error:
        keras.datasets.fashion_mnist.load_data(path=str(tmp_path / 'nowhere'))
    message = str(error.value)
    assert 'train-images-idx3-ubyte.gz' in message and str(tmp_path / 'nowhere') in message
    assert 'https://storage.googleapis.com/tensorflow/tf-keras-datasets/' in message


def _cifar_batch(n, label_key, labels, seed):
    data = np.random.RandomState(seed).randint(0, 256, (n, 3 * 32 * 32)).astype('uint8')
    return {b'data': data, label_key.encode(): labels, b'batch_label': b'test'}


def test_cifar10_from_the_archive_and_the_folder(datasets_dir):
    batches = {'data_batch_%d' % i: _cifar_batch(2, 'labels', [i, i + 1], i)
               for i in range(1, 6)}
    batches['test_batch'] = _cifar_batch(3, 'labels', [7, 8, 9], 0)
    folder = datasets_dir / 'staging' / 'cifar-10-batches-py'
    folder.mkdir(parents=True)
    for name, batch in batches.items():
        with open(folder / name, 'wb') as f:
            pickle.dump(batch, f)
    with tarfile.open(datasets_dir / 'cifar-10-batches-py.tar.gz', 'w:gz') as archive:
        archive.add(folder, arcname='cifar-10-batches-py')

    (x_train, y_train), (x_test, y_test) = keras.datasets.cifar10.load_data()
    assert x_train.shape == (10, 32, 32, 3) and x_train.dtype == np.uint8
    assert y_train.shape == (10, 1) and y_train.dtype == np.uint8
    assert y_train[:, 0].tolist() == [1, 2, 2, 3, 3, 4, 4, 5, 5, 6]
    assert x_test.shape == (3, 32, 32, 3) and y_test[:, 0].tolist() == [7, 8, 9]
    first = batches['data_batch_1'][b'data'][0].reshape(3, 32, 32)
    np.testing.assert_array_equal(x_train[0], first.transpose(1, 2, 0))

    K.set_image_data_format('channels_first')
    try:
        (x_train, _), _ = keras.datasets.cifar10.load_data()
    finally:
        K.set_image_data_format('channels_last')
    np.testing.assert_array_equal(x_train[0], first)

    # the extracted folder wins over the archive
    (folder.parent / 'cifar-10-batches-py').rename(datasets_dir / 'cifar-10-batches-py')
    (datasets_dir / 'cifar-10-batches-py.tar.gz').unlink()
    assert keras.datasets.cifar10.load_data()[1][1][:, 0].tolist() == [7, 8, 9]


def test_cifar100_label_modes(datasets_dir):
    folder = datasets_dir / 'cifar-100-python'
    folder.mkdir()
    for name, n in [('train', 4), ('test', 2)]:
        batch = _cifar_batch(n, 'fine_labels', list(range(10, 10 + n)), n)
        batch[b'coarse_labels'] = list(range(n))
        with open(folder / name, 'wb') as f:
            pickle.dump(batch, f)
    (x_train, y_train), (x_test, y_test) = keras.datasets.cifar100.load_data()
    assert x_train.shape == (4, 32, 32, 3) and y_train[:, 0].tolist() == [10, 11, 12, 13]
    (_, y_train), (_, y_test) = keras.datasets.cifar100.load_data(label_mode='coarse')
    assert y_train[:, 0].tolist() == [0, 1, 2, 3] and y_test.shape == (2, 1)
    with pytest.raises(ValueError, match='`label_mode` must be one of `"fine"`, `"coarse"`.'):
        keras.datasets.cifar100.load_data(label_mode='medium')


def _object_array(lists):
    out = np.empty(len(lists), dtype=object)
    out[:] = lists
    return out


def _keras_index(xs, num_words=None, skip_top=0, maxlen=None, start_char=1, oov_char=2,
                 index_from=3):
    """Keras's documented index arithmetic, sequence by sequence."""
    out = []
    for x in xs:
        seq = ([start_char] if start_char is not None else []) + [w + index_from for w in x]
        if maxlen and len(seq) >= maxlen:
            continue
        out.append(seq)
    top = num_words or max(max(s) for s in out)
    if oov_char is None:
        return [[w for w in s if skip_top <= w < top] for s in out]
    return [[w if skip_top <= w < top else oov_char for w in s] for s in out]


def test_imdb_index_arithmetic(datasets_dir):
    x_train = [[1, 5, 9], [2, 3], [7, 7, 7, 7], [4]]
    x_test = [[9, 1], [6, 6, 6]]
    np.savez(datasets_dir / 'imdb.npz', x_train=_object_array(x_train),
             y_train=np.array([1, 0, 1, 0]), x_test=_object_array(x_test),
             y_test=np.array([0, 1]))
    # the shuffles Keras 2.2.4 makes: one permutation per split from np.random.seed(seed)
    np.random.seed(113)
    train_order = np.random.permutation(4)
    test_order = np.random.permutation(2)
    shuffled_train = [x_train[i] for i in train_order]
    shuffled_test = [x_test[i] for i in test_order]

    (xa, ya), (xb, yb) = keras.datasets.imdb.load_data()
    assert xa.dtype == object and len(xa) == 4 and len(xb) == 2
    assert [list(s) for s in xa] == _keras_index(shuffled_train)
    assert [list(s) for s in xb] == _keras_index(shuffled_test)
    assert ya.tolist() == [[1, 0, 1, 0][i] for i in train_order]
    assert yb.tolist() == [[0, 1][i] for i in test_order]

    (xa, _), (xb, _) = keras.datasets.imdb.load_data(num_words=8, skip_top=5, start_char=None,
                                                     index_from=2, oov_char=0)
    expected = _keras_index(shuffled_train + shuffled_test, num_words=8, skip_top=5,
                            start_char=None, index_from=2, oov_char=0)
    assert [list(s) for s in xa] + [list(s) for s in xb] == expected
    (xa, _), _ = keras.datasets.imdb.load_data(num_words=8, oov_char=None)
    assert [list(s) for s in xa] == _keras_index(shuffled_train, num_words=8, oov_char=None)
    (xa, ya), (xb, yb) = keras.datasets.imdb.load_data(maxlen=4)
    assert all(len(s) < 4 for s in list(xa) + list(xb))
    with pytest.warns(UserWarning, match='renamed `num_words`'):
        (xa, _), _ = keras.datasets.imdb.load_data(nb_words=6)
    assert max(max(s) for s in xa) <= 5
    with pytest.raises(TypeError, match='Unrecognized keyword arguments'):
        keras.datasets.imdb.load_data(words=3)
    with pytest.raises(ValueError, match='no sequence was kept'):
        keras.datasets.imdb.load_data(maxlen=1)

    with open(datasets_dir / 'imdb_word_index.json', 'w') as f:
        json.dump({'the': 1, 'movie': 17}, f)
    assert keras.datasets.imdb.get_word_index() == {'the': 1, 'movie': 17}


def test_reuters_split_and_word_index(datasets_dir):
    xs = [[i + 1, i + 2] for i in range(10)]
    np.savez(datasets_dir / 'reuters.npz', x=_object_array(xs), y=np.arange(10))
    np.random.seed(113)
    order = np.random.permutation(10)
    (xa, ya), (xb, yb) = keras.datasets.reuters.load_data(test_split=0.3)
    assert len(xa) == 7 and len(xb) == 3
    assert ya.tolist() + yb.tolist() == order.tolist()
    assert [list(s) for s in xa] + [list(s) for s in xb] == _keras_index([xs[i] for i in order])
    with open(datasets_dir / 'reuters_word_index.json', 'w') as f:
        json.dump({'oil': 3}, f)
    assert keras.datasets.reuters.get_word_index() == {'oil': 3}


def test_boston_housing_split(datasets_dir):
    x = np.arange(50 * 13, dtype='float64').reshape(50, 13)
    y = np.arange(50, dtype='float64')
    np.savez(datasets_dir / 'boston_housing.npz', x=x, y=y)
    (xa, ya), (xb, yb) = keras.datasets.boston_housing.load_data()
    assert xa.shape == (40, 13) and xb.shape == (10, 13) and xa.dtype == np.float64
    np.random.seed(113)
    order = np.random.permutation(50)
    np.testing.assert_array_equal(np.concatenate([ya, yb]), y[order])
    np.testing.assert_array_equal(xa[0], x[order[0]])
    with pytest.raises(ValueError, match='test_split'):
        keras.datasets.boston_housing.load_data(test_split=1.5)
