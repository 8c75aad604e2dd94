"""The iterators of keras.preprocessing.image: Iterator (a keras.utils.Sequence), NumpyArrayIterator
(ImageDataGenerator.flow) and DirectoryIterator (flow_from_directory). The batches are made by the
C++ engine's worker threads ahead of the training step; see image.py for the random draws."""
import os
import threading
import warnings

import numpy as np

from .. import backend
from .._keras_cpp import preprocessing as _pp
from ..utils.data_utils import Sequence
from .image import _INTERPOLATIONS, _data_format


def _seed_or_draw(seed):
    # Keras's unseeded iterator draws from np.random; this one takes its seed from there.
    return int(np.random.randint(0, 2 ** 31 - 1)) if seed is None else int(seed)


class Iterator(Sequence):
    """Batches of (transformed) samples: iterate it (next()), index it (it[i], a Sequence for
    fit_generator), on_epoch_end() starts the next epoch of indexing.

    prefetch_workers: the C++ threads that make the next batches while the caller trains (0:
    batches are made on the caller's thread when asked for)."""

    prefetch_workers = max(1, min(4, (os.cpu_count() or 2) - 1))
    white_list_formats = ('png', 'jpg', 'jpeg', 'bmp', 'ppm', 'tif', 'tiff')

    def __init__(self, n, batch_size, shuffle, seed):
        if int(batch_size) <= 0:
            raise ValueError('batch_size must be a positive integer; got %r' % (batch_size,))
        self.n = n
        self.batch_size = int(batch_size)
        self.seed = seed
        self.shuffle = shuffle
        self.batch_index = 0
        self.total_batches_seen = 0
        self.lock = threading.Lock()
        self._epoch = 0       # of indexing (it[i]); on_epoch_end advances it
        self._next_batch = 0  # of next(): counts batches across epochs
        self._warned = False

    def _start(self, engine):
        self._engine = engine

    def _make_options(self):
        return dict(batch_size=self.batch_size, shuffle=bool(self.shuffle),
                    seed=_seed_or_draw(self.seed) % (2 ** 32),
                    workers=int(self.prefetch_workers))

    @property
    def index_array(self):
        """This epoch's order of the samples."""
        if len(self) == 0:
            return np.zeros((0,), dtype=np.int64)
        return np.concatenate([self._engine.index_array(self._epoch, i) for i in range(len(self))])

    def __len__(self):
        return len(self._engine)

    def __getitem__(self, idx):
        if idx >= len(self) or idx < -len(self):
            raise ValueError('Asked to retrieve element {idx}, but the Sequence has length '
                             '{length}'.format(idx=idx, length=len(self)))
        if idx < 0:
            idx += len(self)
        self.total_batches_seen += 1
        return self._batch(self._epoch, int(idx))

    def on_epoch_end(self):
        self._epoch += 1

    def reset(self):
        self.batch_index = 0

    def __iter__(self):
        return self

    def __next__(self, *args, **kwargs):
        return self.next(*args, **kwargs)

    def next(self):
        if len(self) == 0:
            raise ValueError('%s: there are no samples to iterate over' % type(self).__name__)
        with self.lock:
            epoch, index = divmod(self._next_batch, len(self))
            self._next_batch += 1
            self.total_batches_seen += 1
            self.batch_index = (index + 1) % len(self)
        return self._batch(epoch, index)

    def _batch(self, epoch, index):
        if not self._warned:
            self._warned = True
            self.image_data_generator._warn_unfitted()
        x, index_array = self._engine.batch(epoch, index)
        return self._outputs(x.astype(self.dtype, copy=False), np.asarray(index_array))

    def _outputs(self, batch_x, index_array):
        raise NotImplementedError


