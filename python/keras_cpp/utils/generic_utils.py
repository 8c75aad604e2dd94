"""keras.utils.generic_utils: has_arg, to_list."""
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
