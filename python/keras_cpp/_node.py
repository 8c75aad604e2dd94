"""Keras's Node: one call of a layer on its inputs, the edge of the layer graph.

Keras keeps Node objects in `layer._inbound_nodes` (one per call of the layer) and
`layer._outbound_nodes` (the calls of other layers on its outputs); Keras 1.2.2 names them
`inbound_nodes` and `outbound_nodes`. Here the graph lives in the C++ engine: these lists are
made on access from the calls it records, so two reads give equal (not identical) nodes, and a
node whose outputs nobody holds any more has no output tensors (their shapes stay).
"""


class Node(object):
    """A layer call: `outbound_layer` applied to `input_tensors`, which come from
    `inbound_layers[i]`'s call `node_indices[i]`, output `tensor_indices[i]`."""

    def __init__(self, outbound_layer, inbound_layers, node_indices, tensor_indices,
                 input_tensors, output_tensors, input_masks, output_masks,
                 input_shapes, output_shapes, arguments=None):
        self.outbound_layer = outbound_layer
        self.inbound_layers = inbound_layers
        self.node_indices = node_indices
        self.tensor_indices = tensor_indices
        self.input_tensors = input_tensors
        self.output_tensors = output_tensors
        self.input_masks = input_masks
        self.output_masks = output_masks
        self.input_shapes = input_shapes
        self.output_shapes = output_shapes
        self.arguments = arguments

    def get_config(self):
        return {'outbound_layer': getattr(self.outbound_layer, 'name', None),
                'inbound_layers': [getattr(layer, 'name', None)
                                   for layer in self.inbound_layers],
                'node_indices': list(self.node_indices),
                'tensor_indices': list(self.tensor_indices)}

    def _key(self):
        return (id(self.outbound_layer), self._index)

    def __eq__(self, other):
        return isinstance(other, Node) and hasattr(other, '_index') and \
            hasattr(self, '_index') and self._key() == other._key()

    def __ne__(self, other):
        return not self == other

    def __hash__(self):
        return hash(self._key()) if hasattr(self, '_index') else id(self)

    def __repr__(self):
        config = self.get_config()
        return '<Node of %s: inputs from %s>' % (config['outbound_layer'],
                                                 config['inbound_layers'])


def _node_of_call(layer, index):
    """The Node of `layer`'s call number `index`, from what the engine recorded."""
    inputs = list(layer._get_inputs_at(index))
    try:
        outputs = list(layer._get_outputs_at(index))
    except RuntimeError:
        # The engine holds a call's outputs weakly (Keras's nodes hold them): once no tensor
        # or model holds them, only their shape is left.
        outputs = None
    if not inputs and layer.class_name == 'InputLayer':
        inputs = list(outputs)  # as Keras: an InputLayer's node takes its tensor to itself
        inbound, node_indices, tensor_indices = [], [], []
    else:
        histories = [x._keras_history for x in inputs]
        inbound = [h[0] if h else None for h in histories]
        node_indices = [h[1] if h else None for h in histories]
        tensor_indices = [h[2] if h else None for h in histories]
    if outputs is None:
        output_tensors, output_masks = [], []
        output_shapes = [layer.get_output_shape_at(index)]
    else:
        output_tensors = outputs
        output_masks = [y._keras_mask for y in outputs]
        output_shapes = [y.shape for y in outputs]
    node = Node(layer, inbound, node_indices, tensor_indices, inputs, output_tensors,
                [x._keras_mask for x in inputs], output_masks,
                [x.shape for x in inputs], output_shapes)
    node._index = index
    return node


def _inbound_nodes(layer):
    return [_node_of_call(layer, i) for i in range(layer._node_count)]


def _outbound_nodes(layer):
    return [_node_of_call(consumer, i) for consumer, i in layer._outbound_node_refs()]


def _mask_at(attribute, what):
    """Keras's get_input_mask_at / get_output_mask_at: the masks of the layer's call
    `node_index` (one, or a list for a call of several tensors)."""
    def mask_at(layer, node_index):
        if not layer._node_count:
            raise RuntimeError('The layer has never been called and thus has no defined ' +
                               what + '.')
        if not 0 <= node_index < layer._node_count:
            raise ValueError('Asked to get ' + what + ' at node ' + str(node_index) +
                             ', but the layer has only ' + str(layer._node_count) +
                             ' inbound nodes.')
        node = _node_of_call(layer, node_index)
        if attribute == 'output_masks' and not node.output_tensors:
            raise RuntimeError('The outputs of call ' + str(node_index) + ' of layer ' +
                               layer.name + ' are no longer held by any tensor or model: '
                               'their mask is gone with them.')
        masks = getattr(node, attribute)
        return masks[0] if len(masks) == 1 else masks
    mask_at.__doc__ = 'The ' + what + ' of the call `node_index` (None where unmasked).'
    return mask_at


def _only_call(mask_at, what):
    """Keras's input_mask / output_mask: the mask of a layer called once."""
    def mask(layer):
        if layer._node_count != 1:
            raise AttributeError('Layer ' + layer.name + ' has multiple inbound nodes, hence '
                                 'the notion of "layer ' + what + '" is ill-defined. Use `get_' +
                                 what.replace(' ', '_') + '_at(node_index)` instead.')
        return mask_at(layer, 0)
    return property(mask)


def install(layer_class):
    """Gives the engine's Layer Keras's node lists under both versions' names."""
    layer_class._inbound_nodes = property(_inbound_nodes, doc='The calls of this layer.')
    layer_class._outbound_nodes = property(
        _outbound_nodes, doc="The calls of other layers on this layer's outputs.")
    layer_class.inbound_nodes = layer_class._inbound_nodes
    layer_class.get_input_mask_at = _mask_at('input_masks', 'input mask')
    layer_class.get_output_mask_at = _mask_at('output_masks', 'output mask')
    layer_class.input_mask = _only_call(layer_class.get_input_mask_at, 'input mask')
    layer_class.output_mask = _only_call(layer_class.get_output_mask_at, 'output mask')
    layer_class.outbound_nodes = layer_class._outbound_nodes
