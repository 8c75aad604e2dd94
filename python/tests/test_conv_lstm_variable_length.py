"""ConvLSTM2D over an unknown number of time steps (input_shape=(None, rows, cols, channels)), as
Keras 2.2.4's examples/conv_lstm.py builds it: every length against a numpy ConvLSTM written here
(Keras 2.2.4's equations), one compiled plan per length (none for a length seen before), training
on batches of several lengths, return_state and masking, dropout only in training."""
import numpy as np
import pytest

from keras_cpp import backend as K
from keras_cpp.layers import (BatchNormalization, Conv3D, ConvLSTM2D, Input, Masking)
from keras_cpp.models import Model, Sequential


def hard_sigmoid(v):
    return np.clip(0.2 * v + 0.5, 0, 1)


def conv_same(x, w):
    """TensorFlow's 'same' stride-1 convolution of x (batch, rows, cols, in) by w (kr, kc, in,
    out): (total - 1) // 2 padding before."""
    kr, kc = w.shape[:2]
    pr, pc = (kr - 1) // 2, (kc - 1) // 2
    padded = np.pad(x, ((0, 0), (pr, kr - 1 - pr), (pc, kc - 1 - pc), (0, 0)))
    out = np.zeros(x.shape[:3] + (w.shape[3],))
    for a in range(kr):
        for b in range(kc):
            out += padded[:, a:a + x.shape[1], b:b + x.shape[2], :] @ w[a, b]
    return out


def numpy_conv_lstm(x, kernel, recurrent, bias, mask=None):
    """The sequence of h and the last (h, c) of a 'same'-padded ConvLSTM2D over x (batch, time,
    rows, cols, channels); a step whose mask is 0 keeps h and c."""
    f = recurrent.shape[2]
    h = np.zeros(x.shape[:1] + x.shape[2:4] + (f,))
    c = np.zeros_like(h)
    out = []
    for t in range(x.shape[1]):
        z = conv_same(x[:, t], kernel) + conv_same(h, recurrent) + bias
        i, fg = hard_sigmoid(z[..., :f]), hard_sigmoid(z[..., f:2 * f])
        o = hard_sigmoid(z[..., 3 * f:])
        c_new = fg * c + i * np.tanh(z[..., 2 * f:3 * f])
        h_new = o * np.tanh(c_new)
        if mask is not None:
            keep = mask[:, t].reshape(-1, 1, 1, 1)
            h_new = keep * h_new + (1 - keep) * h
            c_new = keep * c_new + (1 - keep) * c
        h, c = h_new, c_new
        out.append(h)
    return np.stack(out, axis=1), h, c


def test_every_length_matches_numpy():
    model = Sequential([ConvLSTM2D(3, (3, 3), padding='same', return_sequences=True,
                                   input_shape=(None, 6, 5, 2))])
    assert model.output_shape == (None, None, 6, 5, 3)
    kernel, recurrent, bias = model.get_weights()
    rng = np.random.RandomState(0)
    for steps in (4, 7, 1, 4):
        x = rng.rand(2, steps, 6, 5, 2).astype('float32')
        expected = numpy_conv_lstm(x, kernel, recurrent, bias)[0]
        np.testing.assert_allclose(model.predict(x), expected, rtol=1e-4, atol=1e-5)


def test_one_plan_per_length_and_none_for_a_length_seen_before():
    model = Sequential([ConvLSTM2D(2, (3, 3), padding='same', input_shape=(None, 5, 5, 1))])
    rng = np.random.RandomState(1)
    batches = {n: rng.rand(3, n, 5, 5, 1).astype('float32') for n in (3, 5)}
    before = K.plan_cache_stats()['builds']
    first = {n: model.predict(batches[n]) for n in (3, 5)}
    # Per length: the predict function's plan and the plan of the traced sequence inside it.
    assert K.plan_cache_stats()['builds'] - before == 4
    built = K.plan_cache_stats()['builds']
    for n in (5, 3, 5):
        np.testing.assert_array_equal(model.predict(batches[n]), first[n])
    assert K.plan_cache_stats()['builds'] == built


