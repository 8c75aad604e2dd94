"""Keras 2.2.4's keras.backend functions on keras_cpp, against numpy computations of Keras's
documented semantics."""
import numpy as np
import pytest

import keras_cpp as keras
from keras_cpp import backend as K

# keras.backend's public names in Keras 2.2.4 that keras_cpp.backend provides (the rest are listed,
# with their reason, in the report of this change).
KERAS_224_NAMES = """
epsilon set_epsilon floatx set_floatx cast_to_floatx image_data_format set_image_data_format
reset_uids get_uid clear_session manual_variable_initialization learning_phase set_learning_phase
is_sparse to_dense variable constant is_keras_tensor is_tensor placeholder is_placeholder shape
int_shape ndim dtype eval zeros ones eye zeros_like ones_like identity random_uniform_variable
random_normal_variable count_params cast update update_add update_sub moving_average_update dot
batch_dot transpose gather max min sum prod cumsum cumprod var std mean any all argmax argmin
square abs sqrt exp log logsumexp round sign pow clip equal not_equal greater greater_equal less
less_equal maximum minimum sin cos normalize_batch_in_training batch_normalization concatenate
reshape permute_dimensions resize_images resize_volumes repeat_elements repeat arange tile flatten
batch_flatten expand_dims squeeze temporal_padding spatial_2d_padding spatial_3d_padding stack
one_hot reverse slice get_value batch_get_value set_value batch_set_value function gradients
stop_gradient rnn switch in_train_phase in_test_phase relu elu softmax softplus softsign
categorical_crossentropy sparse_categorical_crossentropy binary_crossentropy sigmoid hard_sigmoid
tanh dropout l2_normalize in_top_k conv1d conv2d separable_conv2d conv2d_transpose
depthwise_conv2d conv3d pool2d pool3d bias_add random_normal random_uniform random_binomial
truncated_normal ctc_batch_cost ctc_decode map_fn foldl foldr backend normalize_data_format
separable_conv1d conv3d_transpose local_conv1d local_conv2d print_tensor
""".split()


def run(outputs, inputs=(), values=()):
    f = K.function(list(inputs), outputs if isinstance(outputs, list) else [outputs])
    result = f(list(values))
    return result if isinstance(outputs, list) else result[0]


def test_the_keras_224_names_exist():
    missing = [name for name in KERAS_224_NAMES if not hasattr(K, name)]
    assert missing == []


def test_learning_phase_set_and_cleared():
    x, alt = K.constant([1.0]), K.constant([2.0])
    K.set_learning_phase(1)
    assert K.learning_phase() == 1
    assert K.eval(K.in_train_phase(x, alt))[0] == 1.0
    assert K.eval(K.in_train_phase(lambda: x, lambda: alt))[0] == 1.0
    assert K.eval(K.in_test_phase(x, alt))[0] == 2.0
    with pytest.raises(ValueError, match='0 or 1'):
        K.set_learning_phase(2)
    K.clear_session()
    assert K.is_tensor(K.learning_phase())
    assert K.eval(K.in_train_phase(x, alt, training=1))[0] == 1.0
    ph = K.placeholder(shape=())
    f = K.function([ph], [K.in_train_phase(x, alt, training=ph)])
    assert f([1.0])[0][0] == 1.0 and f([0.0])[0][0] == 2.0


def test_set_learning_phase_makes_dropout_active_in_predict():
    from keras_cpp.layers import Dropout
    from keras_cpp.models import Sequential
    K.set_learning_phase(1)
    model = Sequential([Dropout(0.5, input_shape=(200,))])
    out = model.predict(np.ones((2, 200), 'float32'))
    assert set(np.unique(out)) == {0.0, 2.0}
    K.clear_session()
    model = Sequential([Dropout(0.5, input_shape=(200,))])
    assert np.all(model.predict(np.ones((2, 200), 'float32')) == 1.0)


def test_elementwise_and_reductions_match_numpy():
    a = np.array([[0.5, -1.5, 2.5], [1.2, -0.2, 3.0]], 'float32')
    x = K.constant(a)
    np.testing.assert_array_equal(K.eval(K.round(x)), np.round(a))  # half to even, as numpy
    np.testing.assert_allclose(K.eval(K.sin(x)), np.sin(a), rtol=1e-5)
    np.testing.assert_allclose(K.eval(K.cos(x)), np.cos(a), rtol=1e-5)
    np.testing.assert_allclose(K.eval(K.logsumexp(x, axis=1)),
                               np.log(np.exp(a).sum(axis=1)), rtol=1e-5)
    np.testing.assert_allclose(K.eval(K.logsumexp(x, axis=0, keepdims=True)),
                               np.log(np.exp(a).sum(axis=0, keepdims=True)), rtol=1e-5)
    np.testing.assert_allclose(K.eval(K.cumsum(x, axis=1)), np.cumsum(a, axis=1), rtol=1e-5)
    np.testing.assert_allclose(K.eval(K.cumsum(x)), np.cumsum(a, axis=0), rtol=1e-5)
    np.testing.assert_allclose(K.eval(K.cumprod(x, axis=1)), np.cumprod(a, axis=1), rtol=1e-5)
    z = K.constant(np.array([[0, 0, 1], [2, 3, 4]], 'float32'))
    np.testing.assert_array_equal(K.eval(K.any(z, axis=1)), [1, 1])
    np.testing.assert_array_equal(K.eval(K.all(z, axis=1)), [0, 1])
    np.testing.assert_array_equal(K.eval(K.all(z)), 0)
    np.testing.assert_allclose(K.eval(K.softmax(x, axis=0)),
                               np.exp(a) / np.exp(a).sum(axis=0, keepdims=True), rtol=1e-5)
    np.testing.assert_allclose(K.eval(K.switch(K.greater(x, 0), x, -x)), np.abs(a))


