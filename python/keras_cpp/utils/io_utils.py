"""keras.utils.io_utils: HDF5Matrix (an HDF5 dataset used like a numpy array, through h5py),
H5Dict (Keras 2.2.4's dict-like view of an h5py group or a dict) and
ask_to_proceed_with_overwrite."""
from collections import defaultdict

import numpy as np

try:
    import h5py
except ImportError:  # h5py is needed by HDF5Matrix and H5Dict only
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
        # Shape and dtype as the normalizer returns them (it may resize or cast), from the first
        # row, as Keras.
        first = self.data[0:1] if normalizer is None else normalizer(self.data[0:1])
        self._base_shape, self._base_dtype = tuple(first.shape[1:]), first.dtype

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
        return (self.end - self.start,) + self._base_shape

    @property
    def dtype(self):
        return self._base_dtype

    @property
    def ndim(self):
        return len(self.shape)

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


# Keras 2.2.4's bound on one HDF5 attribute (object header): longer lists go in chunks.
HDF5_OBJECT_HEADER_LIMIT = 64512


class H5Dict(object):
    """Keras 2.2.4's dict-like view of an h5py group, an HDF5 file (opened by path) or a plain
    dict, the one form a model is serialized to (save_model and load_model take any of them).

    Keys name sub-groups, datasets or attributes: setting a numpy array makes a dataset (in a
    dict: the pickled array), a list of strings an attribute (split in chunks `name0`,
    `name1`, ... past HDF5's header limit), anything else an attribute; reading a missing key
    makes a sub-group (not in read-only mode 'r')."""

    def __init__(self, path, mode='a'):
        if h5py is not None and isinstance(path, h5py.Group):
            self.data = path
            self._is_file = False
        elif isinstance(path, str):
            if h5py is None:
                raise ImportError('H5Dict on a file path needs h5py (Debian: python3-h5py).')
            self.data = h5py.File(path, mode=mode)
            self._is_file = True
        elif isinstance(path, dict):
            self.data = path
            self._is_file = False
            self.data['_is_group'] = True  # tells a sub-group from a user's dict value
        else:
            raise TypeError('Required Group, str or dict. Received: {}.'.format(type(path)))
        self.read_only = mode == 'r'

    def _in_dict(self):
        return isinstance(self.data, dict)

    def __setitem__(self, attr, val):
        if self.read_only:
            raise ValueError('Cannot set item in read only mode.')
        is_np = type(val).__module__ == np.__name__
        if self._in_dict():
            import pickle
            if isinstance(attr, bytes):
                attr = attr.decode('utf-8')
            if is_np:
                self.data[attr] = pickle.dumps(val)
                self.data['_{}_pickled'.format(attr)] = True
            else:
                self.data[attr] = val
            return
        if attr in self.data:
            raise KeyError('Cannot set attribute. Group with name "{}" exists.'.format(attr))
        if is_np:
            dataset = self.data.create_dataset(attr, val.shape, dtype=val.dtype)
            if val.shape:
                dataset[:] = val
            else:
                dataset[()] = val
        elif isinstance(val, list):
            too_long = [x for x in val if len(x) > HDF5_OBJECT_HEADER_LIMIT]
            if too_long:
                raise RuntimeError('The following attributes cannot be saved to HDF5 file '
                                   'because they are larger than %d bytes: %s'
                                   % (HDF5_OBJECT_HEADER_LIMIT, ', '.join(too_long)))
            if val and isinstance(val[0], str):
                val = [x.encode('utf-8') for x in val]
            as_array = np.asarray(val)
            chunks = 1
            while any(part.nbytes > HDF5_OBJECT_HEADER_LIMIT
                      for part in np.array_split(as_array, chunks)):
                chunks += 1
            if chunks > 1:
                for i, part in enumerate(np.array_split(as_array, chunks)):
                    self.data.attrs['%s%d' % (attr, i)] = part
            else:  # fixed-size bytes (as h5py 2 wrote them): they read back as bytes
                self.data.attrs[attr] = as_array
        else:
            self.data.attrs[attr] = val

    def __getitem__(self, attr):
        if self._in_dict():
            if isinstance(attr, bytes):
                attr = attr.decode('utf-8')
            if attr in self.data:
                val = self.data[attr]
                if isinstance(val, dict) and val.get('_is_group'):
                    return H5Dict(val)
                if '_{}_pickled'.format(attr) in self.data:
                    import pickle
                    return pickle.loads(val)
                return val
            if self.read_only:
                raise ValueError('Cannot create group in read only mode.')
            group = {'_is_group': True}
            self.data[attr] = group
            return H5Dict(group)
        if attr in self.data.attrs:
            val = self.data.attrs[attr]
            if type(val).__module__ == np.__name__ and val.dtype.type == np.bytes_:
                val = val.tolist()
            return val
        if attr in self.data:
            val = self.data[attr]
            return np.asarray(val) if isinstance(val, h5py.Dataset) else H5Dict(val)
        if '%s0' % attr in self.data.attrs:  # a list saved in chunks
            val, i = [], 0
            while '%s%d' % (attr, i) in self.data.attrs:
                val.extend(x.decode('utf8') for x in self.data.attrs['%s%d' % (attr, i)])
                i += 1
            return val
        if self.read_only:
            raise ValueError('Cannot create group in read only mode.')
        return H5Dict(self.data.create_group(attr))

    def __len__(self):
        return len(self.data)

    def __iter__(self):
        return iter(self.data)

    def iter(self):
        return iter(self.data)

    def __contains__(self, key):
        if self._in_dict():
            return key in self.data
        return key in self.data or key in self.data.attrs

    def get(self, key, default=None):
        return self[key] if key in self else default

    def __getattr__(self, attr):
        # What the wrapped group or dict has (keys, attrs, ...); a group it returns is wrapped.
        if attr == 'data':
            raise AttributeError(attr)
        member = getattr(self.data, attr)
        if not callable(member):
            return member

        def wrapped(*args, **kwargs):
            out = member(*args, **kwargs)
            return H5Dict(out) if isinstance(out, type(self.data)) else out
        return wrapped

    def close(self):
        if not self._in_dict():
            self.data.file.flush()
            if self._is_file:
                self.data.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


h5dict = H5Dict


def _copy_h5_tree(source, target):
    """Copies the attributes and members of the h5py group `source` into `target`: an h5py
    group, or an H5Dict over a dict (datasets and attributes become its values, groups nested
    H5Dicts)."""
    for key, value in source.attrs.items():
        if isinstance(target, H5Dict):
            target[key] = value
        else:
            target.attrs[key] = value
    for key, member in source.items():
        if not isinstance(target, H5Dict):
            source.copy(member, target, name=key)
        elif isinstance(member, h5py.Dataset):
            target[key] = np.asarray(member)
        else:
            _copy_h5_tree(member, target[key])


def _copy_dict_tree(source, target):
    """The inverse for a dict: the H5Dict `source` (over a dict) into the h5py group `target`.
    Numeric arrays were datasets (a model file's weights); the rest, attributes (its names and
    configs)."""
    for key in list(source.data):
        if key == '_is_group' or (key.startswith('_') and key.endswith('_pickled')):
            continue
        value = source[key]
        if isinstance(value, H5Dict):
            _copy_dict_tree(value, target.create_group(key))
        elif isinstance(value, np.ndarray) and value.dtype.kind in 'biuf':
            target.create_dataset(key, data=value)
        else:
            target.attrs[key] = value
