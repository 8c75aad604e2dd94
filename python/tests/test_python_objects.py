"""keras_cpp objects behave like Python objects (issue 12 item 9): pickle and copy.deepcopy of
layers, models and optimizers; repr that never crashes; any object as a callback's model; Python
layers of several inputs and outputs."""
import copy
import pickle
import subprocess
import sys
import textwrap

import numpy as np
import pytest

import keras_cpp as keras
from keras_cpp import backend as K


class Scale(keras.layers.Layer):
    """A Python layer with a weight and a config (module level: pickle finds classes by name)."""

    def __init__(self, factor=2.0, **kwargs):
        super().__init__(**kwargs)
        self.factor = factor

    def build(self, input_shape):
        self.w = self.add_weight('w', (input_shape[-1],), initializer='ones')

    def call(self, x):
        return x * self.w * self.factor

    def get_config(self):
        config = super().get_config()
        config['factor'] = self.factor
        return config


def scaled_mse(y_true, y_pred):
    return K.mean(K.square(y_pred - y_true)) * 2


def _model():
    x = keras.Input(shape=(3,))
    h = keras.layers.Dense(4, activation='tanh')(x)
    out = Scale(factor=0.5)(keras.layers.Dense(2)(h))
    model = keras.Model(x, out)
    model.compile('adam', scaled_mse, metrics=['mae'])
    return model


def test_layers_pickle_and_deepcopy_with_config_and_weights():
    dense = keras.layers.Dense(3, activation='relu', name='d')
    dense(keras.Input(shape=(2,)))
    dense.set_weights([np.arange(6, dtype='float32').reshape(2, 3), np.ones(3, 'float32')])
    for restored in (pickle.loads(pickle.dumps(dense)), copy.deepcopy(dense)):
        assert isinstance(restored, keras.layers.Dense) and restored is not dense
        assert restored.get_config() == dense.get_config()
        for a, b in zip(restored.get_weights(), dense.get_weights()):
            np.testing.assert_array_equal(a, b)
    unbuilt = pickle.loads(pickle.dumps(keras.layers.Dropout(0.3)))
    assert unbuilt.rate == pytest.approx(0.3) and not unbuilt.built

    scale = Scale(factor=3.0)
    scale(keras.Input(shape=(4,)))
    scale.set_weights([np.array([1., 2., 3., 4.], 'float32')])
    restored = pickle.loads(pickle.dumps(scale))
    assert type(restored) is Scale and restored.factor == 3.0
    np.testing.assert_array_equal(restored.get_weights()[0], [1, 2, 3, 4])


def test_models_pickle_and_deepcopy_through_save():
    model = _model()
    x = np.random.rand(8, 3).astype('float32')
    y = np.random.rand(8, 2).astype('float32')
    model.fit(x, y, epochs=1, verbose=0)
    expected = model.predict(x)
    for restored in (pickle.loads(pickle.dumps(model)), copy.deepcopy(model)):
        assert restored is not model
        np.testing.assert_allclose(restored.predict(x), expected, rtol=1e-6)
        assert restored.loss is scaled_mse and restored.metrics == ['mae']
        # compiled with the optimizer's state: training continues as the original would
        assert np.isfinite(restored.train_on_batch(x, y)).all()
    seq = keras.Sequential([keras.layers.Dense(2, input_shape=(3,))])
    clone = copy.deepcopy(seq)
    assert isinstance(clone, keras.Sequential)
    np.testing.assert_allclose(clone.predict(x), seq.predict(x), rtol=1e-6)


def test_optimizers_pickle_and_deepcopy_with_their_config():
    opt = keras.optimizers.Adam(lr=0.005, beta_1=0.8)
    for restored in (pickle.loads(pickle.dumps(opt)), copy.deepcopy(opt)):
        assert isinstance(restored, keras.optimizers.Adam) and restored is not opt
        assert restored.get_config() == opt.get_config()


def test_repr_of_every_object_is_safe():
    model = _model()
    assert 'Dense' in repr(model.layers[1])
    for obj in [model, keras.optimizers.SGD(), keras.callbacks.History(), keras.Input((2,)),
                keras.layers.InputSpec(ndim=2)]:
        assert isinstance(repr(obj), str)


