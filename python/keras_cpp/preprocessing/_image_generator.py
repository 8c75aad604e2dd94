"""keras.preprocessing.image.ImageDataGenerator over the C++ engine (see image.py)."""
import warnings

import numpy as np

from .. import backend
from .._keras_cpp import preprocessing as _pp
from ._image_iterators import DirectoryIterator, NumpyArrayIterator
from .image import _give_back, _global_rng

# The attributes the engine is built from: setting one rebuilds it (and the iterators follow).
_ENGINE_ATTRIBUTES = frozenset([
    'featurewise_center', 'samplewise_center', 'featurewise_std_normalization',
    'samplewise_std_normalization', 'zca_whitening', 'zca_epsilon', 'rotation_range',
    'width_shift_range', 'height_shift_range', 'brightness_range', 'shear_range', 'zoom_range',
    'channel_shift_range', 'fill_mode', 'cval', 'horizontal_flip', 'vertical_flip', 'rescale',
    'preprocessing_function', 'data_format', '_validation_split', 'mean', 'std',
    'principal_components'])


class ImageDataGenerator(object):
    """Batches of image data with real-time augmentation (Keras 2.2.4's arguments): random
    rotations, shifts (width_shift_range / height_shift_range as a fraction, a number of pixels,
    an int n for the integers in (-n, n), or a list of choices), shear, zoom, channel shifts,
    brightness, flips; fill_mode constant / nearest / reflect / wrap; rescale and
    preprocessing_function; samplewise and featurewise (fit()) normalization and ZCA whitening;
    validation_split for flow(..., subset=) and flow_from_directory(..., subset=)."""

    def __init__(self, featurewise_center=False, samplewise_center=False,
                 featurewise_std_normalization=False, samplewise_std_normalization=False,
                 zca_whitening=False, zca_epsilon=1e-6, rotation_range=0, width_shift_range=0.,
                 height_shift_range=0., brightness_range=None, shear_range=0., zoom_range=0.,
                 channel_shift_range=0., fill_mode='nearest', cval=0., horizontal_flip=False,
                 vertical_flip=False, rescale=None, preprocessing_function=None,
                 data_format=None, validation_split=0.0, dtype=None):
        if data_format is None:
            data_format = backend.image_data_format()
        self.dtype = dtype or backend.floatx()
        self.featurewise_center = featurewise_center
        self.samplewise_center = samplewise_center
        self.featurewise_std_normalization = featurewise_std_normalization
        self.samplewise_std_normalization = samplewise_std_normalization
        self.zca_whitening = zca_whitening
        self.zca_epsilon = zca_epsilon
        self.rotation_range = rotation_range
        self.width_shift_range = width_shift_range
        self.height_shift_range = height_shift_range
        self.brightness_range = brightness_range
        self.shear_range = shear_range
        self.zoom_range = zoom_range
        self.channel_shift_range = channel_shift_range
        if fill_mode not in ('constant', 'nearest', 'reflect', 'wrap'):
            raise ValueError('fill_mode must be one of "constant", "nearest", "reflect" or '
                             '"wrap"; got %r' % (fill_mode,))
        self.fill_mode = fill_mode
        self.cval = cval
        self.horizontal_flip = horizontal_flip
        self.vertical_flip = vertical_flip
        self.rescale = rescale
        if preprocessing_function is not None and not callable(preprocessing_function):
            raise TypeError('preprocessing_function must be callable; got %r'
                            % (preprocessing_function,))
        self.preprocessing_function = preprocessing_function
        if data_format not in {'channels_last', 'channels_first'}:
            raise ValueError('`data_format` should be `"channels_last"` (channel after row and '
                             'column) or `"channels_first"` (channel before row and column). '
                             'Received: %s' % data_format)
        self.data_format = data_format
        if data_format == 'channels_first':
            self.channel_axis, self.row_axis, self.col_axis = 1, 2, 3
        else:
            self.channel_axis, self.row_axis, self.col_axis = 3, 1, 2
        if validation_split and not 0 < validation_split < 1:
            raise ValueError('`validation_split` must be strictly between 0 and 1.  Received: %s'
                             % validation_split)
        self._validation_split = validation_split
        self.mean = None
        self.std = None
        self.principal_components = None
        if np.isscalar(zoom_range):
            self.zoom_range = [1 - zoom_range, 1 + zoom_range]
        elif len(zoom_range) == 2:
            self.zoom_range = [zoom_range[0], zoom_range[1]]
        else:
            raise ValueError('`zoom_range` should be a float or a tuple or list of two floats. '
                             'Received: %s' % (zoom_range,))
        if brightness_range is not None and len(brightness_range) != 2:
            raise ValueError('`brightness_range should be tuple or list of two floats. '
                             'Received: %s' % (brightness_range,))
        if zca_whitening:
            if not featurewise_center:
                self.featurewise_center = True
                warnings.warn('This ImageDataGenerator specifies `zca_whitening`, which '
                              'overrides setting of `featurewise_center`.')
            if featurewise_std_normalization:
                self.featurewise_std_normalization = False
                warnings.warn('This ImageDataGenerator specifies `zca_whitening` which '
                              'overrides setting of`featurewise_std_normalization`.')
        if featurewise_std_normalization and not self.featurewise_center:
            self.featurewise_center = True
            warnings.warn('This ImageDataGenerator specifies `featurewise_std_normalization`, '
                          'which overrides setting of `featurewise_center`.')
        if samplewise_std_normalization and not samplewise_center:
            self.samplewise_center = True
            warnings.warn('This ImageDataGenerator specifies `samplewise_std_normalization`, '
                          'which overrides setting of `samplewise_center`.')
        engine = _pp.ImageDataGeneratorEngine(self)
        object.__setattr__(self, '_engine', engine)
        object.__setattr__(self, '_handle', _pp.GeneratorHandle(engine))

    def __setattr__(self, name, value):
        object.__setattr__(self, name, value)
        if name in _ENGINE_ATTRIBUTES and '_handle' in self.__dict__:
            engine = _pp.ImageDataGeneratorEngine(self)
            object.__setattr__(self, '_engine', engine)
            self._handle.set(engine)

    def _warn_unfitted(self):
        for flag, stat, name in (('featurewise_center', 'mean', 'featurewise_center'),
                                 ('featurewise_std_normalization', 'std',
                                  'featurewise_std_normalization'),
                                 ('zca_whitening', 'principal_components', 'zca_whitening')):
            if getattr(self, flag) and getattr(self, stat) is None:
                warnings.warn('This ImageDataGenerator specifies `' + name + '`, but it hasn\'t '
                              'been fit on any training data. Fit it first by calling '
                              '`.fit(numpy_data)`.')

    def flow(self, x, y=None, batch_size=32, shuffle=True, sample_weight=None, seed=None,
             save_to_dir=None, save_prefix='', save_format='png', subset=None):
        """An iterator of augmented batches (x, y[, sample_weight]) of the arrays."""
        return NumpyArrayIterator(x, y, self, batch_size=batch_size, shuffle=shuffle,
                                  sample_weight=sample_weight, seed=seed,
                                  data_format=self.data_format, save_to_dir=save_to_dir,
                                  save_prefix=save_prefix, save_format=save_format,
                                  subset=subset, dtype=self.dtype)

    def flow_from_directory(self, directory, target_size=(256, 256), color_mode='rgb',
                            classes=None, class_mode='categorical', batch_size=32, shuffle=True,
                            seed=None, save_to_dir=None, save_prefix='', save_format='png',
                            follow_links=False, subset=None, interpolation='nearest'):
        """An iterator of augmented batches of the images in directory's class subfolders."""
        return DirectoryIterator(directory, self, target_size=target_size,
                                 color_mode=color_mode, classes=classes, class_mode=class_mode,
                                 data_format=self.data_format, batch_size=batch_size,
                                 shuffle=shuffle, seed=seed, save_to_dir=save_to_dir,
                                 save_prefix=save_prefix, save_format=save_format,
                                 follow_links=follow_links, subset=subset,
                                 interpolation=interpolation, dtype=self.dtype)

    def standardize(self, x):
        """preprocessing_function, rescale, samplewise and featurewise normalization and ZCA
        whitening of one image (rank 3) or a batch (rank 4)."""
        self._warn_unfitted()
        x = np.asarray(x)
        return self._engine.standardize(x).astype(
            x.dtype if x.dtype.kind == 'f' else self.dtype, copy=False)

    def get_random_transform(self, img_shape, seed=None):
        """The random parameters of a transform (a dict), drawn from np.random as Keras."""
        if seed is not None:
            np.random.seed(seed)
        rng, state = _global_rng()
        try:
            return self._engine.get_random_transform([int(d) for d in img_shape], rng)
        finally:
            _give_back(rng, state)

    def apply_transform(self, x, transform_parameters):
        """x (one image) transformed by the parameters: theta, tx, ty, shear, zx, zy,
        flip_horizontal, flip_vertical, channel_shift_intensity, brightness."""
        x = np.asarray(x)
        out = self._engine.apply_transform(x, dict(transform_parameters))
        return out.astype(x.dtype if x.dtype.kind == 'f' else self.dtype, copy=False)

    def random_transform(self, x, seed=None):
        params = self.get_random_transform(np.shape(x), seed)
        return self.apply_transform(x, params)

    def fit(self, x, augment=False, rounds=1, seed=None):
        """Computes the featurewise statistics (mean, std, ZCA matrix) from x (rank 4), over
        `rounds` randomly augmented copies when augment."""
        x = np.asarray(x, dtype=self.dtype)
        if x.ndim != 4:
            raise ValueError('Input to `.fit()` should have rank 4. Got array with shape: ' +
                             str(x.shape))
        if x.shape[self.channel_axis] not in {1, 3, 4}:
            warnings.warn('Expected input to be images (as Numpy array) following the data '
                          'format convention "' + self.data_format + '" (channels on axis ' +
                          str(self.channel_axis) + '), i.e. expected either 1, 3 or 4 channels '
                          'on axis ' + str(self.channel_axis) + '. However, it was passed an '
                          'array with shape ' + str(x.shape) + ' (' +
                          str(x.shape[self.channel_axis]) + ' channels).')
        if seed is not None:
            np.random.seed(seed)
        engine = _pp.ImageDataGeneratorEngine(self)
        rng, state = _global_rng()
        try:
            engine.fit(x, bool(augment), int(rounds), rng)
        finally:
            _give_back(rng, state)
        if self.featurewise_center:
            self.mean = engine.mean.astype(self.dtype)
        if self.featurewise_std_normalization:
            self.std = engine.std.astype(self.dtype)
        if self.zca_whitening:
            self.principal_components = engine.principal_components.astype(self.dtype)
