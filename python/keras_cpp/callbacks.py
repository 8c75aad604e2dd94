"""Keras's callbacks. Subclass Callback and define any of on_epoch_begin/on_epoch_end/
on_batch_begin/on_batch_end/on_train_begin/on_train_end(…, logs); fit calls them from C++.
`self.model` is the model being trained (set `self.model.stop_training = True` to stop) and
`self.params` holds Keras's params dict.
"""
from ._export import export
from ._keras_cpp import callbacks as _callbacks

export(_callbacks, globals())


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
