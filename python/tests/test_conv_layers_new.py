"""The convolutional family from its schemas: Keras 2.2.4's DepthwiseConv2D, SeparableConv1D,
Conv3DTranspose and UpSampling2D(interpolation='bilinear') against numpy references; Keras 1's
spellings (Convolution2D(nb_filter, nb_row, nb_col), border_mode, subsample, dim_ordering,
init, atrous_rate, ZeroPadding2D's padding dict); strict from_config; config and save/load
round trips with the weights in Keras's order and shapes."""
import inspect
import json
import warnings

import numpy as np
import pytest

from keras_cpp import layers
from keras_cpp.layers import (Conv2D, Conv3DTranspose, Cropping2D, DepthwiseConv2D, Input,
                              SeparableConv1D, UpSampling2D, ZeroPadding1D, ZeroPadding2D)
from keras_cpp.models import Model, Sequential, load_model, model_from_json


def predict(layer, x):
    model = Sequential([layer] if layer.built else [])
    if not layer.built:
        model.add(layers.InputLayer(input_shape=x.shape[1:]))
        model.add(layer)
    return model.predict(x)


def set_weights_random(layer, seed):
    rng = np.random.RandomState(seed)
    weights = [rng.uniform(-1, 1, w.shape).astype(np.float32) for w in layer.get_weights()]
    layer.set_weights(weights)
    return weights


# ---- numpy references ---------------------------------------------------------------------------

def depthwise_reference(x, w, strides, dilation):
    """'valid' depthwise convolution of channels_last x (b, h, w, c) with w (kh, kw, c, dm)."""
    kh, kw, c, dm = w.shape
    out_h = (x.shape[1] - (kh - 1) * dilation[0] - 1) // strides[0] + 1
    out_w = (x.shape[2] - (kw - 1) * dilation[1] - 1) // strides[1] + 1
    y = np.zeros((x.shape[0], out_h, out_w, c * dm))
    for i in range(out_h):
        for j in range(out_w):
            for a in range(kh):
                for b in range(kw):
                    patch = x[:, i * strides[0] + a * dilation[0], j * strides[1] + b * dilation[1]]
                    y[:, i, j] += (patch[:, :, None] * w[a, b][None]).reshape(x.shape[0], -1)
    return y


def conv3d_transpose_reference(x, w, strides, output_padding):
    """'valid' transposed 3D convolution: every input voxel adds w (kd, kh, kw, f, c) at its
    strided place; output_padding adds untouched trailing planes."""
    k = w.shape[:3]
    size = [(x.shape[1 + d] - 1) * strides[d] + k[d] + output_padding[d] for d in range(3)]
    y = np.zeros((x.shape[0],) + tuple(size) + (w.shape[3],))
    for i in range(x.shape[1]):
        for j in range(x.shape[2]):
            for m in range(x.shape[3]):
                contribution = np.einsum('bc,dhwfc->bdhwf', x[:, i, j, m], w)
                y[:, i * strides[0]:i * strides[0] + k[0], j * strides[1]:j * strides[1] + k[1],
                  m * strides[2]:m * strides[2] + k[2]] += contribution
    return y


def bilinear_reference(x, fy, fx):
    """TensorFlow's resize_bilinear with align_corners=False of channels_last x."""
    def along(v, axis, factor):
        n = v.shape[axis]
        out = []
        for i in range(n * factor):
            source = i * n / (n * factor)
            low = int(np.floor(source))
            high = min(low + 1, n - 1)
            t = source - low
            out.append((1 - t) * np.take(v, low, axis) + t * np.take(v, high, axis))
        return np.stack(out, axis)
    return along(along(x, 1, fy), 2, fx)


# ---- the new layers -----------------------------------------------------------------------------

