"""Keras's callbacks. Subclass Callback and define any of on_epoch_begin/on_epoch_end/
on_batch_begin/on_batch_end/on_train_begin/on_train_end(…, logs); fit calls them from C++.
`self.model` is the model being trained (set `self.model.stop_training = True` to stop) and
`self.params` holds Keras's params dict.
"""
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
_callbacks.Callback.__init_subclass__ = classmethod(_init_subclass)


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
