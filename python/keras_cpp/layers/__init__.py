"""Keras's layers: every layer keras.cpp has, under Keras's names (Keras 1 and 2 arguments)."""
from .._keras_cpp.layers import Layer

_engine_init = Layer.__init__


def _layer_init(self, **kwargs):
    """Layer.__init__(**kwargs) for layers written in Python: takes the keywords every Keras
    layer takes (name, input_shape, batch_input_shape, input_dim, trainable, dtype, ...)."""
    _engine_init(self, type(self).__name__, **kwargs)


def _from_config(cls, config):
    """Keras's Layer.from_config: cls(**config) for layers written in Python; keras_cpp's own
    layers read their Keras configs in C++ (the layers inside them, a Python RNN cell, come from
    the custom objects in scope)."""
    if cls.__module__.startswith('keras_cpp.'):
        return deserialize({'class_name': cls.__name__, 'config': config})
    return cls(**config)


from .._keras_cpp import layers as _layers_module  # noqa: E402

Layer.__init__ = _layer_init
Layer.from_config = classmethod(_from_config)
from .core import *  # noqa: F401,F403
from .advanced_activations import *  # noqa: F401,F403
from .noise import *  # noqa: F401,F403
from .convolutional import *  # noqa: F401,F403
from .pooling import *  # noqa: F401,F403
from .embeddings import *  # noqa: F401,F403
from .recurrent import *  # noqa: F401,F403
from .cudnn_recurrent import *  # noqa: F401,F403
from .convolutional_recurrent import *  # noqa: F401,F403
from .local import *  # noqa: F401,F403
from .normalization import *  # noqa: F401,F403
from .merge import *  # noqa: F401,F403
from .wrappers import *  # noqa: F401,F403
from .._keras_cpp.layers import Input, InputLayer  # noqa: F401

from ._signature import keras_signature as _keras_signature  # noqa: E402

# inspect.signature, help() and IDEs show each layer's Keras arguments.
for _cls in vars(_layers_module).values():
    if isinstance(_cls, type) and '_arguments' in vars(_cls):
        _cls.__signature__ = _keras_signature(_cls._arguments)

_input_layer_init = InputLayer.__init__


def _input_layer_init_keeping_output(self, *args, **kwargs):
    """InputLayer(...) makes its placeholder, which the layer's Python object keeps (the
    engine's layers hold their outputs weakly)."""
    _input_layer_init(self, *args, **kwargs)
    self._input_tensor = self._make_input()


_input_layer_init_keeping_output.__doc__ = InputLayer.__init__.__doc__
InputLayer.__init__ = _input_layer_init_keeping_output


def serialize(layer):
    """{'class_name': ..., 'config': layer.get_config()}."""
    return _layers_module._serialize(layer)


def deserialize(config, custom_objects=None):
    """A layer from {'class_name': ..., 'config': ...}; names the library does not know come
    from custom_objects (and the objects of get_custom_objects() and CustomObjectScope)."""
    from ..utils.generic_utils import _objects_for_engine
    with _objects_for_engine(custom_objects) as objects:
        return _layers_module._deserialize(config, objects)


# Keras's InputSpec: a layer written in Python may set self.input_spec; every call checks its
# inputs against it first (the engine's own layers check their inputs in C++).
from .._input_spec import InputSpec, assert_input_compatibility as _check_inputs  # noqa: E402

Layer.input_spec = None
_engine_call = Layer.__call__


def _call_checking_input_spec(self, inputs, *args, **kwargs):
    spec = getattr(self, "__dict__", {}).get("input_spec")
    if spec is not None:
        _check_inputs(self, spec, inputs)
    return _engine_call(self, inputs, *args, **kwargs)


_call_checking_input_spec.__doc__ = _engine_call.__doc__
Layer.__call__ = _call_checking_input_spec


# pickle and copy.deepcopy: a layer travels as its config, and (when built) the shapes of its
# first call's inputs and its weights; the copy is rebuilt by calling it on new Inputs of those
# shapes. Layers written in Python need get_config/from_config, as for saving.
def _rebuild_layer(cls, config, input_shapes, weights):
    if cls.__module__.startswith('keras_cpp.'):
        layer = deserialize(config)
    else:
        layer = cls.from_config(config['config'])
    if input_shapes is not None:
        inputs = [Input(batch_shape=shape) for shape in input_shapes]
        layer(inputs[0] if len(inputs) == 1 else inputs)
        layer.set_weights(weights)
    return layer


def _reduce_layer(self):
    from .. import backend as K
    input_shapes, weights = None, []
    if self.built and self.weights:
        input_shapes = [K.int_shape(x) for x in self._get_inputs_at(0)]
        weights = self.get_weights()
    return _rebuild_layer, (type(self), serialize(self), input_shapes, weights)


