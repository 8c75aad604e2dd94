"""keras.engine.training: Model, the base of Sequential (compile/fit/evaluate/predict); and
Keras 1.2.2's array helpers that scripts imported from here (slice_X, make_batches,
batch_shuffle) and its GeneratorEnqueuer."""
import queue as _queue

import numpy as np

from ..models import Model  # noqa: F401
from ..utils import data_utils as _data_utils
from ..utils.generic_utils import slice_arrays
from .training_utils import batch_shuffle, make_batches  # noqa: F401 (Keras 1 had them here)


def slice_X(X, start=None, stop=None):
    """Keras 1: X[start:stop], or [x[start:stop] for x in X] for a list; `start` may be a list
    or array of indices (then stop is None)."""
    if isinstance(X, list):
        return slice_arrays(X, start, stop)
    if hasattr(start, '__len__'):
        return X[start.tolist() if hasattr(start, 'shape') else start]
    return X[start:stop]


class GeneratorEnqueuer(_data_utils.GeneratorEnqueuer):
    """Keras 1.2.2's GeneratorEnqueuer(generator, pickle_safe=False), from keras.engine.training:
    start(nb_worker, max_q_size, wait_time) runs the generator on worker threads, which put its
    items themselves on `queue` (Keras 1's loops read it directly, polling is_running()); a
    worker's exception stops the enqueuer and is raised by get()."""

    def __init__(self, generator, pickle_safe=False):
        super().__init__(generator, use_multiprocessing=pickle_safe)
        self.pickle_safe = pickle_safe
        self.exception = None

    def start(self, nb_worker=1, max_q_size=10, wait_time=0.05):
        self.wait_time = wait_time
        self.exception = None
        super().start(workers=nb_worker, max_queue_size=max_q_size)

    def _work(self):
        try:
            while not self.stop_signal.is_set():
                with self._lock:
                    item = next(self._generator)
                if not self._put(item):
                    return
        except StopIteration:
            self.stop_signal.set()
        except Exception as e:  # noqa: BLE001 (raised to the consumer by get())
            self.exception = e
            self.stop_signal.set()

    def get(self):
        """The queued items, in order, until the workers stop."""
        while self.is_running() or not self.queue.empty():
            try:
                yield self.queue.get(block=True, timeout=self.wait_time)
            except _queue.Empty:
                continue
        if self.exception is not None:
            raise self.exception
