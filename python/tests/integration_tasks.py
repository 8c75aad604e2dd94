"""Keras's own small integration tasks (Keras 2.2.4's tests/integration_tests: vector, temporal and
image data) with the thresholds Keras's tests assert, written once against a Keras module so that
the same task runs on keras_cpp (test_integration_tasks.py) and on real Keras
(tools/keras_fixtures/integration_pass_rates.py, which compares how often each side passes).

Each task is `task(keras, seed, get_test_data) -> (value, passed)`; `keras` is the Keras module
under test, already seeded with `seed` (numpy's generator too, which draws the data).

CURVES are three of these models as builders, `build(keras, get_test_data) -> (model, (x, y),
(x_test, y_test))`:
tools/keras_fixtures/make_convergence_fixtures.py records real Keras's initial weights and loss
after every epoch, and the test starts keras_cpp from those weights and follows the same curve."""
import string

import numpy as np


def _history_value(history, name):
    # Keras 2.2.4 logs metrics=['accuracy'] as 'acc'; tf.keras 2.x as 'accuracy'.
    logs = history.history
    if name not in logs and name.replace('acc', 'accuracy') in logs:
        name = name.replace('acc', 'accuracy')
    return logs[name][-1]


def vector_classification(keras, seed, get_test_data):
    layers = keras.layers
    (x_train, y_train), (x_test, y_test) = get_test_data(
        num_train=500, num_test=200, input_shape=(20,), classification=True, num_classes=2)
    y_train = keras.utils.to_categorical(y_train)
    y_test = keras.utils.to_categorical(y_test)
    model = keras.models.Sequential([layers.Dense(16, input_shape=(20,), activation='relu'),
                                     layers.Dense(8), layers.Activation('relu'),
                                     layers.Dense(2, activation='softmax')])
    model.compile(loss='categorical_crossentropy', optimizer=keras.optimizers.Adam(1e-3),
                  metrics=['accuracy'])
    history = model.fit(x_train, y_train, epochs=15, batch_size=16,
                        validation_data=(x_test, y_test), verbose=0)
    keras.models.Sequential.from_config(model.get_config())
    value = _history_value(history, 'val_acc')
    return value, value > 0.8


def vector_classification_functional(keras, seed, get_test_data):
    layers = keras.layers
    (x_train, y_train), (x_test, y_test) = get_test_data(
        num_train=500, num_test=200, input_shape=(20,), classification=True, num_classes=2)
    inputs = layers.Input(shape=(20,))
    x = layers.Dense(16, activation=keras.activations.relu)(inputs)
    x = layers.Activation('relu')(layers.Dense(8)(x))
    outputs = layers.Dense(2, activation='softmax')(x)
    model = keras.models.Model(inputs, outputs)
    model.compile(loss=keras.losses.sparse_categorical_crossentropy,
                  optimizer=keras.optimizers.Adam(1e-3), metrics=['acc'])
    history = model.fit(x_train, y_train, epochs=15, batch_size=16,
                        validation_data=(x_test, y_test), verbose=0)
    value = _history_value(history, 'val_acc')
    return value, value > 0.8


def vector_regression(keras, seed, get_test_data):
    layers = keras.layers
    (x_train, y_train), (x_test, y_test) = get_test_data(
        num_train=500, num_test=200, input_shape=(20,), output_shape=(2,), classification=False)
    model = keras.models.Sequential([layers.Dense(16, input_shape=(20,), activation='tanh'),
                                     layers.Dense(2)])
    model.compile(loss='hinge', optimizer=keras.optimizers.Adam(1e-3))
    history = model.fit(x_train, y_train, epochs=20, batch_size=16,
                        validation_data=(x_test, y_test), verbose=0)
    value = _history_value(history, 'val_loss')
    return value, value < 0.9


def _recurrent_classifier(keras, get_test_data, recurrent):
    inputs = keras.layers.Input(shape=(3, 4))
    hidden = recurrent(8)(inputs)
    model = keras.models.Model(inputs, keras.layers.Dense(2, activation='softmax')(hidden))
    model.compile(loss='categorical_crossentropy', optimizer='rmsprop', metrics=['accuracy'])
    (x, y), (x_test, y_test) = get_test_data(num_train=200, num_test=20, input_shape=(3, 4),
                                             classification=True, num_classes=2)
    to_categorical = keras.utils.to_categorical
    return model, (x, to_categorical(y)), (x_test, to_categorical(y_test))


def gru_classifier(keras, get_test_data):
    # Keras 2.2.4's GRU defaults, written out (tf.keras 2.x changed them).
    return _recurrent_classifier(
        keras, get_test_data,
        lambda units: keras.layers.GRU(units, recurrent_activation='hard_sigmoid',
                                       reset_after=False))


def simple_rnn_classifier(keras, get_test_data):
    return _recurrent_classifier(keras, get_test_data, keras.layers.SimpleRNN)


def lstm_hinge_regression(keras, get_test_data):
    model = keras.models.Sequential(
        [keras.layers.LSTM(2, recurrent_activation='hard_sigmoid', input_shape=(3, 5))])
    model.compile(loss='hinge', optimizer='adam')
    train, test = get_test_data(num_train=200, num_test=20, input_shape=(3, 5),
                                output_shape=(2,), classification=False)
    return model, train, test


