"""Keras's losses (Keras 1: `objectives`): functions of (y_true, y_pred) on symbolic tensors."""
from ._export import export
from ._keras_cpp import losses as _losses

export(_losses, globals(), [name for name in dir(_losses)
                            if not name.startswith('_') and name not in ('names', 'canonical_name')])

mse = MSE = mean_squared_error  # noqa: F821 (exported above)
mae = MAE = mean_absolute_error  # noqa: F821
mape = MAPE = mean_absolute_percentage_error  # noqa: F821
msle = MSLE = mean_squared_logarithmic_error  # noqa: F821
kld = KLD = kullback_leibler_divergence  # noqa: F821
cosine = cosine_proximity  # noqa: F821


def get(identifier):
    """A loss function by name or alias (custom objects' names included), a {'class_name',
    'config'} dict (a loss class with get_config), or the function itself; None for None.
    Unknown names raise ValueError('Unknown loss function: ...')."""
    if identifier is None:
        return None
    if isinstance(identifier, (str, dict)):
        return deserialize(identifier)
    if callable(identifier):
        return identifier
    raise ValueError('Could not interpret loss function identifier: ' + repr(identifier))


def serialize(loss):
    """A loss function's name, or {'class_name', 'config'} for a loss object with
    get_config."""
    from .utils.generic_utils import serialize_keras_object
    return serialize_keras_object(loss)


def deserialize(name, custom_objects=None):
    from .utils.generic_utils import _visible_custom_objects, deserialize_keras_object
    if isinstance(name, dict):
        return deserialize_keras_object(name, globals(), custom_objects, 'loss function')
    objects = _visible_custom_objects(custom_objects)
    if name in objects:
        return objects[name]
    return globals()[_losses.canonical_name(name)]
