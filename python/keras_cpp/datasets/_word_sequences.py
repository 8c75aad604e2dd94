"""The word-index arithmetic Keras 2.2.4's imdb and reuters load_data share."""
import json

import numpy as np

from ..preprocessing.sequence import _remove_long_seq
from ..utils.data_utils import get_file


def shuffled(*arrays):
    """The arrays reordered by one permutation from numpy's global generator (which Keras seeds
    with load_data's seed)."""
    indices = np.arange(len(arrays[0]))
    np.random.shuffle(indices)
    return [a[indices] for a in arrays]


def index_words(xs, labels, num_words, skip_top, maxlen, start_char, oov_char, index_from):
    """Keras's preparation of word-index sequences: every index shifted by index_from, start_char
    prepended, sequences of maxlen or more dropped, and indices outside [skip_top, num_words)
    replaced by oov_char (or dropped when oov_char is None)."""
    if start_char is not None:
        xs = [[start_char] + [w + index_from for w in x] for x in xs]
    elif index_from:
        xs = [[w + index_from for w in x] for x in xs]
    if maxlen:
        xs, labels = _remove_long_seq(maxlen, xs, labels)
        if not xs:
            raise ValueError('After filtering for sequences shorter than maxlen=' + str(maxlen) +
                             ', no sequence was kept. Increase maxlen.')
    if not num_words:
        num_words = max(max(x) for x in xs)
    # Indices 0 (padding), 1 (start) and 2 (out of vocabulary) are reserved by convention.
    if oov_char is not None:
        xs = [[w if skip_top <= w < num_words else oov_char for w in x] for x in xs]
    else:
        xs = [[w for w in x if skip_top <= w < num_words] for x in xs]
    return xs, labels


def as_array(sequences):
    """A 1-D object array of lists (numpy would make a 2-D array of equal-length lists)."""
    out = np.empty(len(sequences), dtype=object)
    out[:] = [list(s) for s in sequences]
    return out


def legacy_num_words(num_words, kwargs):
    """Keras 1's nb_words is num_words (with Keras 2.2.4's warning); other keywords are errors."""
    if 'nb_words' in kwargs:
        import warnings
        warnings.warn('The `nb_words` argument in `load_data` has been renamed `num_words`.')
        num_words = kwargs.pop('nb_words')
    if kwargs:
        raise TypeError('Unrecognized keyword arguments: ' + str(kwargs))
    return num_words


def load_npz(path, origin):
    """The arrays of the .npz file `path` (found by get_file), object arrays included."""
    with np.load(get_file(path, origin=origin), allow_pickle=True) as f:
        return {key: f[key] for key in f.files}


def load_word_index(path, origin):
    with open(get_file(path, origin=origin)) as f:
        return json.load(f)
