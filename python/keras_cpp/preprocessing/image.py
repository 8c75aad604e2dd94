"""keras.preprocessing.image (Keras 2.2.4, keras_preprocessing 1.0.5): ImageDataGenerator with its
augmentations and featurewise statistics, the iterators flow / flow_from_directory return, and the
image helpers (load_img, img_to_array, array_to_img, save_img), computed by the C++ engine.

PIL is not needed: images are `Image` objects (8-bit pixels, mode 'L', 'RGB' or 'RGBA') that
numpy.asarray, img_to_array and array_to_img use as they use PIL images; files are PNG or JPEG.

Randomness is numpy's: get_random_transform, random_transform and fit(augment=True) draw from
np.random's global generator exactly as Keras does (same parameters for the same np.random state).
The iterators make their batches in C++ worker threads ahead of the training step: batch k
(counted from the first, across epochs) draws from a generator seeded with seed + k, and a
shuffled epoch's order is drawn first from seed + (first batch of the epoch), which is what Keras's
iterator does with np.random.seed(seed + total_batches_seen) when it is iterated in order
(next(), or indexing within the first epoch). Without a seed the iterator takes one from np.random.
"""
import os
import re
import warnings

import numpy as np

from .. import backend
from .._keras_cpp import preprocessing as _pp

__all__ = ['ImageDataGenerator', 'Iterator', 'NumpyArrayIterator', 'DirectoryIterator', 'Image',
           'array_to_img', 'img_to_array', 'load_img', 'save_img', 'list_pictures',
           'apply_affine_transform', 'apply_channel_shift', 'apply_brightness_shift',
           'random_rotation', 'random_shift', 'random_shear', 'random_zoom',
           'random_channel_shift', 'random_brightness', 'flip_axis',
           'transform_matrix_offset_center']

_INTERPOLATIONS = ('nearest', 'bilinear', 'bicubic', 'lanczos', 'box', 'hamming')
# PIL's resampling constants, for Image.resize(size, resample) calls written for PIL.
_PIL_RESAMPLE = {0: 'nearest', 1: 'lanczos', 2: 'bilinear', 3: 'bicubic', 4: 'box', 5: 'hamming'}


def _data_format(data_format):
    if data_format is None:
        data_format = backend.image_data_format()
    if data_format not in {'channels_first', 'channels_last'}:
        raise ValueError('Invalid data_format: %r (expected "channels_first" or "channels_last")'
                         % (data_format,))
    return data_format


def _global_rng():
    """numpy's global generator as the engine's NumpyRandom, and the state to give back."""
    state = np.random.get_state()
    rng = _pp.NumpyRandom(0)
    rng.set_state(np.asarray(state[1], dtype=np.uint32).tolist(), int(state[2]))
    return rng, state


def _give_back(rng, state):
    np.random.set_state((state[0], np.asarray(rng.key, dtype=np.uint32), rng.pos, state[3],
                         state[4]))


class Image(object):
    """An 8-bit image in PIL's conventions: mode 'L', 'RGB' or 'RGBA', size (width, height);
    numpy.asarray(image) gives its pixels, (height, width) or (height, width, channels)."""

    def __init__(self, pixels):
        pixels = np.ascontiguousarray(pixels, dtype=np.uint8)
        if pixels.ndim == 3 and pixels.shape[2] == 1:
            pixels = pixels[:, :, 0]
        if pixels.ndim not in (2, 3) or (pixels.ndim == 3 and pixels.shape[2] not in (3, 4)):
            raise ValueError('Image: pixels must be (height, width) or (height, width, 3 or 4); '
                             'got shape %s' % (pixels.shape,))
        self._pixels = pixels

    @property
    def mode(self):
        return 'L' if self._pixels.ndim == 2 else ('RGB' if self._pixels.shape[2] == 3 else 'RGBA')

    @property
    def size(self):
        return (self._pixels.shape[1], self._pixels.shape[0])

    width = property(lambda self: self._pixels.shape[1])
    height = property(lambda self: self._pixels.shape[0])

    def getbands(self):
        return tuple(self.mode)

    def __array__(self, dtype=None, copy=None):
        return self._pixels.astype(dtype) if dtype is not None else self._pixels.copy()

    def convert(self, mode):
        return Image(_pp.convert_pixels(self._pixels, mode))

    def resize(self, size, resample='nearest'):
        """size: (width, height), as PIL; resample: a name or PIL's constant."""
        method = _PIL_RESAMPLE.get(resample, resample)
        if method not in _INTERPOLATIONS:
            raise ValueError('Image.resize: unknown resampling %r (expected one of %s)'
                             % (resample, ', '.join(_INTERPOLATIONS)))
        return Image(_pp.resize_pixels(self._pixels, int(size[1]), int(size[0]), method))

    def save(self, fp, format=None, quality=75, **params):
        """Writes a PNG or JPEG file; format defaults to the file name's extension."""
        _pp.write_pixels(self._pixels, os.fspath(fp), (format or '').lower(), int(quality))

    def copy(self):
        return Image(self._pixels.copy())

    def close(self):
        pass

    def __eq__(self, other):
        return isinstance(other, Image) and np.array_equal(self._pixels, other._pixels)

    def __repr__(self):
        return '<keras_cpp.preprocessing.image.Image mode=%s size=%dx%d>' % (
            (self.mode,) + self.size)


