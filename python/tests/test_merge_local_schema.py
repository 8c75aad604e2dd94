"""The merge layers (Keras 2's Add ... Dot, Keras 1's Merge/merge) and LocallyConnected1D/2D
from their schemas: signatures, numpy references of outputs and gradients, Keras 1 names,
strict configs, .h5 round trips, clear errors."""
import inspect

import numpy as np
import pytest

from keras_cpp import backend as K
from keras_cpp import layers
from keras_cpp.layers import Dense, Input
from keras_cpp.layers.local import LocallyConnected1D, LocallyConnected2D
from keras_cpp.layers.merge import (Add, Average, Concatenate, Dot, Maximum, Merge, Minimum,
                                    Multiply, Subtract, add, concatenate, dot, merge)
from keras_cpp.models import Model, Sequential, load_model

RNG = np.random.RandomState(0)


def run(outputs, inputs, values):
    return K.function(inputs, outputs)(values)


def test_signatures_come_from_the_schemas():
    assert str(inspect.signature(Add)) == '(**kwargs)'
    assert str(inspect.signature(Concatenate)) == '(axis=-1, **kwargs)'
    assert str(inspect.signature(Dot)) == '(axes, normalize=False, **kwargs)'
    assert str(inspect.signature(Merge)).startswith(
        "(layers=None, mode='sum', concat_axis=-1, dot_axes=(-1,), output_shape=None, "
        "output_mask=None, arguments=None, node_indices=None, tensor_indices=None")
    assert str(inspect.signature(merge)).startswith("(inputs, mode='sum', concat_axis=-1")
    assert str(inspect.signature(LocallyConnected2D)).startswith(
        "(filters, kernel_size, strides=(1, 1), padding='valid', data_format=None, "
        "activation=None, use_bias=True, kernel_initializer='glorot_uniform'")
    assert 'nb_row' not in str(inspect.signature(LocallyConnected1D))
    assert 'filter_length (kernel_size)' in LocallyConnected1D.__doc__
    assert 'subsample (strides)' in LocallyConnected2D.__doc__


def test_keras2_merges_match_numpy_with_gradients():
    a, b = Input(shape=(3, 4)), Input(shape=(3, 4))
    x, y = RNG.rand(2, 3, 4).astype(np.float32), RNG.rand(2, 3, 4).astype(np.float32)
    cases = [(Add(), x + y), (Subtract(), x - y), (Multiply(), x * y), (Average(), (x + y) / 2),
             (Maximum(), np.maximum(x, y)), (Minimum(), np.minimum(x, y)),
             (Concatenate(axis=1), np.concatenate([x, y], 1))]
    for layer, expected in cases:
        np.testing.assert_allclose(run([layer([a, b])], [a, b], [x, y])[0], expected, rtol=1e-6)
    np.testing.assert_allclose(run([add([a, b], name='plus')], [a, b], [x, y])[0], x + y)
    np.testing.assert_allclose(run([concatenate([a, b], -1)], [a, b], [x, y])[0],
                               np.concatenate([x, y], -1))
    product = Multiply()([a, b])
    grads = run(K.gradients(K.sum(product * K.constant(2 * y)), [a, b]), [a, b], [x, y])
    np.testing.assert_allclose(grads[0], 2 * y * y, rtol=1e-6)
    np.testing.assert_allclose(grads[1], 2 * y * x, rtol=1e-6)
    u, v = Input(shape=(5,)), Input(shape=(5,))
    p, q = RNG.rand(3, 5).astype(np.float32), RNG.rand(3, 5).astype(np.float32)
    np.testing.assert_allclose(run([dot([u, v], axes=1)], [u, v], [p, q])[0],
                               (p * q).sum(1, keepdims=True), rtol=1e-5)
    cosine = (p * q).sum(1) / np.linalg.norm(p, axis=1) / np.linalg.norm(q, axis=1)
    np.testing.assert_allclose(run([Dot(1, normalize=True)([u, v])], [u, v], [p, q])[0][:, 0],
                               cosine, rtol=1e-5)


def test_keras1_merge_modes_functions_arguments_and_masks():
    a, b = Input(shape=(4,)), Input(shape=(4,))
    x, y = RNG.rand(3, 4).astype(np.float32), RNG.rand(3, 4).astype(np.float32)
    for mode, expected in [('sum', x + y), ('mul', x * y), ('ave', (x + y) / 2),
                           ('max', np.maximum(x, y)), ('concat', np.hstack([x, y])),
                           ('dot', (x * y).sum(1, keepdims=True))]:
        np.testing.assert_allclose(run([merge([a, b], mode=mode)], [a, b], [x, y])[0], expected,
                                   rtol=1e-5)
    scaled = merge([a, b], mode=lambda t, scale: (t[0] - t[1]) * scale, arguments={'scale': 3.0},
                   output_shape=(4,))
    np.testing.assert_allclose(run([scaled], [a, b], [x, y])[0], 3 * (x - y), rtol=1e-5)
    layer = Merge(mode=lambda u, v: u * v, output_shape=lambda shapes: shapes[0], name='prod')
    np.testing.assert_allclose(run([layer([a, b])], [a, b], [x, y])[0], x * y, rtol=1e-6)
    config = Merge(mode='concat', concat_axis=1, name='m2').get_config()
    assert config['mode'] == 'concat' and config['mode_type'] == 'raw'
    assert layer.get_config()['mode_type'] == 'lambda'
    # output_mask: a function of the input masks (Keras 1), used by a function mode.
    s1, s2 = Input(shape=(3, 2)), Input(shape=(3, 2))
    m1 = layers.Masking()(s1)
    masked = Merge(mode=lambda t: t[0] + t[1], output_shape=lambda shapes: shapes[0],
                   output_mask=lambda masks: masks[0])([m1, s2])
    out = layers.LSTM(2)(masked)
    assert K.int_shape(out) == (None, 2)


