"""The seed's Python code blocks that this build's layers cover, with `keras` replaced by
`keras_cpp` and data supplied where the seed leaves it out (one test per block). The quick start
(Steps 1-4) is test_quickstart.py; the functional API's multi-input multi-output example is in
test_functional_api.py.
"""
import numpy as np

from keras_cpp.layers import Activation, Dense, Lambda, Permute, RepeatVector
from keras_cpp.models import Sequential


def test_sequential_constructor_and_add():
    model = Sequential([
        Dense(32, input_dim=784),
        Activation('relu'),
        Dense(10),
        Activation('softmax'),
    ])
    model2 = Sequential()
    model2.add(Dense(32, input_dim=784))
    model2.add(Activation('relu'))
    assert model.output_shape == (None, 10)
    assert model2.output_shape == (None, 32)
    assert [layer.class_name for layer in model.layers] == ['Dense', 'Activation', 'Dense',
                                                            'Activation']


def test_input_shape_forms_2d():
    model = Sequential()
    model.add(Dense(32, input_shape=(784,)))
    assert model.input_shape == (None, 784)

    model = Sequential()
    model.add(Dense(32, batch_input_shape=(None, 784)))
    assert model.input_shape == (None, 784)
    # the batch dimension is None, so the model takes batches of any size
    assert model.predict(np.zeros((3, 784))).shape == (3, 32)
    assert model.predict(np.zeros((5, 784))).shape == (5, 32)

    model = Sequential()
    model.add(Dense(32, input_dim=784))
    assert model.input_shape == (None, 784)


def test_compile_blocks():
    x = np.random.randn(32, 8)
    # for a multi-class classification problem
    model = Sequential([Dense(3, input_dim=8, activation='softmax')])
    model.compile(optimizer='rmsprop',
                  loss='categorical_crossentropy',
                  metrics=['accuracy'])
    y = np.eye(3)[np.random.randint(3, size=32)]
    assert model.metrics_names == ['loss', 'acc']
    assert len(model.evaluate(x, y, verbose=0)) == 2

    # for a binary classification problem
    model = Sequential([Dense(1, input_dim=8, activation='sigmoid')])
    model.compile(optimizer='rmsprop',
                  loss='binary_crossentropy',
                  metrics=['accuracy'])
    assert len(model.evaluate(x, np.random.randint(2, size=(32, 1)), verbose=0)) == 2

    # for a mean squared error regression problem
    model = Sequential([Dense(1, input_dim=8)])
    model.compile(optimizer='rmsprop',
                  loss='mse')
    assert isinstance(model.evaluate(x, np.random.randn(32, 1), verbose=0), float)


def test_fit_block():
    data = np.random.randn(1000, 16)
    labels = np.eye(2)[(data[:, 0] > 0).astype(int)]
    model = Sequential([Dense(2, input_dim=16, activation='softmax')])
    model.compile(optimizer='rmsprop', loss='categorical_crossentropy', metrics=['accuracy'])
    # train the model, iterating on the data in batches
    # of 32 samples
    history = model.fit(data, labels, nb_epoch=10, batch_size=32, verbose=0)
    assert len(history.history['loss']) == 10
    assert history.history['loss'][-1] < history.history['loss'][0]
    assert history.history['acc'][-1] > history.history['acc'][0]


def test_predict_block():
    model = Sequential([Dense(4, input_dim=5, activation='softmax')])
    model.compile('sgd', 'categorical_crossentropy')
    X_test = np.random.randn(50, 5)
    classes = model.predict_classes(X_test, batch_size=32)
    proba = model.predict_proba(X_test, batch_size=32)
    assert classes.shape == (50,)
    np.testing.assert_array_equal(classes, proba.argmax(axis=1))


def test_permute_block():
    model = Sequential()
    model.add(Permute((2, 1), input_shape=(10, 64)))
    # now: model.output_shape == (None, 64, 10)
    assert model.output_shape == (None, 64, 10)
    x = np.random.randn(2, 10, 64)
    np.testing.assert_allclose(model.predict(x), x.transpose(0, 2, 1), rtol=1e-6)


def test_repeat_vector_block():
    model = Sequential()
    model.add(Dense(32, input_dim=32))
    # now: model.output_shape == (None, 32)
    assert model.output_shape == (None, 32)
    model.add(RepeatVector(3))
    # now: model.output_shape == (None, 3, 32)
    assert model.output_shape == (None, 3, 32)


def test_lambda_block():
    model = Sequential([Dense(4, input_dim=3)])
    # add a x -> x^2 layer
    model.add(Lambda(lambda x: x ** 2))
    x = np.random.randn(6, 3).astype('float32')
    kernel, bias = model.layers[0].get_weights()
    np.testing.assert_allclose(model.predict(x), (x @ kernel + bias) ** 2, rtol=1e-5, atol=1e-6)


