"""keras.layers.recurrent: SimpleRNN, GRU, LSTM (Keras 1's output_dim, init, inner_init,
inner_activation, W/U/b_regularizer, dropout_W, dropout_U too), their base Recurrent, and Keras
2.2.4's cell API: RNN(cell) over SimpleRNNCell, GRUCell, LSTMCell, StackedRNNCells, a list of
cells, or a cell written in Python (a Layer with `state_size` and call(inputs, states), and
`constants=` when it takes constants)."""
from .._keras_cpp import layers as _layers

Recurrent = _layers.Recurrent
SimpleRNN = _layers.SimpleRNN
GRU = _layers.GRU
LSTM = _layers.LSTM
RNN = _layers.RNN
SimpleRNNCell = _layers.SimpleRNNCell
GRUCell = _layers.GRUCell
LSTMCell = _layers.LSTMCell
StackedRNNCells = _layers.StackedRNNCells
ConvRNN2D = _layers.ConvRNN2D
__all__ = ['Recurrent', 'SimpleRNN', 'GRU', 'LSTM', 'RNN', 'SimpleRNNCell', 'GRUCell', 'LSTMCell',
           'StackedRNNCells']


def _as_list(tensors):
    return list(tensors) if isinstance(tensors, (list, tuple)) else [tensors]


class _FixedTensor(_layers.Layer):
    """A tensor that no layer made (K.variable, K.constant, a backend op's result) given as an
    RNN's initial state: Keras 2.2.4 used it as it is; here a layer reading the RNN's inputs
    returns it, so that a model can hold the call."""

    def __init__(self, tensor, **kwargs):
        super().__init__(**kwargs)
        self._tensor = tensor

    def call(self, inputs):
        return self._tensor

    def compute_output_shape(self, input_shape):
        return tuple(self._tensor.shape)


def _as_keras_tensors(states, inputs):
    if states is None:
        return None
    was_list = isinstance(states, (list, tuple))
    states = [s if getattr(s, '_keras_history', None) is not None
              else _FixedTensor(s)(_as_list(inputs)[0]) for s in _as_list(states)]
    return states if was_list else states[0]


def _call_with_constants(self, inputs, initial_state=None, constants=None, **kwargs):
    """Keras 2.2.4's RNN.__call__(inputs, initial_state=None, constants=None): constants (a
    tensor or a list) reach every step of a cell whose call takes `constants=`; they follow the
    initial states among the layer's inputs, and the layer remembers how many (num_constants).
    Initial states may be tensors that no layer made (K.variable, ...)."""
    initial_state = _as_keras_tensors(initial_state, inputs)
    if constants is None:
        return _layers.Layer.__call__(self, inputs, initial_state=initial_state, **kwargs)
    if isinstance(self, Recurrent):  # SimpleRNN, GRU, LSTM: their cells take no constants
        raise ValueError('RNN cell does not support constants (layer ' + self.name + ', a ' +
                         type(self).__name__ + ')')
    constants = _as_list(constants)
    full = _as_list(inputs)
    if initial_state is not None:
        full += _as_list(initial_state)
    self._num_constants = len(constants)
    return _layers.Layer.__call__(self, full + constants, **kwargs)


RNN.__call__ = _call_with_constants
Recurrent.__call__ = _call_with_constants