def test_leaves_and_updates():
    np.testing.assert_array_equal(K.eval(K.eye(3)), np.eye(3))
    np.testing.assert_array_equal(K.eval(K.eye((2, 3))), np.eye(2, 3))
    np.testing.assert_array_equal(K.eval(K.arange(2, 8, 2)), np.arange(2, 8, 2))
    assert K.dtype(K.arange(3)) == 'int32'
    ph = K.placeholder(shape=(None, 3))
    out = run([K.ones_like(ph), K.zeros_like(ph)], [ph], [np.full((4, 3), 5.0)])
    np.testing.assert_array_equal(out[0], np.ones((4, 3)))
    np.testing.assert_array_equal(out[1], np.zeros((4, 3)))
    v = K.random_uniform_variable((50, 4), -2, 2, seed=3)
    assert K.int_shape(v) == (50, 4) and -2 <= K.get_value(v).min() < K.get_value(v).max() < 2
    n = K.random_normal_variable((2000,), 1.0, 0.5, seed=4)
    assert abs(K.get_value(n).mean() - 1.0) < 0.05 and abs(K.get_value(n).std() - 0.5) < 0.05
    w = K.variable(np.array([1.0, 2.0]))
    m = K.variable(np.array([10.0, 10.0]))
    f = K.function([], [], updates=[K.update_add(w, np.array([1.0, 1.0])),
                                    K.moving_average_update(m, w, 0.9)])
    f([])
    np.testing.assert_allclose(K.get_value(w), [2, 3])
    np.testing.assert_allclose(K.get_value(m), [9.1, 9.2], rtol=1e-5)
    K.function([], [], updates=[K.update(w, K.constant([7.0, 7.0])), K.update_sub(m, 1.0)])([])
    np.testing.assert_allclose(K.get_value(w), [7, 7])
    np.testing.assert_allclose(K.get_value(m), [8.1, 8.2], rtol=1e-5)
    assert K.is_placeholder(ph) and not K.is_placeholder(w)
    assert K.is_keras_tensor(keras.Input(shape=(2,))) and not K.is_keras_tensor(ph)
    with pytest.raises(ValueError, match='symbolic tensor'):
        K.is_keras_tensor(np.zeros(2))
    assert not K.is_sparse(w) and K.to_dense(w) is w and K.identity(w) is w


def test_random_tensors():
    u = K.random_uniform((1000,), 1.0, 3.0, seed=1)
    f = K.function([], [u])
    a, b = f([])[0], f([])[0]
    assert a.min() >= 1.0 and a.max() < 3.0 and not np.array_equal(a, b)
    t = K.eval(K.truncated_normal((3000,), 0.0, 2.0, seed=2))
    assert np.abs(t).max() <= 4.0 + 1e-6 and 1.3 < t.std() < 1.9
    r = K.eval(K.random_binomial((4000,), p=0.3, seed=5))
    assert set(np.unique(r)) == {0.0, 1.0} and abs(r.mean() - 0.3) < 0.04
    assert K.eval(K.random_normal((2, 3), dtype='float64')).dtype == np.float64


def test_shape_sizes_known_at_run_time_drive_random_tensors_and_reshape():
    # The variational autoencoder's sampling: K.random_normal(shape=(K.shape(z)[0], dim)).
    z = K.placeholder(shape=(None, 4))
    eps = K.random_normal(shape=(K.shape(z)[0], 4), seed=7)
    assert K.int_shape(eps) == (None, 4)
    out = run(eps, [z], [np.zeros((6, 4))])
    assert out.shape == (6, 4) and out.std() > 0.3
    batch = K.shape(z)[0]
    assert run(K.cast(batch, 'float32') * 2.0, [z], [np.zeros((5, 4))]) == 10.0
    flat = K.reshape(z, (K.shape(z)[0], 2, 2))
    assert run(flat, [z], [np.arange(8.0).reshape(2, 4)]).shape == (2, 2, 2)
    assert K.shape(z)[1] == 4
    # The whole shape cast, as a 1-D tensor (Keras's deep_dream: K.prod(K.cast(K.shape(x), ...))).
    images = K.placeholder(shape=(None, None, 5, 3))
    sizes = K.cast(K.shape(images), 'float32')
    assert K.int_shape(sizes) == (4,)
    np.testing.assert_array_equal(run(sizes, [images], [np.zeros((2, 7, 5, 3))]), [2, 7, 5, 3])
    assert run(K.prod(sizes), [images], [np.zeros((2, 7, 5, 3))]) == 2 * 7 * 5 * 3