def array_to_img(x, data_format=None, scale=True, dtype=None):
    """An Image from an array of rank 3 (1, 3 or 4 channels); scale maps [min, max] to
    [0, 255]."""
    x = np.asarray(x, dtype=dtype or backend.floatx())
    if x.ndim != 3:
        raise ValueError('Expected image array to have rank 3 (single image). '
                         'Got array with shape: %s' % (x.shape,))
    data_format = _data_format(data_format)
    channels = x.shape[0] if data_format == 'channels_first' else x.shape[2]
    if channels not in (1, 3, 4):
        raise ValueError('Unsupported channel number: %d' % channels)
    return Image(_pp.array_to_pixels(x, data_format, bool(scale)))


def img_to_array(img, data_format=None, dtype=None):
    """An array (height, width, channels) or (channels, height, width) of an image."""
    data_format = _data_format(data_format)
    x = np.asarray(img, dtype=dtype or backend.floatx())
    if len(x.shape) == 3:
        if data_format == 'channels_first':
            x = x.transpose(2, 0, 1)
    elif len(x.shape) == 2:
        if data_format == 'channels_first':
            x = x.reshape((1, x.shape[0], x.shape[1]))
        else:
            x = x.reshape((x.shape[0], x.shape[1], 1))
    else:
        raise ValueError('Unsupported image shape: %s' % (x.shape,))
    return x


def save_img(path, x, data_format=None, file_format=None, scale=True, **kwargs):
    """Saves an array as a PNG or JPEG file (the format from file_format or the extension)."""
    img = array_to_img(x, data_format=data_format, scale=scale)
    if img.mode == 'RGBA' and (file_format == 'jpg' or file_format == 'jpeg'):
        warnings.warn('The JPG format does not support RGBA images, converting to RGB.')
        img = img.convert('RGB')
    img.save(path, format=file_format, **kwargs)


def load_img(path, grayscale=False, color_mode='rgb', target_size=None,
             interpolation='nearest'):
    """Loads a PNG or JPEG file as an Image in color_mode ('grayscale', 'rgb', 'rgba'), resized to
    target_size (height, width) with `interpolation` when given."""
    if grayscale is True:
        warnings.warn('grayscale is deprecated. Please use color_mode = "grayscale"')
        color_mode = 'grayscale'
    if color_mode not in ('grayscale', 'rgb', 'rgba'):
        raise ValueError('color_mode must be "grayscale", "rgb", or "rgba"')
    if target_size is not None:
        target_size = (int(target_size[0]), int(target_size[1]))
        if interpolation not in _INTERPOLATIONS:
            raise ValueError('Invalid interpolation method {} specified. Supported methods are {}'
                             .format(interpolation, ', '.join(_INTERPOLATIONS)))
    path = os.fspath(path)
    if not os.path.exists(path):
        raise FileNotFoundError("load_img: no such file: '%s'" % path)
    return Image(_pp.load_img(path, color_mode, target_size, interpolation))


def list_pictures(directory, ext='jpg|jpeg|bmp|png|ppm'):
    return [os.path.join(root, f)
            for root, _, files in os.walk(directory) for f in files
            if re.match(r'([\w]+\.(?:' + ext + '))', f.lower())]


# ---- The transforms on one image ------------------------------------------------------------

def apply_affine_transform(x, theta=0, tx=0, ty=0, shear=0, zx=1, zy=1, row_axis=0, col_axis=1,
                           channel_axis=2, fill_mode='nearest', cval=0.):
    """Rotation (degrees), shift (tx along rows, ty along columns), shear (degrees) and zoom
    about the image centre, sampled with linear interpolation; fill_mode: constant, nearest,
    reflect or wrap."""
    a = np.asarray(x)
    out = _pp.apply_affine_transform(a, float(theta), float(tx), float(ty), float(shear),
                                     float(zx), float(zy), int(row_axis), int(col_axis),
                                     int(channel_axis), fill_mode, float(cval))
    return out.astype(a.dtype if a.dtype.kind == 'f' else backend.floatx(), copy=False)