def conv_classifier(keras, get_test_data):
    layers = keras.layers
    model = keras.models.Sequential([
        layers.Conv2D(filters=8, kernel_size=3, activation='relu', input_shape=(16, 16, 3)),
        layers.MaxPooling2D(pool_size=2),
        layers.Conv2D(filters=4, kernel_size=(3, 3), activation='relu', padding='same'),
        layers.GlobalAveragePooling2D(),
        layers.Dense(4, activation='softmax')])
    model.compile(loss='categorical_crossentropy', optimizer='rmsprop', metrics=['accuracy'])
    (x, y), (x_test, y_test) = get_test_data(num_train=500, num_test=200,
                                             input_shape=(16, 16, 3), classification=True,
                                             num_classes=4)
    to_categorical = keras.utils.to_categorical
    return model, (x, to_categorical(y)), (x_test, to_categorical(y_test))


def _trained(build, fit, metric, keras, get_test_data):
    model, (x, y), validation = build(keras, get_test_data)
    history = model.fit(x, y, validation_data=validation, verbose=0, **fit)
    return model, _history_value(history, metric)


def temporal_classification_gru(keras, seed, get_test_data):
    _, value = _trained(gru_classifier, CURVES['gru_classifier'][2], 'acc', keras, get_test_data)
    return value, value >= 0.8


def temporal_classification_simple_rnn(keras, seed, get_test_data):
    _, value = _trained(simple_rnn_classifier, dict(epochs=4, batch_size=10), 'acc', keras,
                        get_test_data)
    return value, value >= 0.8


def temporal_regression(keras, seed, get_test_data):
    _, value = _trained(lstm_hinge_regression, CURVES['lstm_hinge_regression'][2], 'loss', keras,
                        get_test_data)
    return value, value < 1.0


def time_distributed_3d_to_3d(keras, seed, get_test_data):
    layers = keras.layers
    (x_train, y_train), (x_test, y_test) = get_test_data(
        num_train=100, num_test=20, input_shape=(3, 5), output_shape=(3, 5),
        classification=False)
    model = keras.models.Sequential(
        [layers.TimeDistributed(layers.Dense(5), input_shape=(3, 5))])
    model.compile(loss='hinge', optimizer='rmsprop')
    history = model.fit(x_train, y_train, epochs=20, batch_size=16,
                        validation_data=(x_test, y_test), verbose=0)
    value = _history_value(history, 'loss')
    return value, value < 1.0


def stacked_lstm_alphabet(keras, seed, get_test_data):
    """Two stacked LSTMs learn 'ab' -> 'c' ... and must then generate the whole alphabet."""
    layers = keras.layers
    alphabet = string.ascii_lowercase
    n, length = len(alphabet), 2
    x = np.zeros((n - length, length, n), dtype=bool)
    y = np.zeros((n - length, n), dtype=bool)
    for i in range(n - length):
        for t, char in enumerate(alphabet[i:i + length]):
            x[i, t, ord(char) - ord('a')] = 1
        y[i, ord(alphabet[i + length]) - ord('a')] = 1
    lstm = dict(recurrent_activation='hard_sigmoid')
    model = keras.models.Sequential([
        layers.LSTM(16, return_sequences=True, input_shape=(length, n), **lstm),
        layers.LSTM(16, return_sequences=False, **lstm),
        layers.Dense(n, activation='softmax')])
    model.compile(loss='categorical_crossentropy', optimizer='adam')
    model.fit(x.astype('float32'), y.astype('float32'), batch_size=1, epochs=60, verbose=0)
    generated, window = alphabet[:length], alphabet[:length]
    for _ in range(n - length):
        probe = np.zeros((1, length, n), dtype='float32')
        for t, char in enumerate(window):
            probe[0, t, ord(char) - ord('a')] = 1.
        next_char = chr(int(np.argmax(model.predict(probe, verbose=0)[0])) + ord('a'))
        generated += next_char
        window = window[1:] + next_char
    correct = sum(a == b for a, b in zip(generated, alphabet))
    return correct, generated == alphabet


def masked_temporal(keras, seed, get_test_data):
    """Inputs 1-9 after a zero-padded (masked) head; each target is the input or 2*input % 10
    with equal chance, so the best cross-entropy is -log(0.5)."""
    layers = keras.layers
    x = np.random.randint(1, 10, (20000, 10))
    for row in range(x.shape[0]):
        x[row, :np.random.randint(1, x.shape[1] // 2 + 1)] = 0
    y = (x * np.random.randint(1, 3, x.shape)) % 10
    ys = np.eye(10, dtype='float32')[y]
    model = keras.models.Sequential([layers.Embedding(10, 10, mask_zero=True, input_length=10),
                                     layers.Activation('softmax')])
    model.compile(loss='categorical_crossentropy', optimizer='adam')
    history = model.fit(x, ys, validation_split=0.05, batch_size=10, verbose=0, epochs=3)
    value = _history_value(history, 'loss')
    return value, abs(value - (-np.log(0.5))) < 0.06


def image_classification(keras, seed, get_test_data):
    model, value = _trained(conv_classifier, CURVES['conv_classifier'][2], 'val_acc', keras,
                            get_test_data)
    keras.models.Sequential.from_config(model.get_config())
    return value, value > 0.8


TASKS = {f.__name__: f for f in (
    vector_classification, vector_classification_functional, vector_regression,
    temporal_classification_gru, temporal_classification_simple_rnn, temporal_regression,
    time_distributed_3d_to_3d, stacked_lstm_alphabet, masked_temporal, image_classification)}

# name: (builder, seeds whose curves real Keras recorded, fit arguments)
CURVES = {'gru_classifier': (gru_classifier, (3, 5), dict(epochs=4, batch_size=10)),
          'lstm_hinge_regression': (lstm_hinge_regression, (1,), dict(epochs=5, batch_size=16)),
          'conv_classifier': (conv_classifier, (2,), dict(epochs=10, batch_size=16))}
