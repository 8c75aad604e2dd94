"""A model trained in Python and saved loads in C++ and predicts the same, and the reverse, for
Keras 2's HDF5 files and Keras 3's .keras archives. From either, training continues after loading
on either side exactly as it would have continued without saving (the optimizer's state travels
with the model).

The C++ half is the program keras_model_io (python/tests/interop/keras_model_io.cpp), built with
the extension; ctest gives its path in KERAS_MODEL_IO. Without that program (a build without the
tests) these tests are skipped.
"""
import os
import pathlib
import subprocess

import numpy as np
import pytest

from keras_cpp.layers import (LSTM, Conv2D, Dense, Flatten, Input, MaxPooling2D, concatenate)
from keras_cpp.models import Model, Sequential, load_model


def _program():
    path = os.environ.get('KERAS_MODEL_IO')
    if path is None:  # run by hand: the default build folder
        path = pathlib.Path(__file__).resolve().parents[2] / 'build' / 'python' / 'keras_model_io'
    return str(path) if os.path.isfile(path) else None


PROGRAM = _program()
pytestmark = pytest.mark.skipif(PROGRAM is None,
                                reason='keras_model_io is not built (KERAS_MODEL_IO unset)')

EPOCHS = 2


def build(kind):
    """The same models keras_model_io builds."""
    if kind == 'sequential':
        model = Sequential([Conv2D(3, (3, 3), activation='relu', input_shape=(6, 6, 1)),
                            MaxPooling2D(), Flatten(), Dense(3, activation='softmax')])
        model.compile('adam', 'categorical_crossentropy', metrics=['accuracy'])
        return model
    sequence, extra = Input(shape=(5, 4), name='sequence'), Input(shape=(3,), name='extra')
    x = Dense(6, activation='tanh')(concatenate([LSTM(4)(sequence), extra]))
    model = Model(inputs=[sequence, extra],
                  outputs=[Dense(2, name='out1')(x), Dense(1, activation='sigmoid', name='out2')(x)])
    model.compile('adam', loss={'out1': 'mse', 'out2': 'binary_crossentropy'},
                  loss_weights=[1., 0.5])
    return model


def data(kind, folder):
    """x and y for `kind`, written as x_0.npy, ..., y_0.npy, ... in `folder`."""
    rng = np.random.RandomState(3)
    if kind == 'sequential':
        x = [rng.rand(16, 6, 6, 1).astype('float32')]
        y = [np.eye(3, dtype='float32')[rng.randint(0, 3, 16)]]
    else:
        x = [rng.rand(16, 5, 4).astype('float32'), rng.rand(16, 3).astype('float32')]
        y = [rng.rand(16, 2).astype('float32'), rng.randint(0, 2, (16, 1)).astype('float32')]
    folder.mkdir(parents=True, exist_ok=True)
    for prefix, arrays in (('x', x), ('y', y)):
        for i, a in enumerate(arrays):
            np.save(str(folder / ('%s_%d.npy' % (prefix, i))), a)
    return x, y


def run(*args):
    done = subprocess.run([PROGRAM] + [str(a) for a in args], capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0, 'keras_model_io %s failed:\n%s%s' % (
        ' '.join(map(str, args)), done.stdout, done.stderr)


def outputs(model, x):
    predictions = model.predict(x if len(x) > 1 else x[0], batch_size=32)
    return predictions if isinstance(predictions, list) else [predictions]


def written(folder, prefix, count):
    return [np.load(str(folder / ('%s_%d.npy' % (prefix, i)))) for i in range(count)]


def assert_same(got, want):
    assert len(got) == len(want)
    for g, w in zip(got, want):
        assert g.shape == w.shape and g.dtype == w.dtype
        np.testing.assert_allclose(g, w, rtol=0, atol=1e-6)


def fit(model, x, y, epochs):
    model.fit(x if len(x) > 1 else x[0], y if len(y) > 1 else y[0], batch_size=8, epochs=epochs,
              shuffle=False, verbose=0)


@pytest.mark.parametrize('kind', ['sequential', 'functional'])
def test_trained_in_python_loads_in_cpp(tmp_path, kind):
    x, y = data(kind, tmp_path / 'data')
    model = build(kind)
    fit(model, x, y, EPOCHS)
    paths = [tmp_path / 'model.h5', tmp_path / 'model.keras']
    for path in paths:
        model.save(str(path))
    before = outputs(model, x)
    fit(model, x, y, 1)  # what the C++ side must reproduce from the files
    after = outputs(model, x)
    assert not np.allclose(before[0], after[0])  # the epoch changed something to compare
    for path in paths:
        out = tmp_path / ('cpp_' + path.suffix[1:])
        run('resume', path, tmp_path / 'data', out, 1)
        assert_same(written(out, 'pred', len(before)), before)
        assert_same(written(out, 'after', len(after)), after)  # optimizer state carried


@pytest.mark.parametrize('suffix', ['h5', 'keras'])
@pytest.mark.parametrize('kind', ['sequential', 'functional'])
def test_trained_in_cpp_loads_in_python(tmp_path, kind, suffix):
    x, y = data(kind, tmp_path / 'data')
    path = tmp_path / ('model.' + suffix)
    run('train', kind, tmp_path / 'data', tmp_path / 'cpp', path, EPOCHS)
    model = load_model(str(path))
    assert isinstance(model, Sequential if kind == 'sequential' else Model)
    before = written(tmp_path / 'cpp', 'pred', 1 if kind == 'sequential' else 2)
    assert_same(outputs(model, x), before)
    fit(model, x, y, 1)  # compiled from the file, Adam's moments and iteration count restored
    assert_same(outputs(model, x), written(tmp_path / 'cpp', 'after', len(before)))


def test_optimizer_state_matters(tmp_path):
    """The comparisons above would not notice a lost optimizer state if a fresh Adam gave the same
    step: it does not."""
    x, y = data('sequential', tmp_path / 'data')
    run('train', 'sequential', tmp_path / 'data', tmp_path / 'cpp', tmp_path / 'm.h5', EPOCHS)
    fresh = load_model(str(tmp_path / 'm.h5'), compile=False)
    fresh.compile('adam', 'categorical_crossentropy', metrics=['accuracy'])
    fit(fresh, x, y, 1)
    with pytest.raises(AssertionError):
        assert_same(outputs(fresh, x), written(tmp_path / 'cpp', 'after', 1))
