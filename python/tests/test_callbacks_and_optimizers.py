"""Python callbacks called from C++ fit; optimizers with Keras 1 and 2 arguments."""
import numpy as np
import pytest

import keras_cpp as keras
from keras_cpp import backend as K
from keras_cpp.callbacks import Callback, History, LambdaCallback
from keras_cpp.layers import Dense
from keras_cpp.models import Sequential


def small_model(optimizer='sgd'):
    model = Sequential([Dense(2, input_dim=3, activation='softmax')])
    model.compile(optimizer, 'categorical_crossentropy', metrics=['accuracy'])
    return model


def data(n=40):
    x = np.random.randn(n, 3)
    y = keras.utils.to_categorical(np.random.randint(2, size=n), 2)
    return x, y


class Recorder(Callback):
    def __init__(self):
        super().__init__()
        self.events = []

    def on_train_begin(self, logs=None):
        self.events.append(('train_begin', self.params['epochs'], self.params['samples']))

    def on_epoch_end(self, epoch, logs=None):
        self.events.append(('epoch_end', epoch, sorted(logs)))
        logs['extra'] = 1.5

    def on_batch_end(self, batch, logs=None):
        self.events.append(('batch_end', batch, logs['size']))


def test_python_callback_sees_epochs_and_batches():
    model = small_model()
    recorder = Recorder()
    x, y = data()
    history = model.fit(x, y, epochs=3, batch_size=16, validation_split=0.25,
                        callbacks=[recorder], verbose=0)
    assert recorder.events[0] == ('train_begin', 3, 30)
    epochs = [e for e in recorder.events if e[0] == 'epoch_end']
    assert [e[1] for e in epochs] == [0, 1, 2]
    assert epochs[0][2] == ['acc', 'loss', 'val_acc', 'val_loss']
    batches = [e for e in recorder.events if e[0] == 'batch_end']
    assert [b[2] for b in batches[:2]] == [16, 14]
    assert recorder.model is model
    assert history.history['extra'] == [1.5, 1.5, 1.5]  # logs written by Python reach History


def test_stop_training_from_a_callback():
    class Stop(Callback):
        def on_epoch_end(self, epoch, logs=None):
            if epoch == 1:
                self.model.stop_training = True

    model = small_model()
    history = model.fit(*data(), epochs=10, callbacks=[Stop()], verbose=0)
    assert history.epoch == [0, 1]


def test_lambda_callback_and_history_instance():
    seen = []
    history = History()
    model = small_model()
    model.fit(*data(), epochs=2, verbose=0,
              callbacks=[LambdaCallback(on_epoch_end=lambda epoch, logs: seen.append(epoch)),
                         history])
    assert seen == [0, 1]
    assert history.epoch == [0, 1] and len(history.history['loss']) == 2


def test_exception_in_callback_propagates():
    class Boom(Callback):
        def on_batch_end(self, batch, logs=None):
            raise KeyError('boom')

    model = small_model()
    with pytest.raises(KeyError, match='boom'):
        model.fit(*data(), epochs=1, callbacks=[Boom()], verbose=0)
    model.fit(*data(), epochs=1, verbose=0)  # still usable


def test_keyboard_interrupt_stops_fit():
    class Interrupt(Callback):
        def on_batch_end(self, batch, logs=None):
            if batch == 1:
                raise KeyboardInterrupt

    model = small_model()
    with pytest.raises(KeyboardInterrupt):
        model.fit(*data(), epochs=5, batch_size=4, callbacks=[Interrupt()], verbose=0)


@pytest.mark.parametrize('optimizer', [
    keras.optimizers.SGD(lr=0.01, momentum=0.9, nesterov=True),
    keras.optimizers.SGD(learning_rate=0.01),
    keras.optimizers.RMSprop(lr=0.001, rho=0.9, epsilon=1e-8),
    keras.optimizers.Adagrad(lr=0.01),
    keras.optimizers.Adadelta(lr=1.0, rho=0.95),
    keras.optimizers.Adam(lr=0.001, beta_1=0.9, beta_2=0.999, amsgrad=True),
    keras.optimizers.Adamax(lr=0.002),
    keras.optimizers.Nadam(lr=0.002, schedule_decay=0.004),
    keras.optimizers.adam(),
    'rmsprop', 'Adam', 'nadam',
])
def test_optimizers_train(optimizer):
    model = small_model(optimizer)
    history = model.fit(*data(), epochs=2, verbose=0)
    assert np.isfinite(history.history['loss']).all()


def test_optimizer_config_and_lr_variable():
    opt = keras.optimizers.Adam(lr=0.01, decay=0.1)
    config = opt.get_config()
    assert config['lr'] == pytest.approx(0.01) and config['decay'] == pytest.approx(0.1)
    assert K.get_value(opt.lr) == pytest.approx(0.01)
    K.set_value(opt.lr, 0.5)
    assert opt.learning_rate == pytest.approx(0.5)
    model = small_model(opt)
    assert model.optimizer is opt
    restored = keras.optimizers.deserialize(keras.optimizers.serialize(opt))
    assert isinstance(restored, keras.optimizers.Adam)