def test_input_adopts_a_tensor_as_keras_does():
    # Keras's applications with input_tensor=K.concatenate([...]) (neural style transfer): the
    # tensor becomes a Keras tensor, the model's input.
    from keras_cpp.layers import Dense, Input
    from keras_cpp.models import Model
    fixed = K.variable(np.ones((1, 3)))
    fed = K.placeholder(shape=(1, 3))
    joined = K.concatenate([fixed, fed], axis=0)
    assert not K.is_keras_tensor(joined)
    adopted = Input(tensor=joined, shape=(3,))
    assert K.is_keras_tensor(adopted) and K.int_shape(adopted) == (2, 3)
    model = Model(adopted, Dense(2, kernel_initializer='ones', bias_initializer='zeros')(adopted))
    assert model.layers[0].__class__.__name__ == 'InputLayer'
    out = K.function([fed], [model.output])([np.full((1, 3), 2.0)])[0]
    np.testing.assert_allclose(out, [[3.0, 3.0], [6.0, 6.0]])


def test_shape_functions_match_numpy():
    a = np.arange(12, dtype='float32').reshape(3, 4)
    x = K.constant(a)
    np.testing.assert_array_equal(K.eval(K.tile(x, (2, 1))), np.tile(a, (2, 1)))
    np.testing.assert_array_equal(K.eval(K.tile(x, 2)), np.tile(a, (2, 2)))
    np.testing.assert_array_equal(K.eval(K.repeat_elements(x, 3, axis=1)),
                                  np.repeat(a, 3, axis=1))
    np.testing.assert_array_equal(K.eval(K.repeat(x, 2)), np.stack([a, a], axis=1))
    np.testing.assert_array_equal(K.eval(K.stack([x, x * 2], axis=1)), np.stack([a, a * 2], 1))
    parts = K.unstack(x, axis=1)
    assert len(parts) == 4
    np.testing.assert_array_equal(K.eval(parts[2]), a[:, 2])
    np.testing.assert_array_equal(K.eval(K.reverse(x, axes=1)), a[:, ::-1])
    np.testing.assert_array_equal(K.eval(K.reverse(x, axes=(0, 1))), a[::-1, ::-1])
    np.testing.assert_array_equal(K.eval(K.slice(x, (1, 0), (2, -1))), a[1:3, :])
    np.testing.assert_array_equal(K.eval(K.expand_dims(x, 0)), a[None])
    np.testing.assert_array_equal(K.eval(K.squeeze(K.expand_dims(x, 1), 1)), a)
    t = K.constant(np.ones((2, 3, 4), 'float32'))
    assert K.int_shape(K.temporal_padding(t, (1, 2))) == (2, 6, 4)
    img = np.arange(8, dtype='float32').reshape(1, 2, 2, 2)
    padded = K.eval(K.spatial_2d_padding(K.constant(img), ((1, 0), (0, 2))))
    np.testing.assert_array_equal(padded, np.pad(img, ((0, 0), (1, 0), (0, 2), (0, 0)),
                                                 'constant'))
    vol = K.constant(np.ones((1, 2, 2, 2, 1), 'float32'))
    assert K.int_shape(K.spatial_3d_padding(vol, ((1, 1), (0, 0), (2, 0)))) == (1, 4, 2, 4, 1)
    resized = K.eval(K.resize_images(K.constant(img), 2, 3, 'channels_last'))
    np.testing.assert_array_equal(resized, img.repeat(2, axis=1).repeat(3, axis=2))
    row = K.constant(np.array([1.0, 3.0], 'float32').reshape(1, 1, 2, 1))
    bilinear = K.eval(K.resize_images(row, 1, 2, 'channels_last', interpolation='bilinear'))
    np.testing.assert_allclose(bilinear.ravel(), [1.0, 2.0, 3.0, 3.0])
    assert K.int_shape(K.resize_volumes(vol, 2, 1, 3, 'channels_last')) == (1, 4, 2, 6, 1)


def test_crossentropies_from_logits_and_sparse():
    logits = np.array([[1.0, 2.0, 0.5], [-1.0, 0.0, 3.0]], 'float32')
    labels = np.array([1, 2])
    onehot = np.eye(3, dtype='float32')[labels]
    log_softmax = logits - np.log(np.exp(logits).sum(axis=1, keepdims=True))
    expected = -(onehot * log_softmax).sum(axis=1)
    z, t = K.constant(logits), K.constant(onehot)
    np.testing.assert_allclose(K.eval(K.categorical_crossentropy(t, z, from_logits=True)),
                               expected, rtol=1e-5)
    np.testing.assert_allclose(K.eval(K.sparse_categorical_crossentropy(
        K.constant(labels.astype('float32')), z, from_logits=True)), expected, rtol=1e-5)
    probs = np.exp(log_softmax)
    np.testing.assert_allclose(K.eval(K.sparse_categorical_crossentropy(
        K.constant(labels.reshape(2, 1).astype('float32')), K.constant(probs))), expected,
        rtol=1e-4)
    bce = K.eval(K.binary_crossentropy(t, z, from_logits=True))
    np.testing.assert_allclose(bce, np.log1p(np.exp(logits)) - logits * onehot, rtol=1e-5)
    seq = K.placeholder(shape=(None, 5, 3))
    assert K.int_shape(K.sparse_categorical_crossentropy(K.placeholder(shape=(None, 5)),
                                                         seq)) == (None, 5)
    top = K.eval(K.in_top_k(K.constant(probs), K.constant(np.array([1, 0], 'int32')), 1))
    np.testing.assert_array_equal(top, [1, 0])