@pytest.mark.parametrize('data_format', ['channels_last', 'channels_first'])
def test_depthwise_conv2d_matches_numpy(data_format):
    x = np.random.RandomState(0).uniform(-1, 1, (2, 7, 6, 3)).astype(np.float32)
    layer = DepthwiseConv2D((3, 2), strides=(2, 1), depth_multiplier=2, dilation_rate=1,
                            data_format=data_format, activation='relu')
    inputs = x if data_format == 'channels_last' else x.transpose(0, 3, 1, 2)
    model = Sequential([layers.InputLayer(input_shape=inputs.shape[1:]), layer])
    kernel, bias = set_weights_random(layer, 1)
    assert kernel.shape == (3, 2, 3, 2) and bias.shape == (6,)
    assert [w.name.split('/')[-1].split(':')[0] for w in layer.weights] == \
        ['depthwise_kernel', 'bias']
    expected = np.maximum(depthwise_reference(x, kernel, (2, 1), (1, 1)) + bias, 0)
    y = model.predict(inputs)
    if data_format == 'channels_first':
        y = y.transpose(0, 2, 3, 1)
    np.testing.assert_allclose(y, expected, rtol=1e-4, atol=1e-5)
    assert model.output_shape == ((None, 3, 5, 6) if data_format == 'channels_last'
                                  else (None, 6, 3, 5))


def test_depthwise_conv2d_dilated_without_bias():
    x = np.random.RandomState(2).uniform(-1, 1, (1, 7, 7, 2)).astype(np.float32)
    layer = DepthwiseConv2D(3, dilation_rate=2, use_bias=False)
    model = Sequential([layers.InputLayer(input_shape=(7, 7, 2)), layer])
    (kernel,) = set_weights_random(layer, 3)
    np.testing.assert_allclose(model.predict(x), depthwise_reference(x, kernel, (1, 1), (2, 2)),
                               rtol=1e-4, atol=1e-5)


def test_separable_conv1d_is_depthwise_then_pointwise():
    x = np.random.RandomState(4).uniform(-1, 1, (2, 9, 3)).astype(np.float32)
    layer = SeparableConv1D(4, 3, strides=2, depth_multiplier=2)
    model = Sequential([layers.InputLayer(input_shape=(9, 3)), layer])
    depthwise, pointwise, bias = set_weights_random(layer, 5)
    assert depthwise.shape == (3, 3, 2) and pointwise.shape == (1, 6, 4) and bias.shape == (4,)
    # A 1D depthwise convolution is the 2D one over a height of 1.
    steps = depthwise_reference(x[:, None], depthwise[None], (1, 2), (1, 1))[:, 0]
    expected = steps @ pointwise[0] + bias
    np.testing.assert_allclose(model.predict(x), expected, rtol=1e-4, atol=1e-5)
    assert layer.get_config()['data_format'] == 'channels_last'


def test_conv3d_transpose_matches_a_scatter():
    x = np.random.RandomState(6).uniform(-1, 1, (2, 2, 3, 2, 3)).astype(np.float32)
    layer = Conv3DTranspose(2, (2, 3, 2), strides=(2, 1, 2), output_padding=(1, 0, 1))
    model = Sequential([layers.InputLayer(input_shape=x.shape[1:]), layer])
    kernel, bias = set_weights_random(layer, 7)
    assert kernel.shape == (2, 3, 2, 2, 3)  # (kd, kh, kw, filters, in_channels), as Keras
    expected = conv3d_transpose_reference(x, kernel, (2, 1, 2), (1, 0, 1)) + bias
    assert model.output_shape == (None,) + expected.shape[1:]
    np.testing.assert_allclose(model.predict(x), expected, rtol=1e-4, atol=1e-5)
    assert Conv3DTranspose(2, 3, strides=2, padding='same').compute_output_shape(
        (None, 4, 5, 6, 1)) == (None, 8, 10, 12, 2)
    with pytest.raises(ValueError, match='greater than output padding'):
        Conv3DTranspose(2, 3, output_padding=1)


