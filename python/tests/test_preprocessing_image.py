"""keras_cpp.preprocessing.image against numpy computations of keras_preprocessing 1.0.5's
algorithms: the random draws (np.random), each transform, standardization and fit, the iterators
(flow, flow_from_directory over PNG and JPEG files written here) and the errors."""
import os
import threading

import numpy as np
import pytest

from keras_cpp.preprocessing import image
from keras_cpp.preprocessing.image import ImageDataGenerator


def bilinear_nearest_reference(x, matrix, offset):
    """scipy.ndimage.affine_transform(order=1, mode='nearest') of each channel of (H, W, C)."""
    h, w = x.shape[:2]
    rows, cols = np.meshgrid(np.arange(h, dtype=np.float64), np.arange(w, dtype=np.float64),
                             indexing='ij')
    in_r = np.clip(matrix[0, 0] * rows + matrix[0, 1] * cols + offset[0], 0, h - 1)
    in_c = np.clip(matrix[1, 0] * rows + matrix[1, 1] * cols + offset[1], 0, w - 1)
    r0, c0 = np.floor(in_r).astype(int), np.floor(in_c).astype(int)
    r1, c1 = np.minimum(r0 + 1, h - 1), np.minimum(c0 + 1, w - 1)
    fr, fc = (in_r - r0)[..., None], (in_c - c0)[..., None]
    return ((1 - fr) * (1 - fc) * x[r0, c0] + (1 - fr) * fc * x[r0, c1] +
            fr * (1 - fc) * x[r1, c0] + fr * fc * x[r1, c1])


def keras_matrix(theta, tx, ty, shear, zx, zy, h, w):
    t = np.deg2rad(theta)
    s = np.deg2rad(shear)
    m = np.array([[np.cos(t), -np.sin(t), 0], [np.sin(t), np.cos(t), 0], [0, 0, 1]])
    m = m.dot(np.array([[1, 0, tx], [0, 1, ty], [0, 0, 1]]))
    m = m.dot(np.array([[1, -np.sin(s), 0], [0, np.cos(s), 0], [0, 0, 1]]))
    m = m.dot(np.array([[zx, 0, 0], [0, zy, 0], [0, 0, 1]]))
    return image.transform_matrix_offset_center(m, h, w)


def test_random_draws_are_numpys_in_kerass_order():
    gen = ImageDataGenerator(rotation_range=40, width_shift_range=[-2, 0, 3],
                             height_shift_range=0.2, shear_range=10, zoom_range=(0.8, 1.3),
                             channel_shift_range=5., horizontal_flip=True, vertical_flip=True,
                             brightness_range=(0.5, 1.5))
    params = gen.get_random_transform((10, 12, 3), seed=11)
    after = np.random.random()
    np.random.seed(11)
    theta = np.random.uniform(-40, 40)
    tx = np.random.uniform(-0.2, 0.2) * 10
    ty = np.random.choice([-2, 0, 3]) * np.random.choice([-1, 1])
    shear = np.random.uniform(-10, 10)
    zx, zy = np.random.uniform(0.8, 1.3, 2)
    fh, fv = np.random.random() < 0.5, np.random.random() < 0.5
    channel = np.random.uniform(-5, 5)
    brightness = np.random.uniform(0.5, 1.5)
    assert params == {'theta': theta, 'tx': tx, 'ty': ty, 'shear': shear, 'zx': zx, 'zy': zy,
                      'flip_horizontal': fh, 'flip_vertical': fv,
                      'channel_shift_intensity': channel, 'brightness': brightness}
    # The global generator went on from where Keras's would be.
    assert after == np.random.random()


def test_integer_shift_range_gives_integers_below_it():
    gen = ImageDataGenerator(width_shift_range=2)
    seen = {gen.get_random_transform((5, 5, 1))['ty'] for _ in range(200)}
    assert seen == {-1.0, 0.0, 1.0}


def test_affine_transform_matches_a_numpy_interpolation():
    rng = np.random.RandomState(0)
    x = rng.uniform(0, 255, (9, 11, 3)).astype('float32')
    for theta, tx, ty, shear, zx, zy in [(30, 0, 0, 0, 1, 1), (0, 1.5, -2.25, 0, 1, 1),
                                         (0, 0, 0, 20, 1, 1), (0, 0, 0, 0, 0.7, 1.4),
                                         (-12, 1, 2, 5, 1.1, 0.9)]:
        out = image.apply_affine_transform(x, theta, tx, ty, shear, zx, zy)
        m = keras_matrix(theta, tx, ty, shear, zx, zy, 9, 11)
        expected = bilinear_nearest_reference(x.astype(np.float64), m[:2, :2], m[:2, 2])
        assert out.dtype == np.float32
        np.testing.assert_allclose(out, expected, rtol=0, atol=2e-3)