def _ctc_brute_force(probs, labels, blank):
    """-log of the sum over every path that collapses to labels."""
    import itertools
    total = 0.0
    for path in itertools.product(range(probs.shape[1]), repeat=probs.shape[0]):
        collapsed = [k for i, k in enumerate(path) if k != blank and (i == 0 or path[i - 1] != k)]
        if collapsed == list(labels):
            total += np.prod([probs[t, k] for t, k in enumerate(path)])
    return -np.log(total)


def test_ctc_batch_cost_and_its_gradient():
    rng = np.random.RandomState(0)
    y_pred = rng.dirichlet(np.ones(4), size=(2, 5)).astype('float64')
    labels = np.array([[0, 2, 2], [1, 0, 0]], 'float32')
    input_length = np.array([[5], [4]])
    label_length = np.array([[3], [1]])
    loss = K.eval(K.ctc_batch_cost(K.constant(labels), K.constant(y_pred, dtype='float64'),
                                   K.constant(input_length), K.constant(label_length)))
    assert loss.shape == (2, 1)
    norm = (y_pred + 1e-7) / (y_pred + 1e-7).sum(axis=2, keepdims=True)
    np.testing.assert_allclose(loss[0, 0], _ctc_brute_force(norm[0], [0, 2, 2], 3), rtol=1e-5)
    np.testing.assert_allclose(loss[1, 0], _ctc_brute_force(norm[1, :4], [1], 3), rtol=1e-5)
    # Its gradient trains: gradient descent on free logits lowers the loss.
    logits = K.variable(rng.randn(2, 5, 4) * 0.1)
    total = K.sum(K.ctc_batch_cost(K.constant(labels), K.softmax(logits),
                                   K.constant(input_length), K.constant(label_length)))
    grad = K.gradients(total, [logits])[0]
    step = K.function([], [total], updates=[(logits, logits - 0.5 * grad)])
    losses = [step([])[0] for _ in range(40)]
    assert losses[-1] < 0.5 * losses[0]


def test_ctc_decode_greedy():
    best = [[0, 0, 2, 1, 1, 2], [1, 2, 1, 0, 0, 0]]
    y = np.full((2, 6, 3), 0.1, 'float32')
    for b, row in enumerate(best):
        for t, k in enumerate(row):
            y[b, t, k] = 0.8
    decoded, log_prob = K.ctc_decode(K.constant(y), K.constant(np.array([6, 3])))
    np.testing.assert_array_equal(K.eval(decoded[0]),
                                  [[0, 1, -1, -1, -1, -1], [1, 1, -1, -1, -1, -1]])
    np.testing.assert_allclose(K.eval(log_prob).ravel(), [-6 * np.log(0.8 + 1e-7),
                                                         -3 * np.log(0.8 + 1e-7)], rtol=1e-5)
    with pytest.raises(ValueError, match='greedy'):
        K.ctc_decode(K.constant(y), K.constant(np.array([6, 3])), greedy=False)


def test_rnn_map_and_folds():
    x = K.placeholder(shape=(None, 4, 2))
    h0 = K.zeros_like(x[:, 0])

    def step(inputs, states):
        total = states[0] + inputs
        return total * 2.0, [total]

    last, outputs, states = K.rnn(step, x, [h0])
    data = np.arange(16, dtype='float32').reshape(2, 4, 2)
    out_last, out_all, out_state = run([last, outputs, states[0]], [x], [data])
    np.testing.assert_allclose(out_all, np.cumsum(data, axis=1) * 2)
    np.testing.assert_allclose(out_last, out_all[:, -1])
    np.testing.assert_allclose(out_state, data.sum(axis=1))
    _, back, _ = K.rnn(step, x, [h0], go_backwards=True)
    np.testing.assert_allclose(run(back, [x], [data]), np.cumsum(data[:, ::-1], axis=1) * 2)
    mask = K.placeholder(shape=(None, 4))
    _, masked, _ = K.rnn(step, x, [h0], mask=mask)
    keep = np.array([[1, 1, 0, 1], [1, 0, 0, 0]], 'float32')
    got = run(masked, [x, mask], [data, keep])
    np.testing.assert_allclose(got[0, 2], got[0, 1])  # a masked step repeats the last output
    np.testing.assert_allclose(got[0, 3], (data[0, 0] + data[0, 1] + data[0, 3]) * 2)
    c = K.constant(np.arange(6, dtype='float32').reshape(3, 2))
    np.testing.assert_allclose(K.eval(K.map_fn(lambda r: r * 2.0, c)),
                               np.arange(6).reshape(3, 2) * 2)
    np.testing.assert_allclose(K.eval(K.foldl(lambda acc, r: acc + r, c)), [6, 9])
    np.testing.assert_allclose(K.eval(K.foldr(lambda acc, r: acc * 0.5 + r, c)),
                               (np.array([4, 5]) * 0.5 + [2, 3]) * 0.5 + [0, 1])


