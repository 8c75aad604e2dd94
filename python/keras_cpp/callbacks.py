"""Keras's callbacks. Subclass Callback and define any of on_epoch_begin/on_epoch_end/
on_batch_begin/on_batch_end/on_train_begin/on_train_end(…, logs); fit calls them from C++.
`self.model` is the model being trained (set `self.model.stop_training = True` to stop) and
`self.params` holds Keras's params dict.
"""
import collections
import json
import time
import warnings

import numpy as np

from ._export import export
from ._keras_cpp import callbacks as _callbacks

export(_callbacks, globals())


# Keras's Callback needs no super().__init__() call in a subclass's __init__ (many callbacks in
# the wild skip it); the engine's does. So a subclass's own __init__ first initialises the engine
# part, once (a later super().__init__() does nothing).
_engine_init = _callbacks.Callback.__init__


def _init_once(self):
    if not self.__dict__.get('_keras_cpp_initialised'):
        _engine_init(self)
        self.__dict__['_keras_cpp_initialised'] = True


def _init_subclass(cls, **kwargs):
    own_init = cls.__dict__.get('__init__')
    engine_base = next(k for k in cls.__mro__[1:] if type(k) is type(_callbacks.Callback))
    if own_init is None or engine_base is not _callbacks.Callback:
        return  # subclasses of EarlyStopping, History, ...: their own __init__ chain as usual

    def __init__(self, *args, **kwargs):
        _init_once(self)
        own_init(self, *args, **kwargs)

    __init__.__doc__ = own_init.__doc__
    cls.__init__ = __init__


_callbacks.Callback.__init__ = _init_once
# Keras's Callback.validation_data: None until fit gives the arrays it validates on.
_callbacks.Callback.validation_data = None
_callbacks.Callback.__init_subclass__ = classmethod(_init_subclass)


_reduce_lr_init = _callbacks.ReduceLROnPlateau.__init__


def _reduce_lr_on_plateau_init(self, monitor='val_loss', factor=0.1, patience=10, verbose=0,
                               mode='auto', min_delta=1e-4, cooldown=0, min_lr=0, **kwargs):
    """Keras 2.2.4's signature: Keras 2.0's `epsilon` is min_delta, with a warning."""
    if 'epsilon' in kwargs:
        min_delta = kwargs.pop('epsilon')
        warnings.warn('`epsilon` argument is deprecated and will be removed, use `min_delta` '
                      'instead.', stacklevel=2)
    if kwargs:
        raise TypeError('ReduceLROnPlateau got unexpected keyword arguments: ' +
                        ', '.join(sorted(kwargs)))
    _reduce_lr_init(self, monitor, factor, patience, verbose, mode, min_delta, cooldown, min_lr)
    self.min_delta = min_delta


_callbacks.ReduceLROnPlateau.__init__ = _reduce_lr_on_plateau_init


def _numbers(logs):
    """The entries of a logs dict the engine's callbacks read: those that are numbers."""
    out = {}
    for key, value in (logs or {}).items():
        try:
            out[str(key)] = float(value)
        except (TypeError, ValueError):
            pass
    return out


def _early_stopping_on_train_begin(self, logs=None):
    self._engine_on_train_begin()
    self.__dict__['best_weights'] = None


def _early_stopping_on_epoch_end(self, epoch, logs=None):
    """The engine decides; a model that is not keras_cpp's (a stand-in, as Keras's tests set)
    is stopped and has its best weights kept and restored here, as Keras's EarlyStopping does."""
    self._engine_on_epoch_end(epoch, _numbers(logs))
    model = self.model
    if model is None or isinstance(model, _callbacks_model_class()) or \
            self.monitor not in (logs or {}):
        return
    if self.wait == 0:
        if self.restore_best_weights:
            self.__dict__['best_weights'] = model.get_weights()
    elif self.wait >= self.patience:
        model.stop_training = True
        if self.restore_best_weights and self.__dict__.get('best_weights') is not None:
            model.set_weights(self.__dict__['best_weights'])


def _callbacks_model_class():
    from ._keras_cpp.models import Model
    return Model


_callbacks.EarlyStopping.on_train_begin = _early_stopping_on_train_begin
_callbacks.EarlyStopping.on_epoch_end = _early_stopping_on_epoch_end


def _reduce_lr_on_train_begin(self, logs=None):
    self._engine_on_train_begin()


def _reduce_lr_on_epoch_end(self, epoch, logs=None):
    """The engine decides. A model that is not keras_cpp's (a stand-in whose `optimizer.lr` is a
    K.variable, as Keras's tests set) has its learning rate read and set here with
    K.get_value / K.set_value, as Keras's ReduceLROnPlateau does; `logs['lr']` gets the rate
    the epoch ran with."""
    numbers = _numbers(logs)
    numbers.pop('lr', None)
    model = self.model
    stand_in = model is not None and not isinstance(model, _callbacks_model_class())
    if stand_in:
        from . import backend as K
        lr = K.get_value(model.optimizer.lr)
        numbers['lr'] = float(lr)
    out = self._engine_on_epoch_end(epoch, numbers)
    if stand_in:
        if out['lr'] != float(lr):
            K.set_value(model.optimizer.lr, out['lr'])
        out['lr'] = lr
    if logs is not None:
        logs['lr'] = out['lr']


_callbacks.ReduceLROnPlateau.on_train_begin = _reduce_lr_on_train_begin
_callbacks.ReduceLROnPlateau.on_epoch_end = _reduce_lr_on_epoch_end