@pytest.mark.parametrize('data_format', ['channels_last', 'channels_first'])
def test_bilinear_up_sampling_is_tensorflows_resize_bilinear(data_format):
    x = np.random.RandomState(8).uniform(-1, 1, (2, 3, 4, 2)).astype(np.float32)
    layer = UpSampling2D((2, 3), data_format=data_format, interpolation='bilinear')
    inputs = x if data_format == 'channels_last' else x.transpose(0, 3, 1, 2)
    y = predict(layer, inputs)
    if data_format == 'channels_first':
        y = y.transpose(0, 2, 3, 1)
    np.testing.assert_allclose(y, bilinear_reference(x, 2, 3), rtol=1e-5, atol=1e-6)
    assert layer.get_config()['interpolation'] == 'bilinear'
    nearest = predict(UpSampling2D(2), x)
    np.testing.assert_array_equal(nearest, x.repeat(2, axis=1).repeat(2, axis=2))
    with pytest.raises(ValueError, match='interpolation'):
        UpSampling2D(interpolation='bicubic')
    assert 'interpolation' not in inspect.signature(layers.UpSampling3D).parameters


# ---- Keras 1 spellings --------------------------------------------------------------------------

def test_keras1_convolution_spellings():
    old = layers.Convolution2D(5, 3, 3, border_mode='same', subsample=(2, 2), dim_ordering='th',
                               init='he_normal', W_regularizer='l2', bias=False, name='conv')
    new = Conv2D(5, (3, 3), padding='same', strides=(2, 2), data_format='channels_first',
                 kernel_initializer='he_normal', kernel_regularizer='l2', use_bias=False,
                 name='conv')
    assert json.dumps(old.get_config(), sort_keys=True) == \
        json.dumps(new.get_config(), sort_keys=True)
    assert layers.Convolution2D(4, 3, nb_col=5).kernel_size == (3, 5)
    assert layers.Convolution2D(4, nb_row=2, nb_col=3).kernel_size == (2, 3)
    assert layers.Convolution3D(4, 1, 2, 3).kernel_size == (1, 2, 3)
    assert layers.Convolution1D(4, filter_length=3, subsample_length=2).strides == (2,)
    assert layers.AtrousConvolution2D(4, 3, 3, atrous_rate=(2, 2)).dilation_rate == (2, 2)
    separable = layers.SeparableConvolution2D(4, 3, 3, init='he_uniform')
    config = separable.get_config()
    assert config['depthwise_initializer'] == config['pointwise_initializer']
    assert config['depthwise_initializer']['class_name'] == 'VarianceScaling'
    with pytest.raises(ValueError, match='Pass `strides` as a keyword'):
        Conv2D(4, 3, 3, strides=2)
    with pytest.raises(TypeError, match='Stick to the latter'):
        Conv2D(4, 3, border_mode='same', padding='valid')
    with pytest.raises(TypeError, match='nb_row'):
        Conv2D(4, nb_row=3)


def test_keras1_padding_dicts():
    x = np.arange(2 * 2 * 3 * 1, dtype=np.float32).reshape(2, 2, 3, 1)
    with warnings.catch_warnings():
        warnings.simplefilter('error')
        layer = ZeroPadding2D(padding={'top_pad': 1, 'right_pad': 2})
    assert layer.get_config()['padding'] == [[1, 0], [0, 2]]
    np.testing.assert_array_equal(predict(layer, x), np.pad(x, ((0, 0), (1, 0), (0, 2), (0, 0))))
    assert ZeroPadding2D((1, 2, 3, 4)).get_config()['padding'] == [[1, 2], [3, 4]]  # Keras 1
    assert ZeroPadding1D({'left_pad': 3}).get_config()['padding'] == [3, 0]
    assert ZeroPadding2D(dim_ordering='th').get_config()['data_format'] == 'channels_first'
    with pytest.raises(ValueError, match="unexpected key 'front_pad'"):
        ZeroPadding2D(padding={'front_pad': 1})
    with pytest.raises(ValueError, match='must be an int'):
        Cropping2D(cropping=((1, 2), (3,)))
    with pytest.raises(ValueError, match='non-negative'):
        Cropping2D(cropping=-1)
    config = {'name': 'zp', 'padding': {'top_pad': 2, 'bottom_pad': 1}, 'dim_ordering': 'tf'}
    loaded = layers.deserialize({'class_name': 'ZeroPadding2D', 'config': config})
    assert loaded.get_config()['padding'] == [[2, 1], [0, 0]]


