"""The seed's quick start (Steps 1-4), line for line, with `import keras_cpp as keras`."""
import numpy as np

import keras_cpp as keras


def test_seed_quick_start():
    # Step 1
    from keras_cpp.models import Sequential
    model = Sequential()

    from keras_cpp.layers import Dense, Activation
    model.add(Dense(output_dim=64, input_dim=100))
    model.add(Activation("relu"))
    model.add(Dense(output_dim=10))
    model.add(Activation("softmax"))

    # Step 2
    model.compile(loss='categorical_crossentropy', optimizer='sgd',
                  metrics=['accuracy'])

    # Step 3
    x_train = np.random.randn(1000, 100)
    y_labels = np.random.randint(0, 10, size=(1000,))
    y_train = np.zeros((1000, 10))
    y_train[range(1000), y_labels] = 1

    history = model.fit(x_train, y_train, nb_epoch=5, batch_size=20, verbose=0)

    # Step 4
    x_test = np.random.randn(1000, 100)
    y_labels = np.random.randint(0, 10, size=(1000,))
    y_test = np.zeros((1000, 10))
    y_test[range(1000), y_labels] = 1

    classes = model.predict_classes(x_test, batch_size=20)
    proba = model.predict_proba(x_test, batch_size=20)

    assert history.epoch == [0, 1, 2, 3, 4]
    assert sorted(history.history) == ['acc', 'loss']
    assert len(history.history['loss']) == 5
    assert history.history['loss'][-1] < history.history['loss'][0]
    assert classes.shape == (1000,)
    assert classes.min() >= 0 and classes.max() <= 9
    assert proba.shape == (1000, 10)
    np.testing.assert_allclose(proba.sum(axis=1), 1.0, rtol=1e-5)
    np.testing.assert_array_equal(classes, proba.argmax(axis=1))


def test_sequential_constructor_and_keras2_names():
    from keras_cpp.models import Sequential
    from keras_cpp.layers import Dense, Activation, Dropout
    model = Sequential([
        Dense(32, input_dim=784),
        Activation('relu'),
        Dropout(0.2),
        Dense(10, activation='softmax'),
    ])
    model.compile(optimizer=keras.optimizers.RMSprop(lr=0.001),
                  loss='categorical_crossentropy', metrics=['accuracy'])
    x = np.random.rand(64, 784).astype('float32')
    y = keras.utils.to_categorical(np.random.randint(10, size=64), 10)
    history = model.fit(x, y, epochs=2, batch_size=16, verbose=0)
    assert history.epoch == [0, 1]
    assert [layer.name for layer in model.layers] == ['dense_1', 'activation_1', 'dropout_1',
                                                      'dense_2']
    assert model.layers[0].output_shape == (None, 32)
    assert model.output_shape == (None, 10)
    assert model.count_params() == 784 * 32 + 32 + 32 * 10 + 10
    assert model.get_layer('dense_2') is model.layers[3]


def test_input_shape_forms():
    from keras_cpp.models import Sequential
    from keras_cpp.layers import Dense
    for first in (Dense(32, input_shape=(784,)), Dense(32, batch_input_shape=(None, 784)),
                  Dense(32, input_dim=784)):
        model = Sequential()
        model.add(first)
        assert model.input_shape == (None, 784)
        assert model.output_shape == (None, 32)