class _CellOfLayer(object):
    """Keras 2.2.4's `layer.cell` of SimpleRNN, GRU and LSTM (there a SimpleRNNCell, GRUCell or
    LSTMCell holding the weights): keras_cpp's layers hold their cell's arguments and weights
    themselves, so the cell is a view of the layer: its arguments (activation, initializers,
    regularizers, constraints as Keras's objects), state_size, kernel, recurrent_kernel, bias and
    the weight regularization losses."""

    def __init__(self, layer, cell_class):
        self._layer = layer
        self._cell_class = cell_class

    def __repr__(self):
        return '<%s of layer %s>' % (self._cell_class.__name__, self._layer.name)

    def __getattr__(self, name):
        if name.startswith('_') or name not in [a[0] for a in self._cell_class._arguments]:
            raise AttributeError("'%s' (the cell of layer %s) has no attribute '%s'"
                                 % (self._cell_class.__name__, self._layer.name, name))
        value = self._layer.get_config()[name]
        from .. import activations, constraints, initializers, regularizers
        for suffix, module in (('activation', activations), ('_initializer', initializers),
                               ('_regularizer', regularizers), ('_constraint', constraints)):
            if name.endswith(suffix):
                return module.get(value)
        return value

    @property
    def state_size(self):
        units = self._layer.units
        return (units, units) if self._cell_class is LSTMCell else units

    @property
    def weights(self):
        return self._layer.weights

    @property
    def trainable_weights(self):
        return self._layer.trainable_weights

    @property
    def non_trainable_weights(self):
        return self._layer.non_trainable_weights

    def get_weights(self):
        return self._layer.get_weights()

    def set_weights(self, weights):
        self._layer.set_weights(weights)

    def _weight(self, index):
        weights = self._layer.weights
        return weights[index] if index < len(weights) else None

    @property
    def kernel(self):
        return self._weight(0)

    @property
    def recurrent_kernel(self):
        return self._weight(1)

    @property
    def bias(self):
        return self._weight(2)

    @property
    def losses(self):
        return self._layer.get_losses_for(None)

    def get_losses_for(self, inputs):
        # The cell is called on each step's inputs, never on the layer's: only the weight
        # losses, which no inputs affect, are the cell's.
        return self.losses if inputs is None else []


for _layer_class, _cell_class in ((SimpleRNN, SimpleRNNCell), (GRU, GRUCell), (LSTM, LSTMCell)):
    _layer_class.cell = property(lambda self, c=_cell_class: _CellOfLayer(self, c))


def _states_or_none(engine_states):
    def states(self):
        """Keras's layer.states: the state variables of a stateful layer (one per state: h, and
        c for an LSTM); [None, ...] for a layer that keeps no states."""
        held = list(engine_states(self))
        return held if held else [None] * len(_state_sizes(self))
    return property(states)


Recurrent.states = _states_or_none(Recurrent._state_variables)
RNN.states = _states_or_none(RNN.states.fget)


def _reset_states(self, states=None):
    """Keras's reset_states(states=None): a stateful layer's states to zeros, or to the given
    values (an array per state, of shape (batch_size, state size))."""
    import numpy as np
    from .. import backend as K
    if not self.stateful:
        raise AttributeError('Layer ' + self.name + ' must be stateful to reset its states.')
    _layers.Layer.reset_states(self)
    if states is None:
        return
    states = list(states) if isinstance(states, (list, tuple)) else [states]
    current = self.states
    if len(states) != len(current):
        raise ValueError('Layer ' + self.name + ' expects ' + str(len(current)) + ' states, but '
                         'it received ' + str(len(states)) + ' state values. Input received: ' +
                         str(states))
    for index, (value, state) in enumerate(zip(states, current)):
        value = np.asarray(value)
        if value.shape != K.int_shape(state):
            raise ValueError('State ' + str(index) + ' is incompatible with layer ' + self.name +
                             ': expected shape=' + str(K.int_shape(state)) + ', found shape=' +
                             str(value.shape))
        K.set_value(state, value)


Recurrent.reset_states = _reset_states
RNN.reset_states = _reset_states


def _state_sizes(layer):
    if isinstance(layer, Recurrent):
        return [layer.units] * layer._state_count
    size = layer.cell.state_size
    return list(size) if hasattr(size, '__len__') else [size]


def _compute_output_shape(self, input_shape):
    """Keras's compute_output_shape: with return_state, a list of the output's shape and each
    state's, (batch, state size)."""
    if isinstance(input_shape, list):
        input_shape = input_shape[0]
    output_shape = _layers.Layer.compute_output_shape(self, input_shape)
    if not self.return_state:
        return output_shape
    return [output_shape] + [(input_shape[0], size) for size in _state_sizes(self)]


Recurrent.compute_output_shape = _compute_output_shape
RNN.compute_output_shape = _compute_output_shape


