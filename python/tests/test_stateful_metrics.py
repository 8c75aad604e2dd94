"""Keras 2.2.4's stateful metrics: a metric Layer with `stateful = True` keeps a running value in
a variable (advanced by add_update); fit and evaluate report its last value rather than the mean
over batches, and reset it (reset_states) at each epoch's start and before each evaluation."""
import numpy as np

import keras_cpp as keras
from keras_cpp import backend as K


class SamplesSeen(keras.layers.Layer):
    """Counts the samples of every batch since the last reset_states()."""

    def __init__(self, name='samples_seen', **kwargs):
        super().__init__(name=name, **kwargs)
        self.stateful = True
        self.total = K.variable(0.)
        self.resets = 0

    def reset_states(self):
        self.resets += 1
        K.set_value(self.total, 0.)

    def __call__(self, y_true, y_pred):
        batch = K.sum(K.ones_like(y_pred[:, 0]))
        self.add_update(K.update_add(self.total, batch), inputs=[y_true, y_pred])
        return self.total * 1 + batch


def model_with(metric):
    inputs = keras.Input(shape=(3,))
    model = keras.Model(inputs, keras.layers.Dense(1, name='out')(inputs))
    model.compile('sgd', 'mse', metrics=[metric])
    return model


def test_fit_reports_the_last_value_and_resets_each_epoch():
    metric = SamplesSeen()
    model = model_with(metric)
    assert model.metrics_names == ['loss', 'samples_seen']
    x, y = np.random.rand(25, 3), np.random.rand(25, 1)
    vx, vy = np.random.rand(7, 3), np.random.rand(7, 1)
    history = model.fit(x, y, batch_size=10, epochs=3, validation_data=(vx, vy), verbose=0)
    # Every epoch counts its 25 samples from zero (a mean over batches would be 10+20+25 / 3),
    # and the validation counts its 7 from zero too.
    assert history.history['samples_seen'] == [25.0] * 3
    assert history.history['val_samples_seen'] == [7.0] * 3
    assert metric.resets >= 6  # 3 epochs and 3 validations


def test_evaluate_and_generators_count_from_zero():
    model = model_with(SamplesSeen())
    x, y = np.random.rand(30, 3), np.random.rand(30, 1)
    assert model.evaluate(x, y, batch_size=8, verbose=0)[1] == 30.0
    assert model.evaluate(x[:5], y[:5], batch_size=2, verbose=0)[1] == 5.0

    def batches():
        while True:
            for i in range(0, 30, 6):
                yield x[i:i + 6], y[i:i + 6]
    assert model.evaluate_generator(batches(), steps=5)[1] == 30.0
    history = model.fit_generator(batches(), steps_per_epoch=5, epochs=2, verbose=0)
    assert history.history['samples_seen'] == [30.0, 30.0]


def test_batch_methods_keep_counting():
    # Keras resets stateful metrics in its loops only: train_on_batch and test_on_batch go on.
    model = model_with(SamplesSeen())
    x, y = np.random.rand(4, 3), np.random.rand(4, 1)
    assert model.train_on_batch(x, y)[1] == 4.0
    assert model.train_on_batch(x, y)[1] == 8.0
    assert model.test_on_batch(x, y)[1] == 12.0


def test_a_plain_metric_is_still_averaged():
    def batch_size(y_true, y_pred):
        return K.sum(K.ones_like(y_pred[:, 0]))
    model = model_with(batch_size)
    x, y = np.random.rand(20, 3), np.random.rand(20, 1)
    # batches of 10 and 10: the mean (weighted by batch size) of the per-batch values
    np.testing.assert_allclose(model.evaluate(x, y, batch_size=10, verbose=0)[1], 10.0)


def test_metric_object_saved_and_loaded(tmp_path):
    # Keras writes a metric object with get_config as {'class_name', 'config'} in the training
    # config; load_model makes it again from the custom objects.
    model = model_with(SamplesSeen(name='seen'))
    x, y = np.random.rand(12, 3), np.random.rand(12, 1)
    model.fit(x, y, batch_size=5, verbose=0)
    path = str(tmp_path / 'metric.h5')
    model.save(path)
    import h5py
    import json
    with h5py.File(path, 'r') as f:
        config = json.loads(f.attrs['training_config'])
    assert config['loss'] == 'mse'
    assert config['metrics'][0]['class_name'] == 'SamplesSeen'
    loaded = keras.models.load_model(path, custom_objects={'SamplesSeen': SamplesSeen})
    assert loaded.metrics_names == ['loss', 'seen'] and isinstance(loaded.metrics[0], SamplesSeen)
    assert loaded.evaluate(x, y, batch_size=5, verbose=0)[1] == 12.0


def test_progress_bar_shows_the_last_value(capfd):
    model = model_with(SamplesSeen())
    x, y = np.random.rand(25, 3), np.random.rand(25, 1)
    model.fit(x, y, batch_size=10, epochs=1, verbose=2)
    out = capfd.readouterr().out
    # verbose=2: one line per epoch, the running count as logged (25), not the mean of the
    # batches' values (10, 20, 25 -> 18.3).
    assert 'samples_seen: 25.0000' in out, out
