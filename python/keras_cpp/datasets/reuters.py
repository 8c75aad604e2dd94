"""keras.datasets.reuters: 11,228 Reuters newswires as word-index sequences labelled with 46
topics, from Keras's reuters.npz and reuters_word_index.json in $KERAS_HOME/datasets (default
~/.keras/datasets) or at a given path."""
import numpy as np

from ._word_sequences import (as_array, index_words, legacy_num_words, load_npz,
                              load_word_index, shuffled)

_ORIGIN = 'https://s3.amazonaws.com/text-datasets/reuters.npz'
_WORD_INDEX_ORIGIN = 'https://s3.amazonaws.com/text-datasets/reuters_word_index.json'


def load_data(path='reuters.npz', num_words=None, skip_top=0, maxlen=None, test_split=0.2,
              seed=113, start_char=1, oov_char=2, index_from=3, **kwargs):
    """((x_train, y_train), (x_test, y_test)) as Keras 2.2.4 gives them: the newswires shuffled
    with `seed`, indexed as imdb.load_data's, the last test_split of them the test set."""
    num_words = legacy_num_words(num_words, kwargs)
    arrays = load_npz(path, _ORIGIN)
    xs, labels = arrays['x'], arrays['y']

    np.random.seed(seed)
    xs, labels = shuffled(xs, labels)

    xs, labels = index_words(list(xs), labels, num_words, skip_top, maxlen, start_char, oov_char,
                             index_from)
    idx = int(len(xs) * (1 - test_split))
    return ((as_array(xs[:idx]), np.array(labels[:idx])),
            (as_array(xs[idx:]), np.array(labels[idx:])))


def get_word_index(path='reuters_word_index.json'):
    """The dict word -> index (before load_data's index_from shift)."""
    return load_word_index(path, _WORD_INDEX_ORIGIN)
