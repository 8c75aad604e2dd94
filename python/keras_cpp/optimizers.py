"""Keras's optimizers, with Keras's keyword arguments (`lr`, or Keras 2.3's `learning_rate`)."""
from ._keras_cpp import optimizers as _optimizers
from .legacy.interfaces import legacy_get_updates_support

Optimizer = _optimizers.Optimizer
SGD = _optimizers.SGD
RMSprop = _optimizers.RMSprop
Adagrad = _optimizers.Adagrad
Adadelta = _optimizers.Adadelta
Adam = _optimizers.Adam
Adamax = _optimizers.Adamax
Nadam = _optimizers.Nadam

# Keras 1 and 2 aliases.
sgd = SGD
rmsprop = RMSprop
adagrad = Adagrad
adadelta = Adadelta
adam = Adam
adamax = Adamax
nadam = Nadam


def serialize(optimizer):
    return {'class_name': optimizer.class_name, 'config': optimizer.get_config()}


_BUILT_IN = ('sgd', 'rmsprop', 'adagrad', 'adadelta', 'adam', 'adamax', 'nadam')


def deserialize(config, custom_objects=None):
    """An optimizer from {'class_name': ..., 'config': ...}. As Keras, a built-in class name is
    matched case-insensitively and lower-cased in `config` itself; custom_objects names custom
    optimizer classes."""
    name = config['class_name']
    if custom_objects and name in custom_objects:
        cls = custom_objects[name]
        arguments = config.get('config', {})
        return cls.from_config(arguments) if hasattr(cls, 'from_config') else cls(**arguments)
    if name.lower() in _BUILT_IN:
        config['class_name'] = name.lower()
    return _optimizers.deserialize(config)


def get(identifier):
    """An optimizer from a name ('adam'), a config dict, or an Optimizer (returned as is)."""
    if isinstance(identifier, Optimizer):
        return identifier
    if isinstance(identifier, dict):
        return deserialize(identifier)
    if isinstance(identifier, str):
        return _optimizers.get(identifier)
    raise ValueError('Could not interpret optimizer identifier: ' + str(identifier))


def _reduce_optimizer(self):
    """pickle and copy.deepcopy: an optimizer travels as its config (Keras's serialize)."""
    return deserialize, (serialize(self),)


Optimizer.__reduce__ = _reduce_optimizer


# Keras 2.2.4's get_updates(loss, params), also called as Keras 1's
# get_updates(params, constraints, loss).
Optimizer.get_updates = legacy_get_updates_support(Optimizer.get_updates)


def optimizer_from_config(config, custom_objects=None):
    """Keras 1: the optimizer a {'class_name': ..., 'config': ...} dict describes; class names
    in custom_objects (then the global custom objects) come first, else Keras's optimizers by
    case-insensitive name."""
    from .utils.generic_utils import get_custom_objects
    class_name = config['class_name']
    custom = dict(get_custom_objects())
    custom.update(custom_objects or {})
    if class_name in custom:
        cls = custom[class_name]
        if hasattr(cls, 'from_config'):
            return cls.from_config(config['config'])
        return cls(**config['config'])
    known = {name.lower(): name for name in ('SGD', 'RMSprop', 'Adagrad', 'Adadelta', 'Adam',
                                              'Adamax', 'Nadam')}
    if class_name.lower() not in known:
        raise ValueError('Optimizer class not found: ' + str(class_name) + ' (known: ' +
                         ', '.join(sorted(known.values())) + ')')
    return deserialize({'class_name': known[class_name.lower()], 'config': config['config']})


def clip_norm(g, c, n):
    """Keras's gradient clipping by norm: `g` scaled by c / n when its L2 norm `n` is at least
    `c`, else `g` (c <= 0: no clipping)."""
    if c <= 0:
        return g
    from . import backend as K
    return K.switch(K.greater_equal(n, c), g * c / n, g)