def test_conv_and_pool_functions():
    img = np.random.rand(2, 5, 5, 3).astype('float32')
    kernel = np.random.rand(3, 3, 3, 4).astype('float32')
    out = K.eval(K.conv2d(K.constant(img), K.constant(kernel), padding='valid'))
    expected = np.zeros((2, 3, 3, 4), 'float32')
    for i in range(3):
        for j in range(3):
            expected[:, i, j] = np.tensordot(img[:, i:i + 3, j:j + 3], kernel, axes=3)
    np.testing.assert_allclose(out, expected, rtol=1e-4)
    pooled = K.eval(K.pool2d(K.constant(img), (2, 2), strides=(2, 2), pool_mode='max'))
    np.testing.assert_allclose(pooled, img[:, :4, :4].reshape(2, 2, 2, 2, 2, 3).max(axis=(2, 4)))
    biased = K.eval(K.bias_add(K.constant(img), K.constant(np.ones(3, 'float32'))))
    np.testing.assert_allclose(biased, img + 1)
    seq = np.random.rand(2, 6, 3).astype('float32')
    k1 = np.random.rand(2, 3, 1).astype('float32')
    c1 = K.eval(K.conv1d(K.constant(seq), K.constant(k1)))
    np.testing.assert_allclose(c1[:, 0, 0], (seq[:, :2] * k1[:, :, 0]).sum(axis=(1, 2)), rtol=1e-5)


def test_indexing_symbolic_tensors_matches_numpy():
    a = np.arange(2 * 4 * 3, dtype='float32').reshape(2, 4, 3)
    x = K.constant(a)
    for key in [np.s_[:, :1], np.s_[..., 0], np.s_[:, -1, :], np.s_[:, ::2], np.s_[::-1],
                np.s_[1], np.s_[:, 1:3, None], np.s_[..., ::-2], np.s_[-1, -2, -3],
                np.s_[:, 3:0:-2, 1:], np.s_[None, ..., 2]]:
        np.testing.assert_array_equal(K.eval(x[key]), a[key], err_msg=str(key))
    ph = K.placeholder(shape=(None, 4, 3))
    assert K.int_shape(ph[:, 0]) == (None, 3)
    assert K.int_shape(ph[..., :2]) == (None, 4, 2)
    assert K.int_shape(ph[:, ::-1, None]) == (None, 4, 1, 3)
    np.testing.assert_array_equal(run(ph[:, -1], [ph], [a]), a[:, -1])
    # An int on an axis of unknown size, from the start or the end (checked at run time).
    for key in [np.s_[0], np.s_[-1, 1:], np.s_[1, ..., -2]]:
        assert K.int_shape(ph[key]) == a[key].shape
        np.testing.assert_array_equal(run(ph[key], [ph], [a]), a[key], err_msg=str(key))
    with pytest.raises(Exception, match='out of bounds'):
        run(ph[5], [ph], [a])
    # Several axes known only at run time (an image of any size: Keras's filter visualization
    # takes layer_output[:, :, :, i]).
    images = K.placeholder(shape=(None, None, None, 3))
    b = np.arange(2 * 4 * 5 * 3, dtype='float32').reshape(2, 4, 5, 3)
    for key, shape in [(np.s_[:, :, :, 1], (None, None, None)),
                       (np.s_[..., 0, None], (None, None, None, 1)),
                       (np.s_[:, None, :, :, -1], (None, 1, None, None))]:
        assert K.int_shape(images[key]) == shape
        np.testing.assert_array_equal(run(images[key], [images], [b]), b[key], err_msg=str(key))
    # Slices of those axes by bounds from either end (Keras's deep_dream: x[:, 2:-2, 2:-2, :]).
    for key, shape in [(np.s_[:, 1:-1, 1:-2, :], (None, None, None, 3)),
                       (np.s_[:, :2, -3:, 0], (None, 2, 3)),
                       (np.s_[:, -3:-1, 1:4], (None, 2, 3, 3))]:
        assert K.int_shape(images[key]) == shape
        np.testing.assert_array_equal(run(images[key], [images], [b]), b[key], err_msg=str(key))
    # From a bound to the end (Keras's x[:, 2:], x[1:] on the batch), checked at run time.
    for key, shape in [(np.s_[:, 2:], (None, None, None, 3)), (np.s_[1:], (None, None, None, 3)),
                       (np.s_[:, 1:, -2:, 1:], (None, None, 2, 2)),
                       (np.s_[1:, :-1, 3:, 0], (None, None, None))]:
        assert K.int_shape(images[key]) == shape
        np.testing.assert_array_equal(run(images[key], [images], [b]), b[key], err_msg=str(key))
    with pytest.raises(ValueError, match='out of bounds'):
        run(images[:, 5:], [images], [b])
    # Steps other than 1 (x[:, ::-1] reverses a sequence of any length), resolved per size.
    for key, shape in [(np.s_[:, 1::2], (None, None, None, 3)), (np.s_[:, ::-1], (None, None, None, 3)),
                       (np.s_[::2, -1::-2, 3:0:-2, 0], (None, None, None)),
                       (np.s_[:, :-1:3, -4::2], (None, None, None, 3))]:
        assert K.int_shape(images[key]) == shape
        for value in [b, b[:1, :3, :4]]:
            np.testing.assert_array_equal(run(images[key], [images], [value]), value[key],
                                          err_msg=str(key))
    with pytest.raises(Exception, match='empty'):
        run(images[:, 9::2], [images], [b])
    grads = K.gradients(K.sum(K.square(images[:, ::-2, 1::3])), [images])[0]
    expected = np.zeros_like(b)
    expected[:, ::-2, 1::3] = 2 * b[:, ::-2, 1::3]
    np.testing.assert_array_equal(run(grads, [images], [b]), expected)
    grads = K.gradients(K.sum(K.square(images[1:, 2:])), [images])[0]
    expected = np.zeros_like(b)
    expected[1:, 2:] = 2 * b[1:, 2:]
    np.testing.assert_array_equal(run(grads, [images], [b]), expected)
    grads = K.gradients(K.sum(images[:, :, :, 2] * 3.), [images])[0]
    expected = np.zeros_like(b)
    expected[..., 2] = 3.
    np.testing.assert_array_equal(run(grads, [images], [b]), expected)
    grads = K.gradients(K.sum(images[:, 1:-1, :2]), [images])[0]
    expected = np.zeros_like(b)
    expected[:, 1:-1, :2] = 1.
    np.testing.assert_array_equal(run(grads, [images], [b]), expected)
    with pytest.raises(IndexError, match='out of bounds'):
        x[:, 4]
    with pytest.raises(IndexError, match='too many'):
        x[0, 0, 0, 0]
    np.testing.assert_array_equal(np.asarray(x), a)
    with pytest.raises(TypeError, match='not iterable'):
        list(x)


