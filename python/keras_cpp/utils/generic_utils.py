"""keras.utils.generic_utils: has_arg, to_list, CustomObjectScope, get_custom_objects."""
import inspect


def has_arg(fn, name, accept_all=False):
    """Whether `fn` takes an argument called `name` (or **kwargs, with accept_all)."""
    try:
        signature = inspect.signature(fn)
    except (TypeError, ValueError):
        return False
    parameter = signature.parameters.get(name)
    if parameter is None:
        return accept_all and any(p.kind == inspect.Parameter.VAR_KEYWORD
                                  for p in signature.parameters.values())
    return parameter.kind in (inspect.Parameter.POSITIONAL_OR_KEYWORD,
                              inspect.Parameter.KEYWORD_ONLY)


def to_list(x):
    return x if isinstance(x, list) else [x]


# Keras's global custom objects: names that configs (load_model, model_from_json,
# layers.deserialize) and compile's loss and metric names resolve to.
_GLOBAL_CUSTOM_OBJECTS = {}


class CustomObjectScope(object):
    """`with CustomObjectScope({'MyLayer': MyLayer, 'my_loss': my_loss}):` makes the objects
    visible to deserialization inside the block, as Keras's."""

    def __init__(self, *args):
        self.custom_objects = args
        self.backup = None

    def __enter__(self):
        self.backup = _GLOBAL_CUSTOM_OBJECTS.copy()
        for objects in self.custom_objects:
            _GLOBAL_CUSTOM_OBJECTS.update(objects)
        return self

    def __exit__(self, *args, **kwargs):
        _GLOBAL_CUSTOM_OBJECTS.clear()
        _GLOBAL_CUSTOM_OBJECTS.update(self.backup)


def custom_object_scope(*args):
    return CustomObjectScope(*args)


def get_custom_objects():
    """The global custom objects dict; add to it to make a name known everywhere."""
    return _GLOBAL_CUSTOM_OBJECTS


def _visible_custom_objects(custom_objects=None):
    """The global (and scoped) custom objects updated with the explicit ones."""
    objects = dict(_GLOBAL_CUSTOM_OBJECTS)
    objects.update(custom_objects or {})
    return objects