# ---- configs, errors, saving --------------------------------------------------------------------

NEW_LAYERS = [
    (lambda: DepthwiseConv2D(3, depth_multiplier=2, depthwise_regularizer='l2'), (5, 5, 2)),
    (lambda: SeparableConv1D(3, 2, pointwise_constraint='max_norm'), (6, 2)),
    (lambda: Conv3DTranspose(2, 2, strides=2, output_padding=1), (2, 2, 2, 1)),
    (lambda: UpSampling2D((2, 1), interpolation='bilinear'), (2, 3, 1)),
]


@pytest.mark.parametrize('make,shape', NEW_LAYERS)
def test_config_round_trip_and_save_load(make, shape, tmp_path):
    layer = make()
    model = Sequential([layers.InputLayer(input_shape=shape), layer])
    config = layer.get_config()
    again = type(layer).from_config(config)
    assert again.get_config() == config
    x = np.random.RandomState(9).uniform(-1, 1, (2,) + shape).astype(np.float32)
    path = str(tmp_path / 'model.h5')
    model.save(path)
    loaded = load_model(path)
    np.testing.assert_allclose(loaded.predict(x), model.predict(x), rtol=1e-6)
    for a, b in zip(loaded.get_weights(), model.get_weights()):
        np.testing.assert_array_equal(a, b)
    from_json = model_from_json(model.to_json()).layers[-1].get_config()
    from_json.pop('batch_input_shape')  # Sequential gives its first layer the input shape
    assert from_json == config


def test_keras_configs_as_keras_writes_them():
    config = DepthwiseConv2D(3).get_config()
    for key in ('filters', 'kernel_initializer', 'kernel_regularizer', 'kernel_constraint'):
        assert key not in config
    assert config['depth_multiplier'] == 1 and config['dilation_rate'] == [1, 1]
    transpose = layers.Conv2DTranspose(3, 3).get_config()  # Conv2D's config, output_padding
    assert transpose['dilation_rate'] == [1, 1] and transpose['output_padding'] is None
    assert 'dilation_rate' not in Conv3DTranspose(3, 3).get_config()
    assert layers.SeparableConv2D(3, 3).get_config()['pointwise_regularizer'] is None


def test_from_config_refuses_unknown_keys_naming_the_valid_ones():
    config = DepthwiseConv2D(3).get_config()
    config['filters'] = 4
    with pytest.raises(ValueError, match="unexpected keyword argument 'filters'.*depth_multiplier"):
        DepthwiseConv2D.from_config(config)
    config = layers.Cropping2D().get_config()
    config['padding'] = 1
    with pytest.raises(ValueError, match="'padding'.*cropping"):
        layers.Cropping2D.from_config(config)
    with pytest.raises(TypeError, match='Keyword argument not understood'):
        layers.ZeroPadding1D(1, data_format='channels_last')


def test_functional_depthwise_separable_block_trains():
    inputs = Input(shape=(8, 8, 3))
    x = DepthwiseConv2D(3, padding='same', activation='relu')(inputs)
    x = layers.SeparableConv2D(4, 3, padding='same')(x)
    x = UpSampling2D(interpolation='bilinear')(x)
    x = layers.GlobalAveragePooling2D()(x)
    model = Model(inputs, layers.Dense(1)(x))
    model.compile('adam', 'mse')
    data = np.random.RandomState(10).uniform(-1, 1, (16, 8, 8, 3)).astype(np.float32)
    target = data.mean(axis=(1, 2, 3))[:, None]
    first = model.evaluate(data, target, verbose=0)
    model.fit(data, target, epochs=30, batch_size=8, verbose=0)
    assert model.evaluate(data, target, verbose=0) < first


