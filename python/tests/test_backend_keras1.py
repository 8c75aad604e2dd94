"""Keras 1.2.2's keyword names and values of backend functions (border_mode, dim_ordering, std,
nb_classes, ...): each call gives what the Keras 2 spelling of the same call gives."""
import numpy as np
import pytest

from keras_cpp import backend as K


def _rand(*shape):
    return np.random.RandomState(sum(shape)).rand(*shape).astype('float32')


def test_conv2d_with_keras1_keywords_and_theano_kernels():
    x, kernel = _rand(2, 6, 5, 3), _rand(3, 2, 3, 4)  # channels last; (rows, cols, in, out)
    expected = K.eval(K.conv2d(K.variable(x), K.variable(kernel), padding='same',
                               data_format='channels_last'))
    got = K.eval(K.conv2d(K.variable(x), K.variable(kernel), border_mode='same',
                          dim_ordering='tf', image_shape=(2, 6, 5, 3), filter_shape=(3, 2, 3, 4)))
    np.testing.assert_allclose(got, expected, rtol=1e-5)
    # 'th': the input channels first and the kernel in Theano's (out, in, rows, cols) layout
    x_th, kernel_th = np.transpose(x, (0, 3, 1, 2)), np.transpose(kernel, (3, 2, 0, 1))
    got = K.eval(K.conv2d(K.variable(x_th), K.variable(kernel_th), border_mode='same',
                          dim_ordering='th'))
    np.testing.assert_allclose(got, np.transpose(expected, (0, 3, 1, 2)), rtol=1e-5)
    # the same written positionally, as Keras 1's layers called it
    got = K.eval(K.conv2d(K.variable(x_th), K.variable(kernel_th), (1, 1), 'same', 'th'))
    np.testing.assert_allclose(got, np.transpose(expected, (0, 3, 1, 2)), rtol=1e-5)


def test_conv2d_filter_dilation_and_conv1d_stride():
    x, kernel = _rand(1, 7, 7, 2), _rand(2, 2, 2, 3)
    np.testing.assert_allclose(
        K.eval(K.conv2d(K.variable(x), K.variable(kernel), dim_ordering='tf',
                        filter_dilation=(2, 2))),
        K.eval(K.conv2d(K.variable(x), K.variable(kernel), dilation_rate=(2, 2),
                        data_format='channels_last')), rtol=1e-5)
    x1, kernel1 = _rand(2, 9, 3), _rand(3, 3, 5)
    np.testing.assert_allclose(
        K.eval(K.conv1d(K.variable(x1), K.variable(kernel1), stride=2, border_mode='valid')),
        K.eval(K.conv1d(K.variable(x1), K.variable(kernel1), strides=2, padding='valid')),
        rtol=1e-5)


def test_conv3d_and_separable_conv2d_theano_layouts():
    x, kernel = _rand(1, 4, 5, 4, 2), _rand(2, 3, 2, 2, 3)
    expected = K.eval(K.conv3d(K.variable(x), K.variable(kernel), data_format='channels_last'))
    got = K.eval(K.conv3d(K.variable(np.transpose(x, (0, 4, 1, 2, 3))),
                          K.variable(np.transpose(kernel, (4, 3, 0, 1, 2))), dim_ordering='th',
                          volume_shape=None, filter_shape=None))
    np.testing.assert_allclose(got, np.transpose(expected, (0, 4, 1, 2, 3)), rtol=1e-5)
    x, depthwise, pointwise = _rand(1, 5, 5, 2), _rand(3, 3, 2, 1), _rand(1, 1, 2, 4)
    expected = K.eval(K.separable_conv2d(K.variable(x), K.variable(depthwise),
                                         K.variable(pointwise), data_format='channels_last'))
    got = K.eval(K.separable_conv2d(K.variable(np.transpose(x, (0, 3, 1, 2))),
                                    K.variable(np.transpose(depthwise, (3, 2, 0, 1))),
                                    K.variable(np.transpose(pointwise, (3, 2, 0, 1))),
                                    border_mode='valid', dim_ordering='th'))
    np.testing.assert_allclose(got, np.transpose(expected, (0, 3, 1, 2)), rtol=1e-5)