class NumpyArrayIterator(Iterator):
    """Augmented batches of an array of images (rank 4), with labels, sample weights and other
    arrays passed through (x may be (images, other array or list of arrays))."""

    def __init__(self, x, y, image_data_generator, batch_size=32, shuffle=False,
                 sample_weight=None, seed=None, data_format=None, save_to_dir=None,
                 save_prefix='', save_format='png', subset=None, dtype=None):
        self.dtype = dtype or backend.floatx()
        if isinstance(x, (tuple, list)):
            if not isinstance(x[1], list):
                x_misc = [np.asarray(x[1])]
            else:
                x_misc = [np.asarray(xx) for xx in x[1]]
            x = x[0]
            for xx in x_misc:
                if len(x) != len(xx):
                    raise ValueError('All of the arrays in `x` should have the same length. '
                                     'Found a pair with: len(x[0]) = %s, len(x[?]) = %s'
                                     % (len(x), len(xx)))
        else:
            x_misc = []
        if y is not None and len(x) != len(y):
            raise ValueError('`x` (images tensor) and `y` (labels) should have the same length. '
                             'Found: x.shape = %s, y.shape = %s'
                             % (np.asarray(x).shape, np.asarray(y).shape))
        if sample_weight is not None and len(x) != len(sample_weight):
            raise ValueError('`x` (images tensor) and `sample_weight` should have the same '
                             'length. Found: x.shape = %s, sample_weight.shape = %s'
                             % (np.asarray(x).shape, np.asarray(sample_weight).shape))
        if subset is not None:
            if subset not in {'training', 'validation'}:
                raise ValueError('Invalid subset name: %r; expected "training" or "validation".'
                                 % (subset,))
            split_idx = int(len(x) * image_data_generator._validation_split)
            part = slice(None, split_idx) if subset == 'validation' else slice(split_idx, None)
            x = x[part]
            x_misc = [np.asarray(xx[part]) for xx in x_misc]
            if y is not None:
                y = y[part]
            if sample_weight is not None:
                sample_weight = sample_weight[part]
        data_format = _data_format(data_format)
        self.x = np.asarray(x, dtype=self.dtype)
        self.x_misc = x_misc
        if self.x.ndim != 4:
            raise ValueError('Input data in `NumpyArrayIterator` should have rank 4. You passed '
                             'an array with shape %s' % (self.x.shape,))
        channels_axis = 3 if data_format == 'channels_last' else 1
        if self.x.shape[channels_axis] not in {1, 3, 4}:
            warnings.warn('NumpyArrayIterator is set to use the data format convention "' +
                          data_format + '" (channels on axis ' + str(channels_axis) + '), i.e. '
                          'expected either 1, 3, or 4 channels on axis ' + str(channels_axis) +
                          '. However, it was passed an array with shape ' + str(self.x.shape) +
                          ' (' + str(self.x.shape[channels_axis]) + ' channels).')
        self.y = np.asarray(y) if y is not None else None
        self.sample_weight = np.asarray(sample_weight) if sample_weight is not None else None
        self.image_data_generator = image_data_generator
        self.data_format = data_format
        self.save_to_dir, self.save_prefix, self.save_format = save_to_dir, save_prefix, save_format
        super(NumpyArrayIterator, self).__init__(self.x.shape[0], batch_size, shuffle, seed)
        self._start(_pp.ImageIterator(image_data_generator._handle, self.x,
                                      save_to_dir=save_to_dir or '', save_prefix=save_prefix,
                                      save_format=save_format, **self._make_options()))

    def _outputs(self, batch_x, index_array):
        batch_x_miscs = [xx[index_array] for xx in self.x_misc]
        output = (batch_x if batch_x_miscs == [] else [batch_x] + batch_x_miscs,)
        if self.y is None:
            return output[0]
        output += (self.y[index_array],)
        if self.sample_weight is not None:
            output += (self.sample_weight[index_array],)
        return output