def _get_initial_state(self, inputs):
    """Keras's get_initial_state(inputs): zeros of shape (batch, state size), one per state,
    for inputs (batch, timesteps, ...)."""
    from .. import backend as K
    zeros = K.expand_dims(K.sum(K.zeros_like(inputs), axis=tuple(range(1, K.ndim(inputs)))))
    return [K.tile(zeros, [1, size]) for size in _state_sizes(self)]


Recurrent.get_initial_state = _get_initial_state
RNN.get_initial_state = _get_initial_state


def _call(self, inputs, mask=None, training=None, initial_state=None, constants=None):
    """Keras's RNN.call(inputs, mask=None, training=None, initial_state=None, constants=None):
    the layer's computation without recording a call; [output, final states...] with
    return_state."""
    full = _as_list(inputs)
    if initial_state is not None:
        full += _as_list(initial_state)
    if constants is not None:
        self._num_constants = len(_as_list(constants))
        full += _as_list(constants)
    outputs = self._call_list(full, mask, training)
    return outputs if self.return_state else outputs[0]


Recurrent.call = _call
RNN.call = _call


class _CellObject(_layers.Layer):
    """Keras takes as an RNN's cell any object with call(inputs, states) and `state_size`, not
    only a Layer: such an object runs inside this layer, which forwards them (and `output_size`).
    Its variables stay its own, not the RNN's weights, as in Keras."""

    def __init__(self, cell):
        super().__init__()
        self._cell = cell

    def __getattr__(self, name):
        # The cell's other attributes (a convolutional cell's filters, kernel_size, ...).
        if name == '_cell':
            raise AttributeError(name)
        return getattr(self._cell, name)

    @property
    def state_size(self):
        return self._cell.state_size

    @property
    def output_size(self):
        return getattr(self._cell, 'output_size', None)

    def call(self, inputs, states):
        return self._cell.call(inputs, states)


class _CellObjectWithConstants(_CellObject):
    def call(self, inputs, states, constants):
        return self._cell.call(inputs, states, constants=constants)


def _as_cell_layer(cell):
    """A cell object that is not a Layer, in a layer; a layer or a list of cells as it is."""
    from ..utils.generic_utils import has_arg
    if isinstance(cell, (list, tuple)):
        return [_as_cell_layer(c) for c in cell]
    if isinstance(cell, _layers.Layer) or not hasattr(cell, 'call') or \
            not hasattr(cell, 'state_size'):
        return cell  # the engine's error names what a cell needs
    if has_arg(cell.call, 'constants'):
        return _CellObjectWithConstants(cell)
    return _CellObject(cell)


def _taking_cell_objects(init, keyword):
    def __init__(self, *args, **kwargs):
        if args:
            args = (_as_cell_layer(args[0]),) + args[1:]
        elif keyword in kwargs:
            kwargs[keyword] = _as_cell_layer(kwargs[keyword])
        init(self, *args, **kwargs)
    __init__.__doc__ = init.__doc__
    return __init__


RNN.__init__ = _taking_cell_objects(RNN.__init__, 'cell')
ConvRNN2D.__init__ = _taking_cell_objects(ConvRNN2D.__init__, 'cell')
StackedRNNCells.__init__ = _taking_cell_objects(StackedRNNCells.__init__, 'cells')


class _RNNType(type(_layers.RNN)):
    """isinstance(layer, RNN) holds for SimpleRNN, GRU, LSTM and the CuDNN layers too, as in Keras
    2.2.4 where they are RNNs over their cells (the engine keeps them apart from RNN(cell); the
    bindings test the engine's types, which this leaves alone)."""

    def __instancecheck__(cls, obj):
        if cls is RNN:
            return isinstance(obj, (_layers.RNN, Recurrent))
        return super().__instancecheck__(obj)

    def __subclasscheck__(cls, sub):
        if cls is RNN:
            return issubclass(sub, (_layers.RNN, Recurrent))
        return super().__subclasscheck__(sub)


class RNN(_layers.RNN, metaclass=_RNNType):
    __doc__ = _layers.RNN.__doc__
    _arguments = _layers.RNN._arguments