def test_indexing_in_lambda_layers_trains():
    from keras_cpp.layers import Dense, Input, Lambda
    from keras_cpp.models import Model
    inputs = Input(shape=(6,))
    hidden = Dense(4)(inputs)
    first = Lambda(lambda t: t[:, :1])(hidden)
    last_two = Lambda(lambda t: t[:, -2:][:, ::-1])(hidden)
    model = Model(inputs, [first, last_two])
    assert K.int_shape(first) == (None, 1) and K.int_shape(last_two) == (None, 2)
    model.compile(loss='mse', optimizer='sgd')
    x = np.random.rand(32, 6).astype('float32')
    y = [x[:, :1] * 2, x[:, 2:4]]
    before = model.evaluate(x, y, verbose=0)[0]
    model.fit(x, y, epochs=20, verbose=0)
    assert model.evaluate(x, y, verbose=0)[0] < before
    w = model.predict(x)
    h = x.dot(model.layers[1].get_weights()[0]) + model.layers[1].get_weights()[1]
    np.testing.assert_allclose(w[1], h[:, -2:][:, ::-1], rtol=1e-4, atol=1e-5)


def test_slices_to_the_end_in_lambda_layers_of_any_length():
    from keras_cpp.layers import Input, Lambda
    from keras_cpp.models import Model
    inputs = Input(shape=(None, 8))
    tail = Lambda(lambda t: t[:, 2:])(inputs)
    assert K.int_shape(tail) == (None, None, 8)
    model = Model(inputs, tail)
    rest = K.function([inputs], [inputs[1:, -3:]])
    for steps in (5, 3):
        x = np.random.rand(4, steps, 8).astype('float32')
        np.testing.assert_array_equal(model.predict(x), x[:, 2:])
        np.testing.assert_array_equal(rest([x])[0], x[1:, -3:])


def test_stop_gradient_and_gradients():
    v = K.variable(np.array([3.0, 4.0]))
    grads = K.gradients(K.sum(K.stop_gradient(v) * v), [v])
    np.testing.assert_allclose(K.eval(grads[0]), [3.0, 4.0])


def test_initializer_objects_called_on_a_shape_give_variables():
    from keras_cpp import initializers
    v = initializers.RandomUniform(-0.5, 0.5, seed=1)((3, 4))
    assert K.is_tensor(v) and K.int_shape(v) == (3, 4)
    value = K.get_value(v)
    assert value.shape == (3, 4) and -0.5 <= value.min() and value.max() < 0.5
    np.testing.assert_array_equal(K.eval(v), value)
    np.testing.assert_array_equal(K.eval(initializers.Ones()((2,))), [1.0, 1.0])
    assert np.asarray(initializers.glorot_uniform()((5, 5))).shape == (5, 5)