class LambdaCallback(Callback):  # noqa: F821 (exported above)
    """A callback made of functions: LambdaCallback(on_epoch_end=lambda epoch, logs: ...)."""

    def __init__(self, on_epoch_begin=None, on_epoch_end=None, on_batch_begin=None,
                 on_batch_end=None, on_train_begin=None, on_train_end=None, **kwargs):
        super().__init__()
        self.__dict__.update(kwargs)
        nothing = lambda *args: None  # noqa: E731
        self.on_epoch_begin = on_epoch_begin or nothing
        self.on_epoch_end = on_epoch_end or nothing
        self.on_batch_begin = on_batch_begin or nothing
        self.on_batch_end = on_batch_end or nothing
        self.on_train_begin = on_train_begin or nothing
        self.on_train_end = on_train_end or nothing


class CallbackList(object):
    """Keras's container of callbacks: each on_* call goes to every callback in order; warns
    when the callbacks' median time per batch (over the last queue_length batches) exceeds 0.1 s
    and 95% of the batch's own time, as Keras does."""

    def __init__(self, callbacks=None, queue_length=10):
        self.callbacks = list(callbacks or [])
        self.queue_length = queue_length
        self._reset_timing()

    def append(self, callback):
        self.callbacks.append(callback)

    def set_params(self, params):
        for callback in self.callbacks:
            callback.set_params(params)

    def set_model(self, model):
        for callback in self.callbacks:
            callback.set_model(model)

    def on_epoch_begin(self, epoch, logs=None):
        logs = logs or {}
        for callback in self.callbacks:
            callback.on_epoch_begin(epoch, logs)
        self._reset_timing()

    def _reset_timing(self):
        self._delta_t_batch = 0.
        self._delta_ts_batch_begin = collections.deque([], maxlen=self.queue_length)
        self._delta_ts_batch_end = collections.deque([], maxlen=self.queue_length)

    def on_epoch_end(self, epoch, logs=None):
        logs = logs or {}
        for callback in self.callbacks:
            callback.on_epoch_end(epoch, logs)

    def _timed(self, method, batch, logs, times):
        start = time.time()
        for callback in self.callbacks:
            getattr(callback, method)(batch, logs)
        times.append(time.time() - start)
        median = np.median(times)
        if self._delta_t_batch > 0. and median > 0.95 * self._delta_t_batch and median > 0.1:
            warnings.warn('Method %s() is slow compared to the batch update (%f). Check your '
                          'callbacks.' % (method, median))

    def on_batch_begin(self, batch, logs=None):
        self._timed('on_batch_begin', batch, logs or {}, self._delta_ts_batch_begin)
        self._t_enter_batch = time.time()

    def on_batch_end(self, batch, logs=None):
        if not hasattr(self, '_t_enter_batch'):
            self._t_enter_batch = time.time()
        self._delta_t_batch = time.time() - self._t_enter_batch
        self._timed('on_batch_end', batch, logs or {}, self._delta_ts_batch_end)

    def on_train_begin(self, logs=None):
        logs = logs or {}
        for callback in self.callbacks:
            callback.on_train_begin(logs)

    def on_train_end(self, logs=None):
        logs = logs or {}
        for callback in self.callbacks:
            callback.on_train_end(logs)

    def __iter__(self):
        return iter(self.callbacks)


class BaseLogger(Callback):  # noqa: F821 (exported above)
    """Keras's epoch averages of the batch logs (weighted by each batch's 'size'), put into the
    epoch logs of the metrics in params['metrics']; stateful_metrics keep their last value.
    keras_cpp's fit computes the same averages itself, so adding one changes nothing."""

    def __init__(self, stateful_metrics=None):
        super().__init__()
        self.stateful_metrics = set(stateful_metrics) if stateful_metrics else set()

    def on_epoch_begin(self, epoch, logs=None):
        self.seen = 0
        self.totals = {}

    def on_batch_end(self, batch, logs=None):
        logs = logs or {}
        batch_size = logs.get('size', 0)
        self.seen += batch_size
        for k, v in logs.items():
            if k in self.stateful_metrics:
                self.totals[k] = v
            else:
                self.totals[k] = self.totals.get(k, 0) + v * batch_size

    def on_epoch_end(self, epoch, logs=None):
        if logs is None:
            return
        for k in self.params['metrics']:
            if k in self.totals:
                logs[k] = self.totals[k] if k in self.stateful_metrics else \
                    self.totals[k] / self.seen


class RemoteMonitor(Callback):  # noqa: F821 (exported above)
    """Keras's callback posting {'epoch': ..., <logs>} to root + path at each epoch's end, with
    the `requests` library: as JSON with send_as_json, else JSON-encoded in the form field
    `field`. An unreachable server is a warning, not an error."""

    def __init__(self, root='http://localhost:9000', path='/publish/epoch/end/', field='data',
                 headers=None, send_as_json=False):
        super().__init__()
        self.root = root
        self.path = path
        self.field = field
        self.headers = headers
        self.send_as_json = send_as_json

    def on_epoch_end(self, epoch, logs=None):
        try:
            import requests
        except ImportError:
            raise ImportError('RemoteMonitor requires the `requests` library.')
        send = {'epoch': epoch}
        for k, v in (logs or {}).items():
            send[k] = v.item() if isinstance(v, (np.ndarray, np.generic)) else v
        try:
            if self.send_as_json:
                requests.post(self.root + self.path, json=send, headers=self.headers)
            else:
                requests.post(self.root + self.path, {self.field: json.dumps(send)},
                              headers=self.headers)
        except requests.exceptions.RequestException:
            warnings.warn('Warning: could not reach RemoteMonitor root server at ' +
                          str(self.root))