def test_fill_modes_constant_and_channels_first():
    x = np.arange(12, dtype='float32').reshape((1, 3, 4))  # channels_first
    out = image.apply_affine_transform(x, ty=1, row_axis=1, col_axis=2, channel_axis=0,
                                       fill_mode='constant', cval=-7)
    np.testing.assert_array_equal(out[0], [[1, 2, 3, -7], [5, 6, 7, -7], [9, 10, 11, -7]])
    with pytest.raises(ValueError, match='fill_mode'):
        ImageDataGenerator(fill_mode='edge')


def test_apply_transform_flips_channel_shift_and_brightness():
    gen = ImageDataGenerator()
    x = np.random.RandomState(1).uniform(0, 10, (4, 5, 3)).astype('float32')
    np.testing.assert_array_equal(gen.apply_transform(x, {'flip_horizontal': True}), x[:, ::-1])
    np.testing.assert_array_equal(gen.apply_transform(x, {'flip_vertical': True}), x[::-1])
    shifted = gen.apply_transform(x, {'channel_shift_intensity': 3.})
    np.testing.assert_allclose(shifted, np.clip(x + 3., x.min(), x.max()), rtol=1e-6)
    bright = gen.apply_transform(x, {'brightness': 0.8})
    scaled = x - min(x.min(), 0)
    scaled = (scaled / scaled.max() * 255).astype('uint8')
    np.testing.assert_array_equal(bright, np.trunc(scaled.astype('float32') * np.float32(0.8)))


def test_standardize_and_fit_statistics():
    rng = np.random.RandomState(2)
    x = rng.uniform(0, 255, (20, 4, 5, 3)).astype('float32')
    gen = ImageDataGenerator(featurewise_center=True, featurewise_std_normalization=True,
                             samplewise_center=True, rescale=1. / 255)
    gen.fit(x)
    np.testing.assert_allclose(gen.mean.ravel(), x.mean(axis=(0, 1, 2)), rtol=1e-5)
    centred = x - x.mean(axis=(0, 1, 2))
    np.testing.assert_allclose(gen.std.ravel(), centred.std(axis=(0, 1, 2)), rtol=1e-4)
    assert gen.mean.shape == (1, 1, 3)
    one = x[0].copy()
    expected = one * np.float32(1. / 255)
    expected -= expected.mean()
    expected = (expected - gen.mean) / (gen.std + 1e-7)
    np.testing.assert_allclose(gen.standardize(one), expected, rtol=1e-4, atol=1e-5)


def test_zca_matches_kerass_formula():
    rng = np.random.RandomState(3)
    x = rng.normal(size=(50, 2, 2, 1)).astype('float32')
    x[:, 1, 1, 0] += x[:, 0, 0, 0]
    with pytest.warns(UserWarning, match='zca_whitening'):
        gen = ImageDataGenerator(zca_whitening=True)
    gen.fit(x)
    flat = (x - x.mean(axis=(0, 1, 2))).reshape((50, 4)).astype(np.float64)
    sigma = flat.T.dot(flat) / 50
    u, s, _ = np.linalg.svd(sigma)
    expected = (u * (1. / np.sqrt(s[np.newaxis] + 1e-6))).dot(u.T)
    np.testing.assert_allclose(gen.principal_components, expected, rtol=1e-3, atol=1e-3)


def test_flow_batches_are_kerass_for_the_seed():
    rng = np.random.RandomState(4)
    x = rng.uniform(0, 1, (7, 6, 6, 3)).astype('float32')
    y = np.arange(7)
    w = np.linspace(0.1, 0.7, 7)
    gen = ImageDataGenerator(rotation_range=15, zoom_range=0.1, horizontal_flip=True)
    it = gen.flow(x, y, batch_size=3, seed=9, sample_weight=w)
    assert len(it) == 3
    bx, by, bw = it[0]
    # Keras: np.random.seed(seed + 0), the epoch's permutation, then each sample's transform.
    np.random.seed(9)
    order = np.random.permutation(7)[:3]
    expected = np.stack([gen.standardize(gen.apply_transform(
        x[j], gen.get_random_transform(x[j].shape))) for j in order])
    np.testing.assert_array_equal(by, order)
    np.testing.assert_allclose(bw, w[order])
    np.testing.assert_allclose(bx, expected, rtol=0, atol=1e-6)
    again = gen.flow(x, y, batch_size=3, seed=9)
    np.testing.assert_array_equal(again[0][0], bx)
    last = it[2]
    assert last[0].shape == (1, 6, 6, 3)


