"""Saving from Python: model.save / load_model, save_weights / load_weights, to_json /
model_from_json, to_yaml / model_from_yaml, for Sequential and functional models."""
import json

import numpy as np

from keras_cpp.layers import Conv2D, Dense, Flatten, Input, MaxPooling2D, concatenate
from keras_cpp.models import Model, Sequential, load_model, model_from_json, model_from_yaml


def cnn():
    model = Sequential([Conv2D(2, (3, 3), activation='relu', input_shape=(6, 6, 1)),
                        MaxPooling2D(), Flatten(), Dense(3, activation='softmax')])
    model.compile('adam', 'categorical_crossentropy', metrics=['accuracy'])
    return model


def two_inputs():
    a, b = Input(shape=(3,), name='a'), Input(shape=(2,), name='b')
    x = Dense(4, activation='relu')(concatenate([a, b]))
    model = Model(inputs=[a, b], outputs=[Dense(1, name='out1')(x), Dense(2, name='out2')(x)])
    model.compile('sgd', loss={'out1': 'mse', 'out2': 'mse'}, loss_weights=[1., 0.5])
    return model


def test_sequential_save_and_load_model(tmp_path):
    model = cnn()
    x = np.random.rand(8, 6, 6, 1)
    y = np.eye(3)[np.random.randint(0, 3, 8)]
    model.fit(x, y, epochs=1, verbose=0)
    path = tmp_path / 'cnn.h5'
    model.save(str(path))
    restored = load_model(str(path))
    assert isinstance(restored, Sequential)
    assert [l.name for l in restored.layers] == [l.name for l in model.layers]
    np.testing.assert_allclose(restored.predict(x), model.predict(x), rtol=1e-5, atol=1e-6)
    restored.fit(x, y, epochs=1, verbose=0)  # compiled from the file's training config


def test_functional_save_and_load_model(tmp_path):
    model = two_inputs()
    xa, xb = np.random.rand(8, 3), np.random.rand(8, 2)
    model.fit([xa, xb], [np.random.rand(8, 1), np.random.rand(8, 2)], epochs=1, verbose=0)
    path = tmp_path / 'two.h5'
    model.save(str(path))
    restored = load_model(str(path))
    assert isinstance(restored, Model) and restored.input_names == ['a', 'b']
    for got, want in zip(restored.predict([xa, xb]), model.predict([xa, xb])):
        np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-6)


def test_weights_and_json_round_trip(tmp_path):
    model = two_inputs()
    config = json.loads(model.to_json())
    assert config['class_name'] == 'Model'
    same = model_from_json(model.to_json())
    path = tmp_path / 'w.h5'
    model.save_weights(str(path))
    same.load_weights(str(path))
    xa, xb = np.random.rand(4, 3), np.random.rand(4, 2)
    for got, want in zip(same.predict({'a': xa, 'b': xb}), model.predict([xa, xb])):
        np.testing.assert_allclose(got, want, rtol=1e-6)
    seq = cnn()
    again = model_from_yaml(seq.to_yaml())
    seq.save_weights(str(tmp_path / 'seq.h5'))
    again.load_weights(str(tmp_path / 'seq.h5'))
    x = np.random.rand(2, 6, 6, 1)
    np.testing.assert_allclose(again.predict(x), seq.predict(x), rtol=1e-6)
