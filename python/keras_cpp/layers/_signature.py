"""Python signatures of the layer classes from their C++ schemas."""
import inspect


def keras_signature(arguments):
    """The signature of a layer class from its C++ schema: (name, default, required, Keras 1
    names) per argument, then **kwargs (the keywords every layer takes)."""
    P = inspect.Parameter
    params = [P(name, P.POSITIONAL_OR_KEYWORD, default=P.empty if required else default)
              for name, default, required, _ in arguments]
    params.append(P('kwargs', P.VAR_KEYWORD))
    return inspect.Signature(params)


def call_text(name, arguments):
    """'MaxPooling2D(pool_size=(2, 2), strides=None, ...)' for a docstring."""
    return name + str(keras_signature(arguments))


def family_class(base, name):
    """A Keras class name over a hidden C++ class serving several (base._arguments_by_class):
    __init__(*args, **kwargs) passes the name on; the schema gives the signature."""
    arguments = base._arguments_by_class[name]

    def __init__(self, *args, **kwargs):
        base.__init__(self, name, *args, **kwargs)

    doc = call_text(name, arguments)
    __init__.__doc__ = doc
    cls = type(name, (base,), {'__init__': __init__, '__doc__': doc, '_arguments': arguments})
    cls.__signature__ = keras_signature(arguments)
    return cls