def test_save_to_dir_names_images_as_keras(tmp_path):
    x = np.random.RandomState(8).uniform(0, 1, (4, 5, 5, 3)).astype('float32')
    gen = ImageDataGenerator(shear_range=5)
    it = gen.flow(x, batch_size=2, seed=3, save_to_dir=str(tmp_path), save_prefix='aug')
    it[0]
    np.random.seed(3)
    order = np.random.permutation(4)[:2]
    for j in order:
        gen.get_random_transform(x[j].shape)
    names = ['aug_%d_%d.png' % (j, np.random.randint(10000)) for j in order]
    assert sorted(os.listdir(str(tmp_path))) == sorted(names)
    saved = image.img_to_array(image.load_img(str(tmp_path / names[0])))
    assert saved.shape == (5, 5, 3) and saved.max() == 255


def test_random_functions_draw_from_numpy():
    x = np.random.RandomState(9).uniform(0, 1, (3, 6, 6)).astype('float32')  # channels first
    np.random.seed(4)
    rotated = image.random_rotation(x, 30)
    np.random.seed(4)
    theta = np.random.uniform(-30, 30)
    np.testing.assert_array_equal(rotated, image.apply_affine_transform(
        x, theta=theta, row_axis=1, col_axis=2, channel_axis=0))
    np.random.seed(4)
    zoomed = image.random_zoom(x, (0.9, 1.2))
    np.random.seed(4)
    zx, zy = np.random.uniform(0.9, 1.2, 2)
    np.testing.assert_array_equal(zoomed, image.apply_affine_transform(
        x, zx=zx, zy=zy, row_axis=1, col_axis=2, channel_axis=0))
    img = image.array_to_img(x, data_format='channels_first')
    assert img.resize((3, 2), 2).size == (3, 2)  # PIL's BILINEAR constant
    with pytest.raises(ValueError, match='zoom_range'):
        image.random_zoom(x, (1.0,))


def test_flow_iterates_epochs_and_splits():
    x = np.zeros((10, 2, 2, 1), dtype='float32')
    gen = ImageDataGenerator(validation_split=0.3)
    train = gen.flow(x, np.arange(10), batch_size=4, shuffle=False, subset='training')
    val = gen.flow(x, np.arange(10), batch_size=4, shuffle=False, subset='validation')
    np.testing.assert_array_equal(np.concatenate([train[i][1] for i in range(len(train))]),
                                  np.arange(3, 10))
    np.testing.assert_array_equal(val[0][1], [0, 1, 2])
    labels = [next(train)[1] for _ in range(3)]
    np.testing.assert_array_equal(labels[2], [3, 4, 5, 6])  # the second epoch starts over
    with pytest.raises(ValueError, match='Invalid subset'):
        gen.flow(x, subset='test')


def test_preprocessing_function_runs_in_the_workers_and_fit_after_flow_applies():
    calls = []

    def double(img):
        calls.append(threading.get_ident())
        return img * 2

    x = np.ones((8, 3, 3, 1), dtype='float32')
    gen = ImageDataGenerator(preprocessing_function=double, featurewise_center=True)
    it = gen.flow(x, batch_size=4, shuffle=False)
    gen.fit(x * 0.5)  # after flow: the iterator uses the new mean
    np.testing.assert_allclose(it[0], np.full((4, 3, 3, 1), 1.5))
    assert len(calls) >= 4


def write_image_folder(root):
    rng = np.random.RandomState(5)
    for cls, count in (('cat', 3), ('dog', 2)):
        os.makedirs(os.path.join(str(root), cls))
        for i in range(count):
            pixels = rng.uniform(0, 255, (6, 8, 3)).astype('uint8')
            ext = 'png' if i % 2 == 0 else 'jpg'
            image.save_img(os.path.join(str(root), cls, '%d.%s' % (i, ext)), pixels, scale=False)
    with open(os.path.join(str(root), 'dog', 'readme.txt'), 'w') as f:
        f.write('not an image')


