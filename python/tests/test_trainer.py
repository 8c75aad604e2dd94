"""The one training loop from Python: one Model class (Sequential is a Model), x / y /
sample_weight as arrays, lists or dicts for every method, generators and Sequences of several
inputs and outputs, validation_split, the short last batch, shuffle='batch', and Keras's
stateful LSTM example (lstm_stateful.py) pattern."""
import numpy as np
import pytest

import keras_cpp as keras
from keras_cpp.layers import Dense, Input, LSTM, concatenate
from keras_cpp.models import Model, Sequential


def two_by_two(seed=7):
    np.random.seed(seed)
    main = Input(shape=(6,), name='main_input')
    aux = Input(shape=(3,), name='aux_input')
    h = Dense(5, activation='tanh')(main)
    aux_out = Dense(1, name='aux_output')(h)
    main_out = Dense(1, name='main_output')(concatenate([h, aux]))
    model = Model(inputs=[main, aux], outputs=[main_out, aux_out])
    model.compile('sgd', 'mse', loss_weights=[1., .5])
    return model


def data(n=22):
    rng = np.random.RandomState(0)
    return ({'main_input': rng.randn(n, 6).astype('float32'),
             'aux_input': rng.randn(n, 3).astype('float32')},
            {'main_output': rng.randn(n, 1).astype('float32'),
             'aux_output': rng.randn(n, 1).astype('float32')})


def rows(arrays, begin, end):
    return {k: v[begin:end] for k, v in arrays.items()}


class Batches(keras.utils.Sequence):
    def __init__(self, x, y, size):
        self.x, self.y, self.size = x, y, size
        self.read, self.epochs_ended = [], 0

    def __len__(self):
        n = len(next(iter(self.x.values())))
        return (n + self.size - 1) // self.size

    def __getitem__(self, index):
        self.read.append(index)
        begin = index * self.size
        return rows(self.x, begin, begin + self.size), rows(self.y, begin, begin + self.size)

    def on_epoch_end(self):
        self.epochs_ended += 1


class BatchSizes(keras.callbacks.Callback):
    def on_train_begin(self, logs=None):
        self.sizes = []

    def on_batch_end(self, batch, logs=None):
        self.sizes.append(logs['size'])


def weights_equal(a, b):
    return all(np.array_equal(u, v) for u, v in zip(a.get_weights(), b.get_weights()))


def test_one_model_class():
    assert issubclass(Sequential, Model)
    assert isinstance(Sequential([Dense(1, input_dim=2)]), Model)
    for twin in ('_fit_arrays', '_evaluate_arrays', '_predict_arrays', '_compile_multi'):
        assert not hasattr(Model, twin)
    assert Sequential.fit is Model.fit and Sequential.fit_generator is Model.fit_generator


def test_dicts_generators_and_sequences_train_alike():
    x, y = data()
    by_arrays, by_generator, by_sequence = two_by_two(), two_by_two(), two_by_two()
    by_sequence.set_weights(by_arrays.get_weights())
    by_generator.set_weights(by_arrays.get_weights())
    sizes = BatchSizes()
    by_arrays.fit(x, y, batch_size=8, epochs=2, verbose=0, shuffle=False, callbacks=[sizes])
    assert sizes.sizes == [8, 8, 6, 8, 8, 6]  # the short last batch

    def batches():
        while True:
            for begin in range(0, 22, 8):
                yield rows(x, begin, begin + 8), rows(y, begin, begin + 8)

    by_generator.fit_generator(batches(), steps_per_epoch=3, epochs=2, verbose=0)
    sequence = Batches(x, y, 8)
    by_sequence.fit_generator(sequence, epochs=2, verbose=0, shuffle=False)
    assert sequence.read == [0, 1, 2, 0, 1, 2] and sequence.epochs_ended == 2
    assert weights_equal(by_arrays, by_generator)
    assert weights_equal(by_arrays, by_sequence)

    scores = by_arrays.evaluate(x, y, batch_size=8, verbose=0)
    np.testing.assert_allclose(by_arrays.evaluate_generator(Batches(x, y, 8)), scores, rtol=1e-5)
    predicted = by_arrays.predict([x['main_input'], x['aux_input']], batch_size=8)
    from_sequence = by_arrays.predict_generator(Batches(x, y, 8))
    assert len(from_sequence) == 2 and from_sequence[0].shape == (22, 1)
    np.testing.assert_allclose(from_sequence[1], predicted[1], rtol=1e-6)
    # The *_on_batch methods take dicts too.
    assert len(by_arrays.train_on_batch(x, y)) == 3
    assert len(by_arrays.test_on_batch(x, y)) == 3
    assert len(by_arrays.predict_on_batch(x)) == 2


