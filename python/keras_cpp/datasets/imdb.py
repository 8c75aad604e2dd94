"""keras.datasets.imdb: 25,000 training and 25,000 test movie reviews as word-index sequences,
labelled by sentiment, from Keras's imdb.npz and imdb_word_index.json in $KERAS_HOME/datasets
(default ~/.keras/datasets) or at a given path."""
import numpy as np

from ._word_sequences import (as_array, index_words, legacy_num_words, load_npz,
                              load_word_index, shuffled)

_ORIGIN = 'https://s3.amazonaws.com/text-datasets/imdb.npz'
_WORD_INDEX_ORIGIN = 'https://s3.amazonaws.com/text-datasets/imdb_word_index.json'


def load_data(path='imdb.npz', num_words=None, skip_top=0, maxlen=None, seed=113, start_char=1,
              oov_char=2, index_from=3, **kwargs):
    """((x_train, y_train), (x_test, y_test)) as Keras 2.2.4 gives them: each split shuffled
    with `seed`, word indices shifted by index_from, start_char first, indices outside
    [skip_top, num_words) replaced by oov_char, sequences of maxlen words or more dropped.
    x: object arrays of lists; y: the labels (0 negative, 1 positive)."""
    num_words = legacy_num_words(num_words, kwargs)
    arrays = load_npz(path, _ORIGIN)
    x_train, labels_train = arrays['x_train'], arrays['y_train']
    x_test, labels_test = arrays['x_test'], arrays['y_test']

    np.random.seed(seed)
    x_train, labels_train = shuffled(x_train, labels_train)
    x_test, labels_test = shuffled(x_test, labels_test)

    xs, labels = index_words(list(x_train) + list(x_test),
                             np.concatenate([labels_train, labels_test]), num_words, skip_top,
                             maxlen, start_char, oov_char, index_from)
    # Keras 2.2.4 splits at the training set's size before filtering by maxlen.
    idx = len(x_train)
    return ((as_array(xs[:idx]), np.array(labels[:idx])),
            (as_array(xs[idx:]), np.array(labels[idx:])))


def get_word_index(path='imdb_word_index.json'):
    """The dict word -> index (before load_data's index_from shift)."""
    return load_word_index(path, _WORD_INDEX_ORIGIN)