def test_flow_from_directory_over_png_and_jpeg(tmp_path):
    write_image_folder(tmp_path)
    gen = ImageDataGenerator(rescale=1. / 255)
    it = gen.flow_from_directory(str(tmp_path), target_size=(6, 8), batch_size=5,
                                 shuffle=False)
    assert it.class_indices == {'cat': 0, 'dog': 1}
    assert it.filenames == ['cat/0.png', 'cat/1.jpg', 'cat/2.png', 'dog/0.png', 'dog/1.jpg']
    np.testing.assert_array_equal(it.classes, [0, 0, 0, 1, 1])
    bx, by = it[0]
    assert bx.shape == (5, 6, 8, 3)
    np.testing.assert_array_equal(by, np.eye(2)[[0, 0, 0, 1, 1]])
    first = image.img_to_array(image.load_img(str(tmp_path / 'cat' / '0.png'))) / 255
    np.testing.assert_allclose(bx[0], first, rtol=1e-5)
    small = gen.flow_from_directory(str(tmp_path), target_size=(3, 4), color_mode='grayscale',
                                    class_mode='sparse', batch_size=2, subset=None, seed=1)
    sx, sy = small[0]
    assert sx.shape == (2, 3, 4, 1) and sy.dtype == np.int32


def test_fit_generator_trains_on_the_iterator(tmp_path):
    from keras_cpp.layers import Dense, Flatten
    from keras_cpp.models import Sequential
    write_image_folder(tmp_path)
    it = ImageDataGenerator(rescale=1. / 255, horizontal_flip=True).flow_from_directory(
        str(tmp_path), target_size=(6, 8), batch_size=2, class_mode='binary', seed=0)
    model = Sequential([Flatten(input_shape=(6, 8, 3)), Dense(1, activation='sigmoid')])
    model.compile('sgd', 'binary_crossentropy')
    history = model.fit_generator(it, steps_per_epoch=len(it), epochs=2, workers=2, verbose=0)
    assert len(history.history['loss']) == 2


def test_images_without_pil(tmp_path):
    x = np.random.RandomState(6).uniform(-1, 1, (5, 4, 3))
    img = image.array_to_img(x)
    assert img.mode == 'RGB' and img.size == (4, 5)
    arr = image.img_to_array(img)
    scaled = x.astype('float32')
    scaled = scaled + max(-scaled.min(), 0)
    scaled /= scaled.max()
    scaled *= 255
    np.testing.assert_array_equal(arr, scaled.astype('uint8'))
    path = str(tmp_path / 'a.png')
    image.save_img(path, x)
    np.testing.assert_array_equal(image.img_to_array(image.load_img(path)), arr)
    grey = image.load_img(path, color_mode='grayscale', target_size=(10, 8))
    assert grey.mode == 'L' and image.img_to_array(grey).shape == (10, 8, 1)
    assert image.img_to_array(img, data_format='channels_first').shape == (3, 5, 4)


def test_bad_input_errors(tmp_path):
    gen = ImageDataGenerator()
    with pytest.raises(ValueError, match='rank 4'):
        gen.flow(np.zeros((3, 4, 4)))
    with pytest.raises(ValueError, match='rank 4'):
        gen.fit(np.zeros((3, 4, 4)))
    with pytest.raises(ValueError, match='rank 3'):
        image.array_to_img(np.zeros((4, 4)))
    with pytest.raises(FileNotFoundError, match='no such directory'):
        gen.flow_from_directory(str(tmp_path / 'missing'))
    with pytest.raises(FileNotFoundError):
        image.load_img(str(tmp_path / 'missing.png'))
    with pytest.raises(ValueError, match='validation_split'):
        ImageDataGenerator(validation_split=2)
    with pytest.raises(ValueError, match='zoom_range'):
        ImageDataGenerator(zoom_range=(1, 2, 3))
    os.makedirs(str(tmp_path / 'bad' / 'a'))
    with open(str(tmp_path / 'bad' / 'a' / 'x.png'), 'w') as f:
        f.write('this is text')
    it = gen.flow_from_directory(str(tmp_path / 'bad'), target_size=(2, 2))
    with pytest.raises(ValueError, match='unsupported image file'):
        it[0]
    with pytest.raises(ValueError, match='Asked to retrieve element 5'):
        it[5]