def test_validation_split_and_validation_generator():
    x, y = data(20)
    model = two_by_two()
    history = model.fit(x, y, batch_size=4, epochs=1, verbose=0, validation_split=0.25)
    expected = model.evaluate(rows(x, 15, 20), rows(y, 15, 20), batch_size=4, verbose=0)
    assert history.history['val_loss'][0] == pytest.approx(expected[0], rel=1e-5)
    history = model.fit_generator(Batches(x, y, 5), epochs=1, verbose=0,
                                  validation_data=Batches(x, y, 10))
    assert 'val_main_output_loss' in history.history


def test_shuffle_batch_keeps_batches_together():
    model = Sequential([Dense(1, input_dim=1, use_bias=False, kernel_initializer='ones')])
    # A zero learning rate keeps the weight at 1: the mean loss of each batch shows its rows.
    model.compile(keras.optimizers.SGD(lr=0.0), 'mse')
    x = np.arange(10, dtype='float32').reshape(10, 1)
    losses = []

    class Losses(keras.callbacks.Callback):
        def on_batch_end(self, batch, logs=None):
            losses.append(logs['loss'])

    model.fit(x, np.zeros((10, 1)), batch_size=3, epochs=4, verbose=0, shuffle='batch',
              callbacks=[Losses()])
    by_batch = {sum(v * v for v in range(b, b + 3)) / 3.0: b for b in (0, 3, 6)}
    for epoch in range(4):
        epoch_losses = losses[epoch * 4:epoch * 4 + 4]
        assert epoch_losses[-1] == pytest.approx(81.0)  # the short last batch: row 9, last
        assert sorted(round(v, 3) for v in epoch_losses[:3]) == sorted(
            round(v, 3) for v in by_batch)
    with pytest.raises(ValueError, match="'batch'"):
        model.fit(x, x, shuffle='rows', verbose=0)


def test_stateful_lstm_example_pattern():
    """Keras 2.2.4's examples/lstm_stateful.py, small: batches of one, shuffle=False,
    reset_states after each epoch by a LambdaCallback, predict with the same batch size."""
    rng = np.random.RandomState(1)
    n = 800
    x = rng.randn(n, 1, 1).astype('float32')
    previous = np.concatenate([[0.], x[:-1, 0, 0]])
    y = (0.5 * (x[:, 0, 0] + previous)).reshape(n, 1).astype('float32')
    model = Sequential()
    model.add(LSTM(20, batch_input_shape=(1, 1, 1), stateful=True))
    model.add(Dense(1))
    model.compile(loss='mse', optimizer='adam')
    resets = []
    reset = keras.callbacks.LambdaCallback(
        on_epoch_end=lambda epoch, logs: (model.reset_states(), resets.append(epoch)))
    history = model.fit(x, y, batch_size=1, epochs=3, verbose=0, shuffle=False,
                        callbacks=[reset])
    assert resets == [0, 1, 2]
    # Without the state the best guess is half the current input, which leaves 0.25.
    assert history.history['loss'][-1] < 0.15
    predicted = model.predict(x, batch_size=1)
    assert predicted.shape == (n, 1)
    model.reset_states()
    assert np.mean((model.predict(x, batch_size=1) - y) ** 2) < 0.15
    with pytest.raises(ValueError, match='batch'):
        model.predict(x, batch_size=32)
