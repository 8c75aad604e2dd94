"""keras.preprocessing.sequence (Keras 2.2.4, keras_preprocessing 1.0.5): pad_sequences,
make_sampling_table, skipgrams and TimeseriesGenerator, computed by the C++ engine."""
import numpy as np

from .._keras_cpp import preprocessing as _pp
from ..utils.data_utils import Sequence

__all__ = ['pad_sequences', 'make_sampling_table', 'skipgrams', 'TimeseriesGenerator']


def pad_sequences(sequences, maxlen=None, dtype='int32', padding='pre', truncating='pre',
                  value=0.):
    """Pads (or truncates) each sequence to `maxlen` (default: the longest), returning an array
    (len(sequences), maxlen) + the shape of one step. 'pre' pads/truncates at the start, 'post'
    at the end."""
    if not hasattr(sequences, '__len__'):
        raise ValueError('`sequences` must be iterable.')
    kind = np.dtype(dtype).kind
    if kind not in 'biuf':
        raise ValueError('pad_sequences: dtype must be numeric or bool; got %r' % (dtype,))
    # The engine pads in int64 or float64; the result is then cast to `dtype`, as Keras casts.
    work = 'float64' if kind == 'f' else 'int64'
    arrays = []
    for s in sequences:
        if not hasattr(s, '__len__'):
            raise ValueError('`sequences` must be a list of iterables. '
                             'Found non-iterable: ' + str(s))
        a = np.asarray(s, dtype=dtype).astype(work)
        arrays.append(a.reshape((0,)) if a.size == 0 and a.ndim == 1 else a)
    if maxlen is not None and (isinstance(maxlen, bool) or int(maxlen) != maxlen or maxlen < 0):
        raise ValueError('pad_sequences: maxlen must be a non-negative integer or None; got %r'
                         % (maxlen,))
    fill = np.asarray(value).astype(dtype).astype(work)
    x = _pp.pad_sequences(arrays, -1 if maxlen is None else int(maxlen), work, padding,
                          truncating, float(fill))
    return x.astype(dtype, copy=False)


def _remove_long_seq(maxlen, seq, label):
    """The sequences shorter than maxlen, and their labels (what Keras's imdb and reuters
    load_data keep for `maxlen`; Keras exports it under this name)."""
    new_seq, new_label = [], []
    for x, y in zip(seq, label):
        if len(x) < maxlen:
            new_seq.append(x)
            new_label.append(y)
    return new_seq, new_label


def make_sampling_table(size, sampling_factor=1e-5):
    """word2vec's sampling probability of the i-th most common word, for skipgrams."""
    return _pp.make_sampling_table(int(size), float(sampling_factor))


def skipgrams(sequence, vocabulary_size, window_size=4, negative_samples=1., shuffle=True,
              categorical=False, sampling_table=None, seed=None):
    """(couples, labels): [word, context word] pairs labelled 1 and [word, random word] pairs
    labelled 0 (or [0, 1] / [1, 0] when categorical). Index 0 is not a word."""
    table = None if sampling_table is None else [float(p) for p in np.ravel(sampling_table)]
    return _pp.skipgrams([int(w) for w in sequence], int(vocabulary_size), int(window_size),
                         float(negative_samples), bool(shuffle), bool(categorical), table,
                         None if seed is None else int(seed))


class TimeseriesGenerator(Sequence):
    """Batches of windows over a time series for fit_generator: sample j of a batch is
    data[i - length:i:sampling_rate] with target targets[i]."""

    def __init__(self, data, targets, length, sampling_rate=1, stride=1, start_index=0,
                 end_index=None, shuffle=False, reverse=False, batch_size=128):
        self.data, self.targets = data, targets
        self._dtypes = (np.asarray(data).dtype, np.asarray(targets).dtype)
        self.length, self.sampling_rate, self.stride = length, sampling_rate, stride
        self.shuffle, self.reverse, self.batch_size = shuffle, reverse, batch_size
        self._engine = _pp.TimeseriesGenerator(
            np.asarray(data), np.asarray(targets), int(length), int(sampling_rate), int(stride),
            int(start_index), -1 if end_index is None else int(end_index), bool(reverse),
            int(batch_size))
        self.start_index = self._engine.first_row
        self.end_index = self._engine.last_row

    def __len__(self):
        return len(self._engine)

    def __getitem__(self, index):
        if self.shuffle:  # numpy's generator, as Keras (np.random.seed reproduces it)
            rows = np.random.randint(self.start_index, self.end_index + 1, size=self.batch_size)
            rows = [int(r) for r in rows]
        else:
            rows = self._engine.rows(int(index))
        samples, targets = self._engine.batch_for_rows(rows)
        return samples.astype(self._dtypes[0], copy=False), targets.astype(self._dtypes[1],
                                                                           copy=False)