def conv_lstm_example_model(rows, filters):
    # Keras 2.2.4's examples/conv_lstm.py, smaller: ConvLSTM2D layers over (None, rows, rows, 1),
    # BatchNormalization, a sigmoid Conv3D, binary cross-entropy with Adadelta.
    seq = Sequential()
    seq.add(ConvLSTM2D(filters=filters, kernel_size=(3, 3), input_shape=(None, rows, rows, 1),
                       padding='same', return_sequences=True))
    seq.add(BatchNormalization())
    seq.add(ConvLSTM2D(filters=filters, kernel_size=(3, 3), padding='same',
                       return_sequences=True))
    seq.add(BatchNormalization())
    seq.add(Conv3D(filters=1, kernel_size=(3, 3, 3), activation='sigmoid', padding='same',
                   data_format='channels_last'))
    seq.compile(loss='binary_crossentropy', optimizer='adadelta')
    return seq


def test_the_conv_lstm_example_trains_on_several_lengths_and_extends_a_track():
    model = conv_lstm_example_model(8, 4)
    assert model.output_shape == (None, None, 8, 8, 1)
    rng = np.random.RandomState(2)

    def movies(steps):
        x = (rng.rand(4, steps + 1, 8, 8, 1) > 0.7).astype('float32')
        return x[:, :-1], x[:, 1:]

    batches = [movies(n) for n in (5, 7)]
    first = np.mean([model.evaluate(x, y, verbose=0) for x, y in batches])

    def lengths():
        while True:
            for batch in batches:
                yield batch

    model.fit_generator(lengths(), steps_per_epoch=2, epochs=15, verbose=0)
    assert np.mean([model.evaluate(x, y, verbose=0) for x, y in batches]) < first
    # The example's test: predict the next frame of a growing track, one length after another.
    track = batches[0][0][0, :3]
    for _ in range(3):
        new = model.predict(track[np.newaxis])[:, -1]
        assert new.shape == (1, 8, 8, 1)
        track = np.concatenate((track, new), axis=0)
    assert track.shape == (6, 8, 8, 1)


def test_return_state_and_masked_steps_over_unknown_time():
    inp = Input(shape=(None, 4, 4, 2))
    masked = Masking(0.0)(inp)
    layer = ConvLSTM2D(2, (2, 2), padding='same', return_sequences=True, return_state=True)
    outputs = layer(masked)
    assert [K.int_shape(o) for o in outputs] == [(None, None, 4, 4, 2), (None, 4, 4, 2),
                                                 (None, 4, 4, 2)]
    model = Model(inp, outputs)
    kernel, recurrent, bias = layer.get_weights()
    rng = np.random.RandomState(3)
    for steps in (3, 5):
        x = rng.rand(2, steps, 4, 4, 2).astype('float32')
        mask = np.ones((2, steps))
        mask[0, 1] = mask[1, steps - 1] = 0
        x[mask == 0] = 0
        expected = numpy_conv_lstm(x, kernel, recurrent, bias, mask)
        for got, want in zip(model.predict(x), expected):
            np.testing.assert_allclose(got, want, rtol=1e-4, atol=1e-5)


def test_dropout_applies_in_training_only():
    drop = Sequential([ConvLSTM2D(2, (3, 3), padding='same', dropout=0.4, recurrent_dropout=0.4,
                                  input_shape=(None, 5, 5, 1))])
    plain = Sequential([ConvLSTM2D(2, (3, 3), padding='same', input_shape=(None, 5, 5, 1))])
    plain.set_weights(drop.get_weights())
    x = np.random.RandomState(4).rand(3, 4, 5, 5, 1).astype('float32')
    np.testing.assert_allclose(drop.predict(x), plain.predict(x), rtol=1e-6)
    train = K.function([drop.input, K.learning_phase()], [drop.output])
    assert np.abs(train([x, 1])[0] - plain.predict(x)).max() > 1e-3
    drop.compile('sgd', 'mse')
    history = drop.fit(x, np.zeros((3, 5, 5, 2), 'float32'), epochs=2, verbose=0)
    assert np.all(np.isfinite(history.history['loss']))


@pytest.mark.parametrize('steps', [None, 4])
def test_stateful_over_unknown_time_keeps_the_state_between_calls(steps):
    model = Sequential([ConvLSTM2D(2, (3, 3), padding='same', stateful=True,
                                   batch_input_shape=(1, steps, 4, 4, 1))])
    whole = Sequential([ConvLSTM2D(2, (3, 3), padding='same', input_shape=(8, 4, 4, 1))])
    whole.set_weights(model.get_weights())
    x = np.random.RandomState(5).rand(1, 8, 4, 4, 1).astype('float32')
    model.predict(x[:, :4], batch_size=1)
    np.testing.assert_allclose(model.predict(x[:, 4:], batch_size=1), whole.predict(x),
                               rtol=1e-4, atol=1e-5)
