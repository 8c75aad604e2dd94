"""keras.engine.network: Network (the functional graph of layers: Model here) and
get_source_inputs; and Keras's private depth maps of a Network's layer calls, which model-surgery
code reads: _nodes_by_depth and _layers_by_depth."""
from ..models import Model as Network  # noqa: F401
from ..utils.layer_utils import get_source_inputs  # noqa: F401


def _calls(model):
    """The layer calls (layer, node index) between the model's inputs and outputs, each after
    the calls whose outputs it reads."""
    order, seen = [], set()

    def visit(tensor):
        layer, node_index, _ = tensor._keras_history
        if (id(layer), node_index) in seen:
            return
        seen.add((id(layer), node_index))
        if layer.class_name != 'InputLayer':
            for x in layer._get_inputs_at(node_index):
                visit(x)
        order.append((layer, node_index))
    for y in model.outputs:
        visit(y)
    return order


def _depths(model):
    """Keras's depths: the output calls at 0, a call one deeper than the deepest call reading
    its outputs, and every call of a layer as deep as its deepest (a shared layer's inputs
    then share a depth). {depth: [(layer, node index)]}."""
    call_depth, layer_depth = {}, {}
    for layer, node_index in reversed(_calls(model)):
        depth = max(call_depth.get((id(layer), node_index), 0), layer_depth.get(id(layer), 0))
        layer_depth[id(layer)] = call_depth[(id(layer), node_index)] = depth
        if layer.class_name != 'InputLayer':
            for x in layer._get_inputs_at(node_index):
                inbound, inbound_index, _ = x._keras_history
                key = (id(inbound), inbound_index)
                call_depth[key] = max(depth + 1, call_depth.get(key, 0))
    by_depth = {}
    for layer, node_index in _calls(model):
        by_depth.setdefault(call_depth[(id(layer), node_index)], []).append((layer, node_index))
    return by_depth


def _nodes_by_depth(model):
    return {depth: [layer._inbound_nodes[i] for layer, i in calls]
            for depth, calls in _depths(model).items()}


def _layers_by_depth(model):
    out = {}
    for depth, calls in _depths(model).items():
        for layer, _ in calls:
            if not any(layer is known for known in out.setdefault(depth, [])):
                out[depth].append(layer)
    return out


Network._nodes_by_depth = property(_nodes_by_depth, doc='{depth: [Node]} (Keras private).')
Network._layers_by_depth = property(_layers_by_depth, doc='{depth: [layer]} (Keras private).')
