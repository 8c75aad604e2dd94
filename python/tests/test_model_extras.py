"""Model methods Keras code uses beyond fit/evaluate/predict: generators on functional models,
model.history, reset_states of stateful recurrent models, keras.models.save_model."""
import numpy as np
import pytest

from keras_cpp.layers import LSTM, Dense, Input
from keras_cpp.models import Model, Sequential, load_model, save_model


def batches(x, y, size=4):
    while True:
        for i in range(0, len(x), size):
            yield x[i:i + size], y[i:i + size]


def test_functional_model_generators_and_history():
    x, y = np.random.rand(16, 3), np.random.rand(16, 2)
    a = Input(shape=(3,))
    model = Model(inputs=a, outputs=Dense(2)(Dense(4, activation='relu')(a)))
    model.compile('sgd', 'mse')
    history = model.fit_generator(batches(x, y), steps_per_epoch=4, epochs=2, verbose=0)
    assert model.history is history and len(history.history['loss']) == 2
    loss = model.evaluate_generator(batches(x, y), steps=4)
    np.testing.assert_allclose(loss, model.evaluate(x, y, batch_size=4, verbose=0), rtol=1e-5)
    np.testing.assert_allclose(model.predict_generator((b[0] for b in batches(x, y)), steps=4),
                               model.predict(x), rtol=1e-5, atol=1e-6)
    fit = model.fit(x, y, epochs=3, verbose=0)
    assert model.history is fit and len(fit.history['loss']) == 3

    b = Input(shape=(2,))
    two = Model(inputs=[a, b], outputs=Dense(1)(b))
    two.compile('sgd', 'mse')
    # A generator's x holds one array per input (the one loop takes several inputs).
    two.fit_generator((([xb, yb], yb[:, :1]) for xb, yb in batches(x, y)), steps_per_epoch=4,
                      verbose=0)
    with pytest.raises(ValueError, match='Expected to see 2 array'):
        two.fit_generator(batches(x, y), steps_per_epoch=1, verbose=0)


def test_stateful_model_reset_states():
    model = Sequential([LSTM(3, stateful=True, batch_input_shape=(2, 4, 5))])
    assert model.layers[0].stateful and model.stateful
    x = np.random.rand(2, 4, 5)
    first = model.predict(x, batch_size=2)
    second = model.predict(x, batch_size=2)  # starts from the states the first call left
    assert not np.allclose(first, second)
    model.reset_states()
    np.testing.assert_allclose(model.predict(x, batch_size=2), first, rtol=1e-6)
    model.layers[0].reset_states()
    np.testing.assert_allclose(model.predict(x, batch_size=2), first, rtol=1e-6)


def test_save_model_function(tmp_path):
    model = Sequential([Dense(2, input_dim=3)])
    model.compile('adam', 'mse')
    save_model(model, tmp_path / 'm.h5')
    x = np.random.rand(4, 3)
    np.testing.assert_allclose(load_model(tmp_path / 'm.h5').predict(x), model.predict(x),
                               rtol=1e-6)


def test_input_layer():
    from keras_cpp.engine.topology import InputLayer
    a = Input(shape=(3,), name='a')
    model = Model(inputs=a, outputs=Dense(2)(a))
    assert isinstance(model.layers[0], InputLayer) and model.layers[0].name == 'a'
    layer = InputLayer(input_shape=(3,), batch_size=5, name='explicit')
    assert layer.output.shape == (5, 3) and layer.batch_input_shape == (5, 3)
    same = Model(inputs=layer.output, outputs=model(layer.output))
    x = np.random.rand(5, 3)
    np.testing.assert_allclose(same.predict(x, batch_size=5), model.predict(x), rtol=1e-6)
    assert InputLayer(batch_input_shape=(None, 4), input_dtype='float32').output.shape == (None, 4)


def test_np_utils():
    from keras_cpp.utils import np_utils
    np.testing.assert_array_equal(np_utils.probas_to_classes(np.array([[.1, .9], [.8, .2]])),
                                  [1, 0])
    np.testing.assert_array_equal(np_utils.probas_to_classes(np.array([[.7], [.2]])), [1, 0])
    np.testing.assert_array_equal(np_utils.probas_to_classes(np.array([.7, .2])), [1, 0])
    np.testing.assert_allclose(np_utils.normalize(np.array([[3., 4.]])), [[.6, .8]])
    np.testing.assert_array_equal(np_utils.to_categorical([0, 2], nb_classes=3),
                                  [[1, 0, 0], [0, 0, 1]])


def test_models_from_config():
    from keras_cpp.models import model_from_config
    seq = Sequential([Dense(2, input_dim=3, name='d')])
    a = Input(shape=(3,), name='a')
    func = Model(inputs=a, outputs=Dense(2, name='d')(a))
    x = np.random.rand(4, 3)
    for model, cls in ((seq, Sequential), (func, Model)):
        for rebuilt in (cls.from_config(model.get_config()),
                        model_from_config({'class_name': cls.__name__,
                                           'config': model.get_config()})):
            assert type(rebuilt) is cls and rebuilt.get_layer('d').units == 2
            rebuilt.set_weights(model.get_weights())
            np.testing.assert_allclose(rebuilt.predict(x), model.predict(x), rtol=1e-6)
    with pytest.raises(TypeError, match='Model.from_config'):
        model_from_config(seq.get_config())


def test_sequential_inputs_of_merged_branches():
    from keras_cpp.layers import Merge
    left, right = Sequential([Dense(2, input_dim=3)]), Sequential([Dense(2, input_dim=4)])
    model = Sequential([Merge([left, right], mode='concat'), Dense(1)])
    assert [t.shape for t in model.inputs] == [(None, 3), (None, 4)]
    assert len(model.outputs) == 1
    model.compile('sgd', 'mse')
    x3, x4, y = np.random.rand(6, 3), np.random.rand(6, 4), np.random.rand(6, 1)
    history = model.fit_generator(iter([([x3, x4], y)] * 2), steps_per_epoch=2, verbose=0)
    assert len(history.history['loss']) == 1


def test_keras1_topology_names():
    from keras_cpp.engine.topology import Container, Merge, merge  # noqa: F401
    from keras_cpp.engine import topology
    assert Container is Model and merge is topology.merge
    a, b = Input(shape=(2,)), Input(shape=(2,))
    model = Container(input=[a, b], output=merge([a, b], mode='sum'))
    np.testing.assert_allclose(model.predict([np.ones((1, 2)), np.ones((1, 2))]), [[2., 2.]])


def test_layer_utils_print_summary_and_count_params():
    from keras_cpp.utils.layer_utils import count_params, print_summary
    model = Sequential([Dense(2, input_dim=3, name='d')])
    lines = []
    print_summary(model, line_length=50, positions=[.5, .8, 1.], print_fn=lines.append)
    assert lines[1].startswith('Layer (type)' + ' ' * 13 + 'Output Shape')
    assert lines[3].startswith('d (Dense)') and 'Total params: 8' in lines
    assert count_params(model.trainable_weights) == 8