def test_repr_of_an_object_whose_constructor_raised():
    # pytest formats the arguments of each frame of a traceback (repr of a half-built `self`);
    # this must raise the constructor's error, not crash the interpreter.
    script = textwrap.dedent('''
        import keras_cpp as keras
        for make in [lambda: keras.layers.SpatialDropout1D(),
                     lambda: keras.layers.Dropout(),
                     lambda: keras.models.Model(),
                     lambda: keras.optimizers.SGD(lr='fast')]:
            try:
                make()
            except Exception as error:
                frame = error.__traceback__
                while frame.tb_next is not None:
                    frame = frame.tb_next
                for value in frame.tb_frame.f_locals.values():
                    repr(value)
        half_built = keras.layers.Dense.__new__(keras.layers.Dense)
        text = repr(half_built)
        assert 'Dense' in text, text
        print('ok')
    ''')
    done = subprocess.run([sys.executable, '-c', script], stdout=subprocess.PIPE,
                          stderr=subprocess.PIPE, env=_env())
    assert done.returncode == 0, done.stderr.decode()
    assert done.stdout.decode().strip() == 'ok'


def _env():
    import os
    env = dict(os.environ)
    env['PYTHONPATH'] = os.pathsep.join(p for p in sys.path if p)
    return env


def test_pytest_reports_a_constructor_error_with_locals(tmp_path):
    # The original crash: pytest's long traceback (with --showlocals) reprs the half-built self.
    test_file = tmp_path / 'test_half_built.py'
    test_file.write_text(textwrap.dedent('''
        import keras_cpp as keras

        def test_spatial_dropout_without_rate():
            keras.layers.SpatialDropout1D()

        def test_model_without_outputs():
            keras.models.Model(inputs=None)
    '''))
    done = subprocess.run([sys.executable, '-m', 'pytest', '-q', '-p', 'no:cacheprovider',
                           '--showlocals', '--tb=long', str(test_file)],
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=_env(),
                          cwd=str(tmp_path))
    out = done.stdout.decode()
    assert done.returncode == 1, out + done.stderr.decode()  # two failures, no crash
    assert "missing required argument: 'rate'" in out and '2 failed' in out
    assert '(not constructed)>' in out


def test_callbacks_take_any_object_as_model():
    class Recorder(keras.callbacks.Callback):
        pass

    class Stand(object):
        stop_training = False

    callback = Recorder()
    stand = Stand()
    callback.model = stand
    assert callback.model is stand
    callback.set_model('anything')
    assert callback.model == 'anything'
    for builtin in (keras.callbacks.History(), keras.callbacks.EarlyStopping()):
        builtin.set_model(stand)
        assert builtin.model is stand
    model = keras.Sequential([keras.layers.Dense(1, input_shape=(2,))])
    model.compile('sgd', 'mse')
    seen = []

    class Sees(keras.callbacks.Callback):
        def on_epoch_end(self, epoch, logs=None):
            seen.append(self.model)

    callback = Sees()
    callback.model = stand
    model.fit(np.zeros((4, 2)), np.zeros((4, 1)), epochs=1, verbose=0, callbacks=[callback])
    assert seen[0] is model  # fit sets the model it trains


class SplitHalves(keras.layers.Layer):
    """Two outputs: the first and the second half of the features."""

    def call(self, x):
        half = K.int_shape(x)[-1] // 2
        return [K.slice(x, (0, 0), (-1, half)), x[:, half:2 * half]]

    def compute_output_shape(self, input_shape):
        half = input_shape[-1] // 2
        return [(input_shape[0], half), (input_shape[0], half)]


class WeightedSum(keras.layers.Layer):
    """Two inputs, one weight per input."""

    def build(self, input_shape):
        assert isinstance(input_shape, list) and len(input_shape) == 2
        self.w = self.add_weight('w', (2,), initializer='ones')

    def call(self, inputs):
        a, b = inputs
        return a * 2 + b

    def compute_output_shape(self, input_shape):
        return input_shape[0]


def test_python_layers_return_several_outputs_and_take_several_inputs():
    x = keras.Input(shape=(4,))
    first, second = SplitHalves()(x)
    assert K.int_shape(first) == (None, 2) and K.int_shape(second) == (None, 2)
    total = WeightedSum()([first, second])
    model = keras.Model(x, [first, second, total])
    data = np.arange(8, dtype='float32').reshape(2, 4)
    a, b, c = model.predict(data)
    np.testing.assert_allclose(a, data[:, :2])
    np.testing.assert_allclose(b, data[:, 2:])
    np.testing.assert_allclose(c, data[:, :2] * 2 + data[:, 2:])