def test_dropout_noise_shape_shares_the_mask():
    x = K.placeholder(shape=(None, 5, 40))
    y = K.dropout(x, 0.5, noise_shape=(None, 1, 40), seed=3)
    out = run(y, [x], [np.ones((3, 5, 40))])
    assert np.all(out == out[:, :1, :])  # one mask for every step
    assert set(np.unique(out)) == {0.0, 2.0}
    with pytest.raises(ValueError, match='broadcast'):
        K.dropout(x, 0.5, noise_shape=(None, 2, 40))


def test_separable_and_local_convolutions_match_numpy():
    x = np.random.rand(2, 6, 3).astype('float32')
    depthwise = np.random.rand(3, 3, 2).astype('float32')
    pointwise = np.random.rand(1, 6, 4).astype('float32')
    depth = np.zeros((2, 4, 6), 'float32')
    for t in range(4):
        for c in range(3):
            for m in range(2):
                depth[:, t, c * 2 + m] = (x[:, t:t + 3, c] * depthwise[:, c, m]).sum(axis=1)
    out = K.eval(K.separable_conv1d(K.constant(x), K.constant(depthwise), K.constant(pointwise)))
    np.testing.assert_allclose(out, depth.dot(pointwise[0]), rtol=1e-4)
    kernel = np.random.rand(4, 6, 2).astype('float32')
    local = K.eval(K.local_conv1d(K.constant(x[:, :5]), K.constant(kernel), (2,), (1,)))
    expected = np.stack([x[:, i:i + 2].reshape(2, 6).dot(kernel[i]) for i in range(4)], axis=1)
    np.testing.assert_allclose(local, expected, rtol=1e-4)
    img = np.random.rand(2, 3, 3, 2).astype('float32')
    kernel2 = np.random.rand(4, 8, 5).astype('float32')
    local2 = K.eval(K.local_conv2d(K.constant(img), K.constant(kernel2), (2, 2), (1, 1), (2, 2)))
    assert local2.shape == (2, 2, 2, 5)
    np.testing.assert_allclose(local2[:, 1, 0], img[:, 1:3, 0:2].reshape(2, 8).dot(kernel2[2]),
                               rtol=1e-4)


def test_conv3d_transpose_is_the_adjoint_of_conv3d():
    x = np.random.rand(1, 4, 4, 4, 2).astype('float32')
    kernel = np.random.rand(2, 2, 2, 2, 3).astype('float32')  # (k..., in, filters) for conv3d
    y = np.random.rand(1, 2, 2, 2, 3).astype('float32')
    forward = K.eval(K.conv3d(K.constant(x), K.constant(kernel), strides=(2, 2, 2)))
    # conv3d_transpose takes (k..., filters, in): the transposed convolution's output channels.
    back = K.eval(K.conv3d_transpose(K.constant(y), K.constant(kernel), (1, 4, 4, 4, 2),
                                     strides=(2, 2, 2)))
    assert back.shape == x.shape
    np.testing.assert_allclose((forward * y).sum(), (x * back).sum(), rtol=1e-4)


def test_print_tensor_prints_its_message_and_value_when_a_model_runs(capfd):
    x = np.array([[1., 2.], [3., 4.]], dtype='float32')
    model = keras.models.Sequential([
        keras.layers.Lambda(lambda t: K.print_tensor(t * 2, message='doubled: '),
                            input_shape=(2,))])
    capfd.readouterr()
    np.testing.assert_allclose(model.predict(x), 2 * x)
    assert capfd.readouterr().err == 'doubled: [[2 4] [6 8]]\n'
    f = K.function([model.input], [K.print_tensor(model.input)])
    np.testing.assert_allclose(f([x])[0], x)
    assert capfd.readouterr().err == '[[1 2] [3 4]]\n'


def test_relu_with_a_threshold_as_keras_224():
    a = np.array([[-3., -1., 0.5, 1., 2., 7.]], dtype='float32')
    x = K.constant(a)
    for alpha, max_value, threshold in [(0., None, 0.8), (0.1, None, 0.8), (0.1, 5., 0.8),
                                        (0.1, 5., -2.8), (0.1, 0., 0.8), (0.2, 5., 0.)]:
        # f(x) = max_value for x >= max_value, x for threshold <= x < max_value,
        # alpha * (x - threshold) otherwise (Keras's formula and its clipping at 0 first).
        y = np.where(a > threshold, a, 0.)
        if max_value is not None:
            y = np.clip(y, 0., max_value)
        y = y - alpha * np.maximum(threshold - a, 0.)
        np.testing.assert_allclose(K.eval(K.relu(x, alpha=alpha, max_value=max_value,
                                                 threshold=threshold)), y, rtol=1e-6,
                                   err_msg=str((alpha, max_value, threshold)))


