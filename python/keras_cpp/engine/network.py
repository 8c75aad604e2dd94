"""keras.engine.network: Network (the functional graph of layers: Model here) and
get_source_inputs."""
from ..models import Model as Network  # noqa: F401


def get_source_inputs(tensor, layer=None, node_index=None):
    """The Input tensors `tensor` was computed from (a list), following the layer calls back;
    `tensor` itself when it came from no layer call."""
    history = getattr(tensor, '_keras_history', None)
    if history is None:
        return tensor
    if layer is None or node_index is None:
        layer, node_index, _ = history
    inputs = layer._get_inputs_at(node_index)
    if not inputs:  # an InputLayer: the source itself
        return [tensor]
    sources = []
    for x in inputs:
        for source in get_source_inputs(x):
            if not any(source is s or source == s for s in sources):
                sources.append(source)
    return sources