def apply_channel_shift(x, intensity, channel_axis=0):
    return _pp.apply_channel_shift(np.asarray(x), float(intensity), int(channel_axis))


def apply_brightness_shift(x, brightness, channel_axis=None):
    """PIL's ImageEnhance.Brightness on array_to_img(x): the result is on the 0..255 scale."""
    if channel_axis is None:
        channel_axis = 0 if backend.image_data_format() == 'channels_first' else 2
    return _pp.apply_brightness_shift(np.asarray(x), float(brightness), int(channel_axis))


def flip_axis(x, axis):
    x = np.asarray(x).swapaxes(axis, 0)
    x = x[::-1, ...]
    return x.swapaxes(0, axis)


def transform_matrix_offset_center(matrix, x, y):
    o_x = float(x) / 2 + 0.5
    o_y = float(y) / 2 + 0.5
    offset_matrix = np.array([[1, 0, o_x], [0, 1, o_y], [0, 0, 1]])
    reset_matrix = np.array([[1, 0, -o_x], [0, 1, -o_y], [0, 0, 1]])
    return np.dot(np.dot(offset_matrix, matrix), reset_matrix)


def apply_transform(x, transform_matrix, channel_axis=0, fill_mode='nearest', cval=0.):
    """Keras 1.2.2: each channel of the image x resampled through the 3x3 homogeneous
    transform_matrix (output pixel p reads input pixel matrix @ p) with nearest-pixel sampling,
    as scipy.ndimage.affine_transform does; fill_mode: constant, nearest, reflect or wrap."""
    from scipy import ndimage
    x = np.rollaxis(np.asarray(x), channel_axis, 0)
    matrix, offset = transform_matrix[:2, :2], transform_matrix[:2, 2]
    channels = [ndimage.affine_transform(channel, matrix, offset, order=0, mode=fill_mode,
                                         cval=cval) for channel in x]
    return np.rollaxis(np.stack(channels, axis=0), 0, channel_axis + 1)


def random_rotation(x, rg, row_axis=1, col_axis=2, channel_axis=0, fill_mode='nearest', cval=0.):
    theta = np.random.uniform(-rg, rg)
    return apply_affine_transform(x, theta=theta, row_axis=row_axis, col_axis=col_axis,
                                  channel_axis=channel_axis, fill_mode=fill_mode, cval=cval)


def random_shift(x, wrg, hrg, row_axis=1, col_axis=2, channel_axis=0, fill_mode='nearest',
                 cval=0.):
    h, w = x.shape[row_axis], x.shape[col_axis]
    tx = np.random.uniform(-hrg, hrg) * h
    ty = np.random.uniform(-wrg, wrg) * w
    return apply_affine_transform(x, tx=tx, ty=ty, row_axis=row_axis, col_axis=col_axis,
                                  channel_axis=channel_axis, fill_mode=fill_mode, cval=cval)


def random_shear(x, intensity, row_axis=1, col_axis=2, channel_axis=0, fill_mode='nearest',
                 cval=0.):
    shear = np.random.uniform(-intensity, intensity)
    return apply_affine_transform(x, shear=shear, row_axis=row_axis, col_axis=col_axis,
                                  channel_axis=channel_axis, fill_mode=fill_mode, cval=cval)


def random_zoom(x, zoom_range, row_axis=1, col_axis=2, channel_axis=0, fill_mode='nearest',
                cval=0.):
    if len(zoom_range) != 2:
        raise ValueError('`zoom_range` should be a tuple or list of two floats. '
                         'Received: %s' % (zoom_range,))
    if zoom_range[0] == 1 and zoom_range[1] == 1:
        zx, zy = 1, 1
    else:
        zx, zy = np.random.uniform(zoom_range[0], zoom_range[1], 2)
    return apply_affine_transform(x, zx=zx, zy=zy, row_axis=row_axis, col_axis=col_axis,
                                  channel_axis=channel_axis, fill_mode=fill_mode, cval=cval)


def random_channel_shift(x, intensity_range, channel_axis=0):
    intensity = np.random.uniform(-intensity_range, intensity_range)
    return apply_channel_shift(x, intensity, channel_axis=channel_axis)


def random_brightness(x, brightness_range):
    if len(brightness_range) != 2:
        raise ValueError('`brightness_range should be tuple or list of two floats. '
                         'Received: %s' % (brightness_range,))
    u = np.random.uniform(brightness_range[0], brightness_range[1])
    return apply_brightness_shift(x, u)


from ._image_iterators import DirectoryIterator, Iterator, NumpyArrayIterator  # noqa: E402
from ._image_generator import ImageDataGenerator  # noqa: E402
