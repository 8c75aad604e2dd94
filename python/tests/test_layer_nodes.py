"""Keras's Node objects (layer._inbound_nodes / _outbound_nodes, Keras 1's inbound_nodes /
outbound_nodes) and Keras 1.2.2's keras.engine.training.GeneratorEnqueuer."""
import time

import numpy as np
import pytest

import keras_cpp as keras
from keras_cpp import layers
from keras_cpp.engine import training as engine_training


def test_node_is_exported_where_keras_puts_it():
    from keras_cpp.engine.base_layer import Node
    from keras_cpp.engine.topology import Node as TopologyNode
    from keras_cpp.models import Node as ModelsNode
    assert Node is TopologyNode is ModelsNode


def test_inbound_nodes_describe_each_call_of_a_shared_layer():
    a = layers.Input((4,), name='a')
    b = layers.Input((4,), name='b')
    shared = layers.Dense(3, name='shared')
    ya = shared(a)
    yb = shared(b)
    nodes = shared._inbound_nodes
    assert len(nodes) == 2 and nodes == shared.inbound_nodes
    first, second = nodes
    assert first.outbound_layer.name == 'shared'
    assert [l.name for l in first.inbound_layers] == ['a']
    assert [l.name for l in second.inbound_layers] == ['b']
    assert first.node_indices == [0] and first.tensor_indices == [0]
    assert first.input_shapes == [(None, 4)] and first.output_shapes == [(None, 3)]
    assert first.output_tensors[0] == ya and second.output_tensors[0] == yb
    assert first.input_masks == [None] and first.output_masks == [None]
    assert first.get_config() == {'outbound_layer': 'shared', 'inbound_layers': ['a'],
                                  'node_indices': [0], 'tensor_indices': [0]}
    assert first != second


def test_input_layer_node_and_outbound_nodes():
    x = layers.Input((5,), name='x')
    dense = layers.Dense(2, name='dense')
    y = dense(x)
    concat = layers.Concatenate(name='concat')
    concat([y, y])
    input_layer = x._keras_history[0]
    (node,) = input_layer._inbound_nodes
    assert node.inbound_layers == [] and node.input_tensors[0] == x
    assert node.output_tensors[0] == x
    assert [n.outbound_layer.name for n in input_layer._outbound_nodes] == ['dense']
    # Keras lists a node once per input taken from the layer: concat takes y twice.
    assert [n.outbound_layer.name for n in dense.outbound_nodes] == ['concat', 'concat']
    (concat_node,) = concat._inbound_nodes
    assert [l.name for l in concat_node.inbound_layers] == ['dense', 'dense']
    assert concat_node.output_shapes == [(None, 4)]
    assert concat._outbound_nodes == []


def test_nodes_of_a_sequential_model_connect_its_layers():
    model = keras.models.Sequential([layers.Dense(8, input_shape=(3,), name='first'),
                                     layers.Dense(1, name='second')])
    model.predict(np.zeros((2, 3), 'float32'))
    second = model.get_layer('second')
    (node,) = second._inbound_nodes
    assert [l.name for l in node.inbound_layers] == ['first']
    assert [n.outbound_layer.name for n in model.get_layer('first')._outbound_nodes] == ['second']


def test_nodes_carry_the_masks_of_their_tensors():
    tokens = layers.Input((6,), dtype='int32')
    embedded = layers.Embedding(10, 4, mask_zero=True, name='embedding')(tokens)
    lstm = layers.LSTM(3, name='lstm')
    kept = lstm(embedded)
    (node,) = lstm._inbound_nodes
    assert node.input_masks[0] is not None
    assert node.output_masks == [None]  # return_sequences=False drops the mask
    del kept, node
    (node,) = lstm._inbound_nodes  # the output is gone: its shape stays
    assert node.output_tensors == [] and node.output_shapes == [(None, 3)]


def _numbers(limit=None):
    i = 0
    while limit is None or i < limit:
        yield i
        i += 1


def test_keras1_generator_enqueuer_queues_the_items_themselves():
    enqueuer = engine_training.GeneratorEnqueuer(_numbers(), pickle_safe=False)
    enqueuer.start(nb_worker=1, max_q_size=3, wait_time=0.01)
    got = []
    deadline = time.time() + 10
    # Keras 1.2.2's loop: poll the queue while the enqueuer runs.
    while len(got) < 5 and time.time() < deadline:
        if enqueuer.is_running() and not enqueuer.queue.empty():
            got.append(enqueuer.queue.get())
        else:
            time.sleep(enqueuer.wait_time)
    enqueuer.stop()
    assert got == [0, 1, 2, 3, 4]
    assert not enqueuer.is_running()


def test_keras1_generator_enqueuer_ends_and_reports_a_worker_error():
    enqueuer = engine_training.GeneratorEnqueuer(_numbers(3))
    enqueuer.start(max_q_size=10, wait_time=0.01)
    assert list(enqueuer.get()) == [0, 1, 2]

    def failing():
        yield 1
        raise ValueError('bad batch')

    enqueuer = engine_training.GeneratorEnqueuer(failing())
    enqueuer.start(wait_time=0.01)
    with pytest.raises(ValueError, match='bad batch'):
        list(enqueuer.get())


def test_a_layer_returning_its_input_gives_it_a_history_of_its_own_without_an_op():
    # Keras's tensors carry _keras_history and _keras_mask beside the graph: a layer that passes
    # its input through makes no copy (Keras adds K.identity), and each tensor keeps its call.
    K = keras.backend
    x = layers.Input((3,), name='x')
    same = layers.Lambda(lambda t: t, name='same')
    y = same(x)
    assert y == x  # one graph tensor
    assert y._keras_history[0] is same and x._keras_history[0].name == 'x'
    assert isinstance(y, keras._keras_cpp.KerasTensor) and K.is_tensor(y)
    doubled = K.identity(y) * 2  # a backend op's result: no layer call, no history (as Keras)
    assert not hasattr(doubled, '_keras_history') and not K.is_keras_tensor(doubled)
    z = layers.Dense(2, name='z')(y)
    model = keras.models.Model(x, [y, z])
    assert [l.name for l in model.layers] == ['x', 'same', 'z']
    data = np.arange(6, dtype='float32').reshape(2, 3)
    got_y, got_z = model.predict(data)
    np.testing.assert_array_equal(got_y, data)
    assert got_z.shape == (2, 2)
    # The mask given to one call stays with that call's output.
    masked = layers.Masking(0.0)(layers.Input((4, 2)))
    passed = layers.Lambda(lambda t: t, mask=lambda t, m: m)(masked)
    assert masked._keras_mask is not None and passed._keras_mask is not None