def test_dot_of_operands_of_more_than_two_axes_as_theano():
    a = np.random.rand(4, 2).astype('float32')
    b = np.random.rand(5, 2, 3).astype('float32')
    np.testing.assert_allclose(K.eval(K.dot(K.constant(a), K.constant(b))),
                               np.dot(a, b), rtol=1e-5)
    c = np.random.rand(3, 4, 2).astype('float32')
    d = np.random.rand(6, 2, 5).astype('float32')
    assert K.int_shape(K.dot(K.constant(c), K.constant(d))) == (3, 4, 6, 5)
    np.testing.assert_allclose(K.eval(K.dot(K.constant(c), K.constant(d))), np.dot(c, d),
                               rtol=1e-5)
    ph = K.placeholder(shape=(None, 4, 2))
    assert K.int_shape(K.dot(ph, K.constant(d))) == (None, 4, 6, 5)
    np.testing.assert_allclose(run(K.dot(ph, K.constant(d)), [ph], [c]), np.dot(c, d), rtol=1e-5)


def test_bias_add_of_a_bias_per_position_as_keras_224():
    x = np.random.rand(2, 3, 4).astype('float32')
    bias = np.random.rand(3, 4).astype('float32')
    np.testing.assert_allclose(K.eval(K.bias_add(K.constant(x), K.constant(bias),
                                                 'channels_last')), x + bias, rtol=1e-6)
    # channels_first: Keras reshapes the (steps, channels) bias to (1, channels, steps).
    np.testing.assert_allclose(K.eval(K.bias_add(K.constant(x), K.constant(bias.reshape(4, 3)),
                                                 'channels_first')),
                               x + bias.reshape(4, 3).reshape(1, 3, 4), rtol=1e-6)


def test_each_evaluation_of_a_random_tensor_draws_again():
    for r in [K.random_normal((10, 10), seed=1337), K.random_uniform((10, 10)),
              K.random_binomial((10, 10), 0.5)]:
        first, second = K.eval(r), K.eval(r)
        assert first.shape == (10, 10) and not np.array_equal(first, second)
    # 200 evaluations of one seeded tensor: 20,000 numbers of the distribution (Keras's test).
    r = K.random_normal((10, 10), mean=-10., stddev=5., seed=3)
    samples = np.array([K.eval(r) for _ in range(200)])
    assert abs(samples.mean() + 10.) < 5. * 0.015 and abs(samples.std() - 5.) < 5. * 0.015
    # The global seed restarts the evaluations: a seeded script draws the same numbers again.
    r = K.random_uniform((3,), seed=7)
    keras.utils.set_random_seed(5)
    a = [K.eval(r) for _ in range(3)]
    keras.utils.set_random_seed(5)
    b = [K.eval(r) for _ in range(3)]
    np.testing.assert_array_equal(np.array(a), np.array(b))


def test_batch_dot_of_operands_of_different_ranks():
    x = np.random.rand(4, 2, 3).astype('float32')
    y = np.random.rand(4, 3).astype('float32')
    out = K.eval(K.batch_dot(K.constant(x), K.constant(y), axes=(2, 1)))
    assert out.shape == (4, 2)
    np.testing.assert_allclose(out, np.einsum('bij,bj->bi', x, y), rtol=1e-5)
    z = np.random.rand(4, 2, 5).astype('float32')
    w = np.random.rand(4, 2).astype('float32')
    out = K.eval(K.batch_dot(K.constant(w), K.constant(z), axes=(1, 1)))
    assert out.shape == (4, 5)
    np.testing.assert_allclose(out, np.einsum('bi,bij->bj', w, z), rtol=1e-5)
    ph, v = K.placeholder(shape=(None, 2, 3)), K.placeholder(shape=(None, 3))
    assert K.int_shape(K.batch_dot(ph, v, axes=(2, 1))) == (None, 2)
    np.testing.assert_allclose(run(K.batch_dot(ph, v, axes=(2, 1)), [ph, v], [x, y]),
                               np.einsum('bij,bj->bi', x, y), rtol=1e-5)


def test_indices_known_at_run_time():
    a = np.random.rand(10, 3).astype('float32')
    x = K.variable(a)
    sums = K.eval(K.map_fn(lambda i: K.sum(x[i]), K.arange(10), dtype=K.floatx()))
    np.testing.assert_allclose(sums, a.sum(axis=1), rtol=1e-5)
    i = K.placeholder(shape=(), dtype='int32')
    np.testing.assert_allclose(run(x[:, i], [i], [np.array(2, dtype='int32')]), a[:, 2])
    np.testing.assert_allclose(run(x[i, 1:], [i], [np.array(4, dtype='int32')]), a[4, 1:])
    assert K.int_shape(x[:, i]) == (10,)


def test_arange_of_constant_tensors_reads_their_values():
    # Keras 2.2.4's K.arange takes tensors; keras_cpp's shapes are fixed when the graph is built,
    # so a tensor computed from constants is read then and anything else is refused clearly.
    np.testing.assert_array_equal(K.eval(K.arange(K.constant(3, dtype='int32'))), [0, 1, 2])
    assert K.eval(K.arange(K.constant(-1, dtype='int32'))).shape == (0,)
    np.testing.assert_array_equal(
        K.eval(K.arange(K.constant(1, dtype='int32') + 1, K.constant(7, dtype='int32'), 2)),
        [2, 4, 6])
    with pytest.raises(ValueError, match='known only at run time'):
        K.arange(K.placeholder(shape=(), dtype='int32'))
    with pytest.raises(ValueError, match='`stop`'):
        K.arange(0, K.variable(3))
