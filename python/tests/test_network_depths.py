"""Keras's private depth maps of a functional model (_layers_by_depth, _nodes_by_depth), which
model-surgery code reads: outputs at depth 0, each call one deeper than the deepest call that
reads it, a shared layer's calls at the depth of its deepest call."""
from keras_cpp.layers import Concatenate, Dense, Embedding, Input
from keras_cpp.models import Model


def names(by_depth):
    return {depth: sorted(layer.name for layer in layers) for depth, layers in by_depth.items()}


def test_chain_and_branch():
    x = Input(shape=(3,), name='x')
    h = Dense(4, name='h')(x)
    out = Concatenate(name='cat')([Dense(2, name='deep')(Dense(2, name='mid')(h)), h])
    model = Model(x, Dense(1, name='out')(out))
    assert names(model._layers_by_depth) == {0: ['out'], 1: ['cat'], 2: ['deep'], 3: ['mid'],
                                             4: ['h'], 5: ['x']}
    nodes = model._nodes_by_depth
    assert [n.outbound_layer.name for n in nodes[4]] == ['h']
    assert [layer.name for layer in nodes[1][0].inbound_layers] == ['deep', 'h']


def test_shared_layer_inputs_share_a_depth():
    a, b = Input(shape=(10,), name='a'), Input(shape=(10,), name='b')
    embedding = Embedding(5, 4, name='embedding')
    deep = Dense(3, name='d3')(Dense(3, name='d2')(Dense(3, name='d1')(embedding(b))))
    model = Model([a, b], Dense(2, name='out')(Concatenate(name='cat')([embedding(a), deep])))
    by_depth = names(model._layers_by_depth)
    assert by_depth[6] == ['a', 'b'] and by_depth[5] == ['embedding']
    assert len(model._nodes_by_depth[5]) == 2  # the embedding's two calls