Layer.__reduce__ = _reduce_layer

# Keras 2.2.4's keras.layers has it too.
from ..utils.generic_utils import deserialize_keras_object  # noqa: F401,E402


# Keras's get_losses_for / get_updates_for: the losses (updates) a call on `inputs` made
# (activity regularization, batch statistics), or with inputs=None those no call's inputs affect
# (weight regularization). Read from the graph: what each loss (update) is computed from.
def _call_inputs(layer):
    inputs = []
    for index in range(layer._node_count):
        inputs += list(layer._get_inputs_at(index))
    return inputs


# The losses add_loss(..., inputs=x) tied to x by name, as Keras keys them: hash(loss tensor) ->
# (the loss, hashes of x). Tensors hash by their graph node; the loss kept here keeps it alive.
_LOSS_INPUTS = {}


def _as_list(x):
    return list(x) if isinstance(x, (list, tuple)) else [x]


def _computed_from(values, inputs, layer):
    from .._keras_cpp import backend as K

    def tied(v):
        return _LOSS_INPUTS.get(hash(v), (None, None))[1] if not isinstance(v, tuple) else None

    if inputs is None:
        sources = _call_inputs(layer)
        return [v for v in values if tied(v) is None and (
            not sources or not K._depends_on(v[-1] if isinstance(v, tuple) else v, sources))]
    inputs = _as_list(inputs)
    keys = {hash(x) for x in inputs}

    def belongs(v):
        if tied(v) is not None:
            return tied(v) == keys
        return K._depends_on(v[-1] if isinstance(v, tuple) else v, inputs)
    return [v for v in values if belongs(v)]


_engine_add_loss = Layer.add_loss


def _add_loss(self, losses, inputs=None):
    """Keras's add_loss: a loss tensor, a number (a constant term) or a list of them. With
    `inputs`, get_losses_for(inputs) gives them and get_losses_for(None) does not."""
    import numbers
    from .._keras_cpp import backend as K
    if losses is None:
        return
    losses = [K.constant(float(v)) if isinstance(v, numbers.Number) and not isinstance(v, bool)
              else v for v in _as_list(losses)]
    _engine_add_loss(self, losses)
    if inputs is not None:
        keys = {hash(x) for x in _as_list(inputs)}
        for loss in losses:
            _LOSS_INPUTS[hash(loss)] = (loss, keys)


Layer.add_loss = _add_loss


def _get_losses_for(self, inputs):
    """The losses computed from `inputs` (a tensor or a list); inputs=None: the losses that no
    call's inputs affect (weight regularization)."""
    return _computed_from(self.losses, inputs, self)


def _get_updates_for(self, inputs):
    """The updates, (variable, new value) pairs, computed from `inputs`; inputs=None: those that
    no call's inputs affect."""
    return _computed_from(self.updates, inputs, self)


Layer.get_losses_for = _get_losses_for
Layer.get_updates_for = _get_updates_for


# Keras's layer.activity_regularizer on the layers that take one: the regularizer object (None
# when the layer has none).
def _activity_regularizer(self):
    from .. import regularizers
    return regularizers.get(self.get_config().get('activity_regularizer'))


for _cls in vars(_layers_module).values():
    if isinstance(_cls, type) and any(a[0] == 'activity_regularizer'
                                      for a in vars(_cls).get('_arguments', ())):
        _cls.activity_regularizer = property(_activity_regularizer)


# Keras's input / output / get_input_at / get_output_at: the call's tensor, or the list of them
# for a call of several inputs (merges, an RNN given initial states) or outputs (return_state).
def _one_or_list(engine_accessor, all_accessor, with_index):
    def accessor(self, *index):
        if not with_index and self._node_count > 1:  # Keras's AttributeError, as hasattr sees
            what = 'input' if all_accessor is Layer._get_inputs_at else 'output'
            raise AttributeError('Layer ' + self.name + ' has multiple inbound nodes, hence the '
                                 'notion of "layer ' + what + '" is ill-defined. Use `get_' +
                                 what + '_at(node_index)` instead.')
        single = engine_accessor(self, *index)
        tensors = all_accessor(self, *(index if with_index else (0,)))
        return list(tensors) if len(tensors) > 1 else single
    accessor.__doc__ = engine_accessor.__doc__
    return accessor


Layer.input = property(_one_or_list(Layer.input.fget, Layer._get_inputs_at, False))
Layer.output = property(_one_or_list(Layer.output.fget, Layer._get_outputs_at, False))
Layer.get_input_at = _one_or_list(Layer.get_input_at, Layer._get_inputs_at, True)
Layer.get_output_at = _one_or_list(Layer.get_output_at, Layer._get_outputs_at, True)
