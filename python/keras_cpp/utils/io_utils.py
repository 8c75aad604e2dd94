"""keras.utils.io_utils: HDF5Matrix (an HDF5 dataset used like a numpy array, through h5py) and
ask_to_proceed_with_overwrite."""
from collections import defaultdict

import numpy as np

try:
    import h5py
except ImportError:  # h5py is needed by HDF5Matrix only
    h5py = None


class HDF5Matrix(object):
    """Rows start..end of the dataset `dataset` of the HDF5 file `datapath`, read on indexing:
    `x[i]`, `x[a:b]`, `x[[i, j]]` (relative to start), each passed through `normalizer` when
    given. As in Keras, files stay open (one handle per path, in HDF5Matrix.refs)."""

    refs = defaultdict(int)

    def __init__(self, datapath, dataset, start=0, end=None, normalizer=None):
        if h5py is None:
            raise ImportError('The use of HDF5Matrix requires HDF5 and h5py installed '
                              '(Debian: python3-h5py).')
        if datapath not in self.refs:
            self.refs[datapath] = h5py.File(datapath, 'r')
        self.data = self.refs[datapath][dataset]
        self.start = start
        self.end = self.data.shape[0] if end is None else end
        self.normalizer = normalizer

    def __len__(self):
        return self.end - self.start

    def _out_of_range(self, key):
        return IndexError('HDF5Matrix index ' + str(key) + ' is out of range: the matrix has ' +
                          str(len(self)) + ' rows (rows ' + str(self.start) + '..' +
                          str(self.end) + ' of the dataset)')

    def __getitem__(self, key):
        if isinstance(key, slice):
            start = 0 if key.start is None else key.start
            stop = self.shape[0] if key.stop is None else key.stop
            if stop + self.start > self.end:
                raise self._out_of_range(key)
            idx = slice(start + self.start, stop + self.start)
        elif isinstance(key, (int, np.integer)):
            if key + self.start >= self.end:
                raise self._out_of_range(key)
            idx = int(key) + self.start
        elif isinstance(key, np.ndarray):
            if np.max(key) + self.start >= self.end:
                raise self._out_of_range(key)
            idx = (self.start + key).tolist()
        else:
            if max(key) + self.start >= self.end:
                raise self._out_of_range(key)
            idx = [x + self.start for x in key]
        values = self.data[idx]
        return values if self.normalizer is None else self.normalizer(values)

    def __array__(self, dtype=None):
        """The whole matrix as a numpy array (what fit and predict read)."""
        values = np.asarray(self[:])
        return values if dtype is None else values.astype(dtype)

    @property
    def shape(self):
        return (self.end - self.start,) + self.data.shape[1:]

    @property
    def dtype(self):
        return self.data.dtype

    @property
    def ndim(self):
        return self.data.ndim

    @property
    def size(self):
        return int(np.prod(self.shape))


def ask_to_proceed_with_overwrite(filepath):
    """Asks on the terminal whether to overwrite `filepath`; True for yes."""
    overwrite = input('[WARNING] %s already exists - overwrite? [y/n]' % filepath)
    while overwrite not in ('y', 'n'):
        overwrite = input('Enter "y" (overwrite) or "n" (cancel).')
    if overwrite == 'n':
        return False
    print('[TIP] Next time specify overwrite=True!')
    return True