def transposed_conv_reference(x, kernel, rate, padding):
    """Keras's transposed convolution (stride 1) with the kernel's taps `rate` apart, by scatter:
    each input pixel adds kernel * its value around where it lands (channels_last;
    kernel (rows, cols, filters, in_channels))."""
    n, rows, cols, _ = x.shape
    k_rows, k_cols, filters, _ = kernel.shape
    extent_r, extent_c = rate * (k_rows - 1) + 1, rate * (k_cols - 1) + 1
    full = np.zeros((n, rows + extent_r - 1, cols + extent_c - 1, filters))
    for p in range(k_rows):
        for q in range(k_cols):
            full[:, p * rate:p * rate + rows, q * rate:q * rate + cols] += np.einsum(
                'nijc,fc->nijf', x, kernel[p, q])
    if padding == 'valid':
        return full
    top, left = (extent_r - 1) // 2, (extent_c - 1) // 2
    return full[:, top:top + rows, left:left + cols]


def predict_in_model(layer, x):
    inputs = Input(x.shape[1:])
    return Model(inputs, layer(inputs)).predict(x)


@pytest.mark.parametrize('padding', ['same', 'valid'])
def test_conv2d_transpose_dilation_rate_spreads_the_kernel(padding):
    # Keras 2.2.4's Conv2DTranspose(dilation_rate=) and K.conv2d_transpose(dilation_rate=).
    from keras_cpp import backend as K
    from keras_cpp.layers import Conv2DTranspose
    rng = np.random.RandomState(3)
    x = rng.rand(2, 5, 6, 3).astype('float32')
    layer = Conv2DTranspose(2, 3, padding=padding, dilation_rate=2, use_bias=False)
    got = predict_in_model(layer, x)
    want = transposed_conv_reference(x, layer.get_weights()[0], 2, padding)
    assert layer.compute_output_shape((None, 5, 6, 3)) == (None,) + want.shape[1:]
    np.testing.assert_allclose(got, want, rtol=1e-4, atol=1e-5)
    assert tuple(layer.get_config()['dilation_rate']) == (2, 2)

    kernel = rng.rand(3, 3, 4, 3).astype('float32')
    y = K.conv2d_transpose(K.constant(x), K.constant(kernel), (2,) + want.shape[1:3] + (4,),
                           padding=padding, dilation_rate=(2, 2))
    np.testing.assert_allclose(K.eval(y), transposed_conv_reference(x, kernel, 2, padding),
                               rtol=1e-4, atol=1e-5)
    first = K.conv2d_transpose(K.constant(x.transpose(0, 3, 1, 2)), K.constant(kernel),
                               (2, 4) + want.shape[1:3], padding=padding,
                               data_format='channels_first', dilation_rate=(2, 2))
    np.testing.assert_allclose(K.eval(first).transpose(0, 2, 3, 1), K.eval(y), rtol=1e-5)


def test_conv2d_transpose_dilation_needs_strides_of_one():
    from keras_cpp.layers import Conv2DTranspose
    with pytest.raises(ValueError, match='strides of 1'):
        Conv2DTranspose(2, 3, strides=2, dilation_rate=2)


def test_cropping_all_of_a_dimension_leaves_it_empty():
    # Keras 2.2.4: Cropping1D((2, 2)) of 4 steps gives 0 steps; cropping more is an error here.
    from keras_cpp.layers import Cropping1D
    layer = Cropping1D((2, 2))
    assert layer.compute_output_shape((None, 4, 2)) == (None, 0, 2)
    model = Sequential([Cropping1D((2, 2), input_shape=(4, 2))])
    assert model.predict(np.ones((3, 4, 2), 'float32')).shape == (3, 0, 2)
    with pytest.raises(ValueError, match='more than dimension 3'):
        Cropping1D((2, 2), input_shape=(3, 2)).compute_output_shape((None, 3, 2))