def test_merge_layer_block():
    from keras_cpp.layers import Merge
    input_data_1, input_data_2 = np.random.rand(16, 784), np.random.rand(16, 784)
    targets = np.eye(10)[np.random.randint(10, size=16)]

    left_branch = Sequential()
    left_branch.add(Dense(32, input_dim=784))

    right_branch = Sequential()
    right_branch.add(Dense(32, input_dim=784))

    merged = Merge([left_branch, right_branch], mode='concat')

    final_model = Sequential()
    final_model.add(merged)
    final_model.add(Dense(10, activation='softmax'))

    final_model.compile(optimizer='rmsprop', loss='categorical_crossentropy')
    final_model.fit([input_data_1, input_data_2], targets, verbose=0)
    assert final_model.predict([input_data_1, input_data_2]).shape == (16, 10)

    merged = Merge([left_branch, right_branch], mode=lambda x, y: x - y)
    model = Sequential([merged])
    np.testing.assert_allclose(
        model.predict([input_data_1, input_data_2]),
        left_branch.predict(input_data_1) - right_branch.predict(input_data_2), rtol=1e-4,
        atol=1e-5)


def test_shared_lstm_block():
    from keras_cpp.layers import LSTM, Input, merge
    from keras_cpp.models import Model
    data_a, data_b = np.random.rand(8, 14, 16), np.random.rand(8, 14, 16)
    labels = np.random.randint(2, size=(8, 1))

    tweet_a = Input(shape=(14, 16))
    tweet_b = Input(shape=(14, 16))
    shared_lstm = LSTM(64)
    encoded_a = shared_lstm(tweet_a)
    encoded_b = shared_lstm(tweet_b)
    merged_vector = merge([encoded_a, encoded_b], mode='concat', concat_axis=-1)
    predictions = Dense(1, activation='sigmoid')(merged_vector)
    model = Model(input=[tweet_a, tweet_b], output=predictions)
    model.compile(optimizer='rmsprop',
                  loss='binary_crossentropy',
                  metrics=['accuracy'])
    history = model.fit([data_a, data_b], labels, nb_epoch=10, verbose=0)
    assert len(history.history['loss']) == 10 and 'acc' in history.history


def test_residual_connection_block():
    # The seed applies the convolution to nothing; as in Keras's guide, it is applied to x.
    from keras_cpp.layers import Convolution2D, Input, merge
    from keras_cpp.models import Model
    x = Input(shape=(3, 16, 16))
    y = Convolution2D(3, 3, 3, border_mode='same', dim_ordering='th')(x)
    z = merge([x, y], mode='sum')
    assert Model(x, z).output_shape == (None, 3, 16, 16)


def test_functional_api_block_and_reuse_of_models():
    from keras_cpp.layers import Input, TimeDistributed
    from keras_cpp.models import Model
    data = np.random.rand(32, 784)
    labels = np.eye(10)[np.random.randint(10, size=32)]

    # this returns a tensor
    inputs = Input(shape=(784,))

    # a layer instance is callable on a tensor, and returns a tensor
    x = Dense(64, activation='relu')(inputs)
    x = Dense(64, activation='relu')(x)
    predictions = Dense(10, activation='softmax')(x)

    # this creates a model that includes
    # the Input layer and three Dense layers
    model = Model(input=inputs, output=predictions)
    model.compile(optimizer='rmsprop',
                  loss='categorical_crossentropy',
                  metrics=['accuracy'])
    model.fit(data, labels, verbose=0)  # starts training

    x = Input(shape=(784,))
    # this works, and returns the 10-way softmax we defined above.
    y = model(x)
    reused = Model(input=x, output=y)
    np.testing.assert_allclose(reused.predict(data), model.predict(data), rtol=1e-6)

    # input tensor for sequences of 20 timesteps,
    # each containing a 784-dimensional vector
    input_sequences = Input(shape=(20, 784))

    # this applies our previous model to every timestep in the input sequences.
    # the output of the previous model was a 10-way softmax,
    # so the output of the layer below will be a sequence of 20 vectors of size 10.
    processed_sequences = TimeDistributed(model)(input_sequences)
    video = Model(input=input_sequences, output=processed_sequences)
    frames = np.random.rand(2, 20, 784)
    out = video.predict(frames)
    assert out.shape == (2, 20, 10)
    np.testing.assert_allclose(out[1], model.predict(frames[1]), rtol=1e-5, atol=1e-6)


def test_layer_from_config_block():
    from keras_cpp.utils.layer_utils import layer_from_config
    layer = Dense(32, activation='relu', input_dim=16)
    model = Sequential([layer])
    config = layer.get_config()
    same = layer_from_config({'class_name': layer.__class__.__name__, 'config': config})
    assert isinstance(same, Dense) and same.get_config() == config
    copy = Sequential([same])
    copy.set_weights(model.get_weights())
    x = np.random.rand(3, 16)
    np.testing.assert_allclose(copy.predict(x), model.predict(x), rtol=1e-6)


def test_visualization_block(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    model = Sequential([Dense(32, input_dim=784), Activation('relu'), Dense(10),
                        Activation('softmax')])
    from keras_cpp.utils.visualize_util import plot
    plot(model, show_shapes=True)
    assert (tmp_path / 'model.png').read_bytes()[:8] == b'\x89PNG\r\n\x1a\n'

    from keras_cpp.utils.visualize_util import model_to_dot
    # The seed shows this picture with IPython.display.SVG; the SVG text is what it receives.
    svg = model_to_dot(model, show_shapes=True).create(prog='dot', format='svg')
    assert b'<svg' in svg and b'(None, 784)' in svg
    assert model_to_dot(model).create(format='dot').startswith(b'digraph')
