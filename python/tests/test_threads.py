"""A model used from several Python threads at once (predict releases the GIL), and the caller's
floating-point state: the library flushes denormals only while it computes."""
import threading

import numpy as np

from keras_cpp.layers import Dense
from keras_cpp.models import Sequential


def _classifier():
    model = Sequential([Dense(64, activation='relu', input_dim=20),
                        Dense(64, activation='tanh'),
                        Dense(5, activation='softmax')])
    model.compile('sgd', 'categorical_crossentropy')
    return model


def _run_in_threads(count, work):
    errors = []

    def guarded(i):
        try:
            work(i)
        except BaseException as e:  # reported below, with the thread's own traceback lost
            errors.append(e)

    threads = [threading.Thread(target=guarded, args=(i,)) for i in range(count)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors


def test_predict_on_the_same_model_from_several_threads_gives_the_one_thread_numbers():
    # Before the lock: 574 of 600 predictions wrong, softmax values outside [0, 1].
    model = _classifier()
    x = np.random.randn(128, 20).astype('float32')
    expected = model.predict(x, batch_size=32)
    wrong = []

    def work(_):
        for _ in range(30):
            if not np.array_equal(model.predict(x, batch_size=32), expected):
                wrong.append(1)

    _run_in_threads(4, work)
    assert not wrong, '%d of 120 predictions differ from the one-thread result' % len(wrong)


def test_evaluate_and_predict_from_several_threads_agree_with_one_thread():
    model = _classifier()
    x = np.random.randn(64, 20).astype('float32')
    y = np.eye(5, dtype='float32')[np.arange(64) % 5]
    loss = model.evaluate(x, y, batch_size=16, verbose=0)
    batch = model.predict_on_batch(x)
    results = []

    def work(i):
        for _ in range(20):
            if i % 2:
                results.append(model.evaluate(x, y, batch_size=16, verbose=0) == loss)
            else:
                results.append(np.array_equal(model.predict_on_batch(x), batch))

    _run_in_threads(4, work)
    assert all(results)


def test_predict_while_another_thread_fits_sees_whole_steps():
    model = _classifier()
    x = np.random.randn(256, 20).astype('float32')
    y = np.eye(5, dtype='float32')[np.arange(256) % 5]
    sums = []
    done = threading.Event()

    def train():
        model.fit(x, y, batch_size=8, epochs=2, verbose=0)
        done.set()

    trainer = threading.Thread(target=train)
    trainer.start()
    while not done.is_set() or not sums:
        sums.append(model.predict(x, batch_size=64).sum(axis=1))
    trainer.join()
    np.testing.assert_allclose(np.concatenate(sums), 1.0, rtol=1e-4)


def _subnormals_work():
    tiny = np.float32(1e-40)
    assert tiny != 0
    assert tiny * np.float32(1) != 0, 'numpy flushes subnormals to zero'
    assert np.nextafter(np.float32(0), np.float32(1)) != 0
    assert np.finfo(np.float32).smallest_subnormal != 0


def test_predict_and_fit_leave_numpys_subnormals_alone():
    _subnormals_work()
    model = _classifier()
    x = np.random.randn(32, 20).astype('float32')
    y = np.eye(5, dtype='float32')[np.arange(32) % 5]
    model.predict(x)
    _subnormals_work()
    model.fit(x, y, epochs=1, verbose=0)
    model.evaluate(x, y, verbose=0)
    model.train_on_batch(x, y)
    _subnormals_work()