def test_pooling_resizing_and_padding_with_dim_ordering():
    x = _rand(1, 3, 4, 4)  # channels first
    np.testing.assert_allclose(
        K.eval(K.pool2d(K.variable(x), (2, 2), strides=(2, 2), border_mode='valid',
                        dim_ordering='th', pool_mode='avg')),
        K.eval(K.pool2d(K.variable(x), (2, 2), strides=(2, 2), padding='valid',
                        data_format='channels_first', pool_mode='avg')), rtol=1e-6)
    assert K.eval(K.resize_images(X=K.variable(x), height_factor=2, width_factor=3,
                                  dim_ordering='th')).shape == (1, 3, 8, 12)
    assert K.eval(K.resize_volumes(K.variable(_rand(1, 2, 2, 2, 1)), 2, 1, 1,
                                   dim_ordering='tf')).shape == (1, 4, 2, 2, 1)
    padded = K.eval(K.spatial_2d_padding(K.variable(x), padding=(1, 2), dim_ordering='th'))
    assert padded.shape == (1, 3, 6, 8) and padded.sum() == pytest.approx(x.sum(), rel=1e-5)
    assert K.eval(K.spatial_3d_padding(K.variable(_rand(1, 2, 2, 2, 1)), (1, 0, 2),
                                       'tf')).shape == (1, 4, 2, 6, 1)


def test_renamed_arguments_of_other_functions():
    indices = K.variable(np.array([[0, 2]]), dtype='int32')
    np.testing.assert_array_equal(K.eval(K.one_hot(indices, nb_classes=3)),
                                  [[[1, 0, 0], [0, 0, 1]]])
    assert K.eval(K.expand_dims(K.variable(_rand(2, 3)), dim=1)).shape == (2, 1, 3)
    v = K.variable(np.ones(3, dtype='float32'))
    assert [a.shape for a in K.batch_get_value(xs=[v, v])] == [(3,), (3,)]
    update = K.moving_average_update(variable=v, value=K.zeros(3), momentum=0.5)
    K.function([], [], updates=[update])([])
    np.testing.assert_allclose(K.get_value(v), [0.5, 0.5, 0.5])
    normal = K.eval(K.random_normal((20000,), mean=1.0, std=3.0, seed=1))
    assert abs(normal.mean() - 1.0) < 0.1 and abs(normal.std() - 3.0) < 0.1
    uniform = K.eval(K.random_uniform((20000,), low=-2.0, high=-1.0, seed=1))
    assert uniform.min() >= -2.0 and uniform.max() <= -1.0 and uniform.max() > -1.01


def test_keras1_arguments_checked_as_keras1_checked_them():
    x, kernel = K.variable(_rand(1, 4, 4, 1)), K.variable(_rand(2, 2, 1, 1))
    with pytest.raises(ValueError, match='Invalid border mode: full'):
        K.conv2d(x, kernel, border_mode='full', dim_ordering='tf')
    with pytest.raises(ValueError, match="Unknown dim_ordering channels_last"):
        K.conv2d(x, kernel, dim_ordering='channels_last')
    with pytest.raises(TypeError, match="'padding' twice"):
        K.conv2d(x, kernel, padding='same', border_mode='same')
    with pytest.raises(TypeError, match="'stddev' twice"):
        K.random_normal((2,), 0.0, 1.0, std=2.0)


def test_default_dim_ordering_follows_image_dim_ordering():
    x = K.variable(_rand(1, 2, 4, 4))  # channels first
    previous = K.image_dim_ordering()
    try:
        K.set_image_dim_ordering('th')
        assert K.eval(K.pool2d(x, (2, 2), (2, 2), dim_ordering='default')).shape == (1, 2, 2, 2)
        K.set_image_dim_ordering('tf')
        assert K.eval(K.pool2d(x, (2, 2), (2, 2), dim_ordering='default')).shape == (1, 1, 2, 4)
    finally:
        K.set_image_dim_ordering(previous)