def test_modules_laid_out_like_keras():
    import keras_cpp.layers.core
    import keras_cpp.objectives
    import keras_cpp.initializations
    from keras_cpp.utils.np_utils import to_categorical
    assert keras_cpp.layers.core.Dense is keras.layers.Dense
    assert keras_cpp.objectives.mse is keras.losses.mean_squared_error
    assert keras.losses.get('mse').__name__ == 'mean_squared_error'
    assert keras.metrics.get('mae') is keras.losses.mean_absolute_error
    np.testing.assert_array_equal(to_categorical([0, 2], nb_classes=3),
                                  [[1, 0, 0], [0, 0, 1]])
    init = keras_cpp.initializations.get('uniform')
    values = keras.backend.get_value(init((100, 10)))  # Keras 1: a variable
    assert values.shape == (100, 10) and np.abs(values).max() <= 0.05
    weights = keras.initializers.RandomNormal(stddev=0.01)((50, 50))
    assert keras.backend.get_value(weights).std() < 0.02
    assert keras.activations.get('relu') is keras.activations.relu
    import keras_cpp.engine.topology
    assert keras_cpp.engine.topology.Layer is keras.layers.Layer
    assert isinstance(keras.models.Sequential(), keras.engine.Model)
    import keras_cpp.layers.noise
    import keras_cpp.layers.advanced_activations
    assert keras_cpp.layers.noise.GaussianNoise is keras.layers.GaussianNoise
    assert keras_cpp.layers.core.MaxoutDense is keras.layers.MaxoutDense


def test_fashion_mnist_loads_as_uint8():
    (x_train, y_train), (x_test, y_test) = keras.datasets.fashion_mnist.load_data()
    assert x_train.shape == (60000, 28, 28) and x_train.dtype == np.uint8
    assert y_test.shape == (10000,) and y_test.max() == 9
    # mnist reads the same four IDX files from a folder the user gives
    (x_train2, _), (_, y_test2) = keras.datasets.mnist.load_data('/usr/share/datasets/fashion-mnist')
    np.testing.assert_array_equal(x_train2[:100], x_train[:100])
    np.testing.assert_array_equal(y_test2, y_test)
    with pytest.raises(Exception, match='t10k-images-idx3-ubyte.gz|train-images-idx3-ubyte.gz'):
        keras.datasets.mnist.load_data('/nonexistent')


def test_summary_and_backend_conventions():
    model = small_model()
    lines = []
    model.summary(print_fn=lines.append)
    text = '\n'.join(lines)
    assert 'dense_1 (Dense)' in text and '(None, 2)' in text
    assert 'Total params: 8' in text and 'Trainable params: 8' in text
    assert K.image_data_format() == 'channels_last' and K.image_dim_ordering() == 'tf'


def test_callback_subclass_without_super_init():
    class Plain(Callback):
        def __init__(self, label):  # no super().__init__(), as many Keras callbacks do
            self.label = label
            self.seen = []

        def on_epoch_end(self, epoch, logs=None):
            self.seen.append((self.label, epoch))

    class Chained(Recorder):
        def __init__(self):
            super().__init__()
            self.extra = True

    plain, chained = Plain('a'), Chained()
    small_model().fit(*data(), epochs=2, callbacks=[plain, chained], verbose=0)
    assert plain.seen == [('a', 0), ('a', 1)]
    assert [e[1] for e in chained.events if e[0] == 'epoch_end'] == [0, 1]

    class Patient(keras.callbacks.EarlyStopping):
        def __init__(self):
            super().__init__(monitor='loss', patience=3)

    assert isinstance(Patient(), keras.callbacks.EarlyStopping)


def test_model_checkpoint(tmp_path):
    from keras_cpp.callbacks import ModelCheckpoint
    from keras_cpp.models import load_model
    x, y = np.random.rand(32, 4), np.random.rand(32, 1)
    model = Sequential([Dense(1, input_dim=4)])
    model.compile('sgd', 'mse')
    every = ModelCheckpoint(str(tmp_path / 'w.{epoch:02d}-{loss:.3f}.h5'), monitor='loss')
    best = ModelCheckpoint(tmp_path / 'best.h5', monitor='val_loss', save_best_only=True)
    history = model.fit(x, y, epochs=3, validation_split=0.25, callbacks=[every, best], verbose=0)
    saved = sorted(p.name for p in tmp_path.glob('w.*.h5'))
    assert saved == ['w.%02d-%.3f.h5' % (i + 1, loss)
                     for i, loss in enumerate(history.history['loss'])]
    assert best.best == min(history.history['val_loss'])
    restored = load_model(str(tmp_path / saved[-1]))
    np.testing.assert_allclose(restored.predict(x), model.predict(x), rtol=1e-6)
    weights_only = ModelCheckpoint(str(tmp_path / 'weights.h5'), save_weights_only=True)
    model.fit(x, y, epochs=1, validation_split=0.25, callbacks=[weights_only], verbose=0)
    same = Sequential([Dense(1, input_dim=4)])
    same.load_weights(str(tmp_path / 'weights.h5'))
    np.testing.assert_allclose(same.predict(x), model.predict(x), rtol=1e-6)
