"""keras.utils.generic_utils: custom objects and (de)serialization of Keras objects, Progbar,
function (de)serialization (func_dump/func_load), Keras 1's get_from_module, and small helpers."""
import binascii
import codecs
import inspect
import marshal
import types

from .._keras_cpp.utils import Progbar  # noqa: F401 (the engine's progress bar, fit's own)


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


def serialize_keras_object(instance):
    """{'class_name': ..., 'config': ...} for an object with get_config, the name of a function;
    None for None."""
    if instance is None:
        return None
    if hasattr(instance, 'get_config'):
        return {'class_name': instance.__class__.__name__, 'config': instance.get_config()}
    if hasattr(instance, '__name__'):
        return instance.__name__
    raise ValueError('Cannot serialize', instance)


def deserialize_keras_object(identifier, module_objects=None, custom_objects=None,
                             printable_module_name='object'):
    """The object a serialized identifier names: a {'class_name', 'config'} dict is
    instantiated (from_config, or the class called with the config), a name is looked up; in
    custom_objects, then the global custom objects, then module_objects."""
    module_objects = module_objects or {}
    objects = _visible_custom_objects(custom_objects)
    if isinstance(identifier, dict):
        if 'class_name' not in identifier or 'config' not in identifier:
            raise ValueError('Improper config format: ' + str(identifier))
        class_name = identifier['class_name']
        cls = objects.get(class_name, module_objects.get(class_name))
        if cls is None:
            raise ValueError('Unknown ' + printable_module_name + ': ' + class_name)
        config = identifier['config']
        if hasattr(cls, 'from_config'):
            if has_arg(cls.from_config, 'custom_objects'):
                return cls.from_config(config, custom_objects=objects)
            with CustomObjectScope(custom_objects or {}):
                return cls.from_config(config)
        with CustomObjectScope(custom_objects or {}):
            return cls(**config)
    if isinstance(identifier, str):
        fn = objects.get(identifier, module_objects.get(identifier))
        if fn is None:
            raise ValueError('Unknown ' + printable_module_name + ':' + identifier)
        return fn
    raise ValueError('Could not interpret serialized ' + printable_module_name + ': ' +
                     str(identifier))


def get_from_module(identifier, module_params, module_name, instantiate=False, kwargs=None):
    """Keras 1: the object of `module_params` (a module's globals()) named `identifier` (an
    instance when `instantiate`, with kwargs); a {'name': ...} dict instantiates with its other
    entries; anything else is returned as it is."""
    if isinstance(identifier, str):
        res = None
        if identifier in _GLOBAL_CUSTOM_OBJECTS:
            res = _GLOBAL_CUSTOM_OBJECTS[identifier]
        if not res:
            res = module_params.get(identifier)
        if not res:
            raise ValueError('Invalid ' + str(module_name) + ': ' + str(identifier))
        if instantiate and not kwargs:
            return res()
        if instantiate and kwargs:
            return res(**kwargs)
        return res
    if isinstance(identifier, dict):
        name = identifier.pop('name')
        res = None
        if name in _GLOBAL_CUSTOM_OBJECTS:
            res = _GLOBAL_CUSTOM_OBJECTS[name]
        if not res:
            res = module_params.get(name)
        if res:
            return res(**identifier)
        raise ValueError('Invalid ' + str(module_name) + ': ' + str(identifier))
    return identifier


def make_tuple(*args):
    """Keras 1: the arguments as a tuple."""
    return args


def func_dump(func):
    """(code, defaults, closure) of a Python function: its bytecode (marshal, base64 text)
    and the values it captured. Python-version specific, as Keras's."""
    raw_code = marshal.dumps(func.__code__)
    code = codecs.encode(raw_code, 'base64').decode('ascii')
    closure = tuple(c.cell_contents for c in func.__closure__) if func.__closure__ else None
    return code, func.__defaults__, closure


def func_load(code, defaults=None, closure=None, globs=None):
    """The function func_dump described (code may be func_dump's whole tuple), with `globs`
    (default: this module's globals) as its globals."""
    if isinstance(code, (tuple, list)):
        code, defaults, closure = code
        if isinstance(defaults, list):
            defaults = tuple(defaults)

    def ensure_value_to_cell(value):
        def dummy_fn():
            value  # noqa: B018 (captures value in a cell)
        cell_value = dummy_fn.__closure__[0]
        return value if isinstance(value, type(cell_value)) else cell_value

    if closure is not None:
        closure = tuple(ensure_value_to_cell(v) for v in closure)
    try:
        raw_code = codecs.decode(code.encode('ascii'), 'base64')
    except (UnicodeEncodeError, binascii.Error):
        raw_code = code.encode('raw_unicode_escape')
    code = marshal.loads(raw_code)
    if globs is None:
        globs = globals()
    return types.FunctionType(code, globs, name=code.co_name, argdefs=defaults,
                              closure=closure)


def getargspec(fn):
    """inspect.getfullargspec(fn) (Keras's Python 2/3 shim)."""
    return inspect.getfullargspec(fn)


def is_all_none(iterable_or_element):
    return all(element is None for element in to_list(iterable_or_element))


def object_list_uid(object_list):
    return ', '.join(str(abs(id(x))) for x in to_list(object_list))


def unpack_singleton(x):
    """The only element of a list of one, else the list."""
    return x[0] if len(x) == 1 else x


def slice_arrays(arrays, start=None, stop=None):
    """arrays[start:stop] of an array or of each array of a list (None stays None); `start`
    may be a list of indices."""
    if arrays is None:
        return [None]
    if isinstance(arrays, list):
        if hasattr(start, '__len__'):
            if hasattr(start, 'shape'):
                start = start.tolist()
            return [None if x is None else x[start] for x in arrays]
        return [None if x is None else x[start:stop] for x in arrays]
    if hasattr(start, '__len__'):
        if hasattr(start, 'shape'):
            start = start.tolist()
        return arrays[start]
    if hasattr(start, '__getitem__'):
        return arrays[start:stop]
    return [None]


def transpose_shape(shape, target_format, spatial_axes):
    """A channels_last shape (batch, spatial..., channels) in `target_format`."""
    if target_format == 'channels_first':
        new_values = shape[:spatial_axes[0]]
        new_values += (shape[-1],)
        new_values += tuple(shape[x] for x in spatial_axes)
        if isinstance(shape, list):
            return list(new_values)
        return new_values
    if target_format == 'channels_last':
        return shape
    raise ValueError('The `data_format` argument must be one of "channels_first", '
                     '"channels_last". Received: ' + str(target_format))