def test_merge_configs_are_strict_and_round_trip():
    for layer in [Add(name='a'), Concatenate(axis=1), Dot(axes=(1, 2), normalize=True),
                  Merge(mode='concat', concat_axis=1, dot_axes=(1, 1))]:
        config = layer.get_config()
        assert type(layer).from_config(config).get_config() == config
    assert Dot(1).get_config()['axes'] == 1
    merged = Merge(mode='sum').get_config()
    assert 'trainable' not in merged and merged['arguments'] is None
    with pytest.raises(ValueError, match="Add takes: name"):
        Add.from_config({'axis': 1})
    with pytest.raises(ValueError, match="'concat_axis'.*Concatenate takes: axis"):
        Concatenate.from_config({'concat_axis': 1})
    with pytest.raises(TypeError, match='Keyword argument not understood'):
        Concatenate(concat_axis=1)
    with pytest.raises(TypeError, match="missing required argument: 'axes'"):
        Dot()
    with pytest.raises(ValueError, match='Invalid merge mode'):
        Merge(mode='avg')
    with pytest.raises(ValueError, match='cannot rebuild'):
        layers.deserialize({'class_name': 'Merge', 'config': {'mode': 'x', 'mode_type': 'lambda'}})


def test_merges_save_and_load(tmp_path):
    a, b = Input(shape=(4,)), Input(shape=(4,))
    h = concatenate([Add()([a, b]), merge([a, b], mode='mul')])
    out = Dense(1)(concatenate([h, dot([a, b], axes=1)], axis=-1))
    model = Model([a, b], out)
    x, y = RNG.rand(5, 4).astype(np.float32), RNG.rand(5, 4).astype(np.float32)
    path = str(tmp_path / 'merges.h5')
    model.save(path)
    restored = load_model(path)
    np.testing.assert_allclose(restored.predict([x, y]), model.predict([x, y]), rtol=1e-6)


def local_1d(x, kernel, bias, k, s):
    n, steps, c = x.shape
    positions = (steps - k) // s + 1
    patches = np.stack([x[:, p * s:p * s + k, :].reshape(n, -1) for p in range(positions)], 1)
    return np.einsum('nlf,lfo->nlo', patches, kernel) + bias


def test_locally_connected_keras1_and_keras2_spellings():
    old = LocallyConnected1D(6, 3, subsample_length=2, bias=False, init='he_normal',
                             input_dim=4, input_length=10)
    assert Sequential([old]).output_shape == (None, 4, 6)
    config = old.get_config()
    assert config['strides'] == [2] and config['use_bias'] is False and config['filters'] == 6
    assert config['kernel_initializer']['class_name'] == 'VarianceScaling'
    two = LocallyConnected2D(4, 3, 3, subsample=(2, 2), dim_ordering='th', border_mode='valid',
                             W_regularizer='l2', input_shape=(2, 8, 8))
    assert Sequential([two]).output_shape == (None, 4, 3, 3)
    config = two.get_config()
    assert config['kernel_size'] == [3, 3] and config['data_format'] == 'channels_first'
    assert config['kernel_regularizer'] is not None and 'subsample' not in config
    rows_cols = LocallyConnected2D(2, nb_row=2, nb_col=3, input_shape=(5, 5, 1))
    assert rows_cols.get_config()['kernel_size'] == [2, 3]
    assert LocallyConnected2D(2, 2, nb_col=3).get_config()['kernel_size'] == [2, 3]
    with pytest.raises(TypeError, match='Stick to the latter'):
        LocallyConnected1D(2, 3, nb_filter=4)
    with pytest.raises(ValueError, match='For safety reasons'):
        LocallyConnected2D(2, 3, 3, strides=2)
    with pytest.raises(TypeError, match='Keyword argument not understood'):
        LocallyConnected1D(2, 3, dim_ordering='th')
    with pytest.raises(ValueError, match="LocallyConnected2D takes: filters, nb_filter"):
        LocallyConnected2D.from_config({'filters': 2, 'kernel_size': 3, 'subsample_length': 2})


def test_locally_connected_matches_numpy_with_gradients(tmp_path):
    model = Sequential([LocallyConnected1D(3, 2, strides=2, input_shape=(7, 4)),
                        layers.Reshape((9,))])
    kernel = RNG.randn(3, 8, 3).astype(np.float32)
    bias = RNG.randn(3, 3).astype(np.float32)
    model.set_weights([kernel, bias])
    x = RNG.randn(2, 7, 4).astype(np.float32)
    np.testing.assert_allclose(model.predict(x), local_1d(x, kernel, bias, 2, 2).reshape(2, 9),
                               rtol=1e-5, atol=1e-5)
    w = RNG.rand(2, 9).astype(np.float32)
    layer = model.layers[0]
    grads = K.function([model.input], K.gradients(K.sum(model.output * K.constant(w)),
                                                 [layer.weights[0], layer.weights[1]]))([x])
    patches = np.stack([x[:, p * 2:p * 2 + 2, :].reshape(2, -1) for p in range(3)], 1)
    w = w.reshape(2, 3, 3)
    np.testing.assert_allclose(grads[0], np.einsum('nlf,nlo->lfo', patches, w), rtol=1e-4,
                               atol=1e-5)
    np.testing.assert_allclose(grads[1], w.sum(0), rtol=1e-5)
    path = str(tmp_path / 'local.h5')
    model.save(path)
    restored = load_model(path)
    np.testing.assert_allclose(restored.predict(x), model.predict(x), rtol=1e-6)
    assert restored.layers[0].get_config() == model.layers[0].get_config()