class DirectoryIterator(Iterator):
    """Augmented batches of the images in a directory's class subfolders (PNG and JPEG files),
    with labels per class_mode: 'categorical', 'binary', 'sparse', 'input' or None."""

    def __init__(self, directory, image_data_generator, target_size=(256, 256),
                 color_mode='rgb', classes=None, class_mode='categorical', batch_size=32,
                 shuffle=True, seed=None, data_format=None, save_to_dir=None, save_prefix='',
                 save_format='png', follow_links=False, subset=None, interpolation='nearest',
                 dtype=None):
        self.dtype = dtype or backend.floatx()
        data_format = _data_format(data_format)
        self.directory = os.fspath(directory)
        self.image_data_generator = image_data_generator
        self.target_size = tuple(int(v) for v in target_size)
        if len(self.target_size) != 2:
            raise ValueError('target_size must be (height, width); got %r' % (target_size,))
        if color_mode not in {'rgb', 'rgba', 'grayscale'}:
            raise ValueError('Invalid color mode: %r; expected "rgb", "rgba", or "grayscale".'
                             % (color_mode,))
        if color_mode == 'rgba' and save_format in ('jpeg', 'jpg'):
            warnings.warn('The JPG format does not support RGBA images, converting to RGB.')
            color_mode = 'rgb'
        self.color_mode = color_mode
        self.data_format = data_format
        channels = {'rgba': 4, 'rgb': 3, 'grayscale': 1}[color_mode]
        self.image_shape = (self.target_size + (channels,) if data_format == 'channels_last'
                            else (channels,) + self.target_size)
        if class_mode not in {'categorical', 'binary', 'sparse', 'input', None}:
            raise ValueError('Invalid class_mode: %r; expected one of "categorical", "binary", '
                             '"sparse", "input" or None.' % (class_mode,))
        if interpolation not in _INTERPOLATIONS:
            raise ValueError('Invalid interpolation method {} specified. Supported methods are {}'
                             .format(interpolation, ', '.join(_INTERPOLATIONS)))
        self.class_mode = class_mode
        self.save_to_dir, self.save_prefix, self.save_format = save_to_dir, save_prefix, save_format
        self.interpolation = interpolation
        split = None
        if subset is not None:
            validation_split = image_data_generator._validation_split
            if subset == 'validation':
                split = (0.0, float(validation_split))
            elif subset == 'training':
                split = (float(validation_split), 1.0)
            else:
                raise ValueError('Invalid subset name: %r; expected "training" or "validation"'
                                 % (subset,))
        self.subset = subset
        if not os.path.isdir(self.directory):
            raise FileNotFoundError("flow_from_directory: no such directory: '%s'"
                                    % self.directory)
        names, self.filenames, labels = _pp.list_directory(
            self.directory, list(classes or []), bool(follow_links), split)
        self.num_classes = len(names)
        self.class_indices = dict(zip(names, range(len(names))))
        self.classes = np.asarray(labels, dtype='int32')
        self.samples = len(self.filenames)
        print('Found %d images belonging to %d classes.' % (self.samples, self.num_classes))
        super(DirectoryIterator, self).__init__(self.samples, batch_size, shuffle, seed)
        self._start(_pp.ImageIterator(
            image_data_generator._handle, self.directory, list(self.filenames), color_mode,
            self.target_size, interpolation, data_format, save_to_dir=save_to_dir or '',
            save_prefix=save_prefix, save_format=save_format, **self._make_options()))

    def _outputs(self, batch_x, index_array):
        if self.class_mode == 'input':
            batch_y = batch_x.copy()
        elif self.class_mode == 'sparse':
            batch_y = self.classes[index_array]
        elif self.class_mode == 'binary':
            batch_y = self.classes[index_array].astype(self.dtype)
        elif self.class_mode == 'categorical':
            batch_y = np.zeros((len(batch_x), self.num_classes), dtype=self.dtype)
            for i, label in enumerate(self.classes[index_array]):
                batch_y[i, label] = 1.
        else:
            return batch_x
        return batch_x, batch_y
