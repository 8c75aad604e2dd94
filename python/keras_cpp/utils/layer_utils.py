"""keras.utils.layer_utils: print_summary, count_params, convert_all_kernels_in_model,
get_source_inputs; Keras 1's layer_from_config and count_total_params."""
import numpy as np

from .._keras_cpp import models as _models
from ..layers import deserialize as _deserialize
from .conv_utils import convert_kernel


def layer_from_config(config, custom_objects=None):
    """A layer from {'class_name': ..., 'config': ...} (Keras 1's name of layers.deserialize)."""
    return _deserialize(config, custom_objects)


def print_summary(model, line_length=None, positions=None, print_fn=print):
    """Keras's table of the model's layers, output shapes and parameter counts; positions are
    the columns' right edges (fractions of line_length, or characters)."""
    _models.Model.summary(model, line_length, positions, print_fn)


def count_params(weights):
    return int(sum(np.prod(np.shape(w)) for w in weights))


def convert_dense_weights_data_format(dense, previous_feature_map_shape,
                                      target_data_format='channels_first'):
    """Reorders the kernel rows of a Dense layer that follows a Flatten, for a model whose
    data_format changes to target_data_format: previous_feature_map_shape is the shape before
    the Flatten (without the batch axis) in the new format, as Keras 2.2.4 does."""
    if target_data_format not in ('channels_last', 'channels_first'):
        raise ValueError("target_data_format must be 'channels_last' or 'channels_first', not "
                         + repr(target_data_format))
    kernel, bias = dense.get_weights()
    if target_data_format == 'channels_first':
        c, h, w = previous_feature_map_shape
        original_shape, order = (h, w, c), (2, 0, 1)
    else:
        h, w, c = previous_feature_map_shape
        original_shape, order = (c, h, w), (1, 2, 0)
    for i in range(kernel.shape[1]):
        ki = np.transpose(kernel[:, i].reshape(original_shape), order)
        kernel[:, i] = ki.reshape((int(np.prod(previous_feature_map_shape)),))
    dense.set_weights([kernel, bias])


def count_total_params(layers, layer_set=None):
    """Keras 1: (trainable, non-trainable) parameter counts of `layers`, each layer counted once
    (layer_set holds those already counted); a model's layers are counted through it."""
    from .. import backend as K
    if layer_set is None:
        layer_set = set()
    trainable_count = non_trainable_count = 0
    for layer in layers:
        if layer in layer_set:
            continue
        layer_set.add(layer)
        if isinstance(layer, _models.Model):
            t, nt = count_total_params(layer.layers, layer_set)
            trainable_count += t
            non_trainable_count += nt
        else:
            trainable_count += sum(K.count_params(p) for p in layer.trainable_weights)
            non_trainable_count += sum(K.count_params(p) for p in layer.non_trainable_weights)
    return trainable_count, non_trainable_count


_CONV_CLASSES = {'Conv1D', 'Conv2D', 'Conv3D', 'Conv2DTranspose', 'Convolution1D',
                 'Convolution2D', 'Convolution3D', 'Deconvolution2D'}


def convert_all_kernels_in_model(model):
    """Flips the kernel of every convolution layer of `model` (Theano's kernels to
    TensorFlow's and back)."""
    for layer in model.layers:
        if type(layer).__name__ in _CONV_CLASSES or layer.class_name in _CONV_CLASSES:
            weights = layer.get_weights()
            weights[0] = convert_kernel(weights[0])
            layer.set_weights(weights)


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
        found = get_source_inputs(x)
        for source in found if isinstance(found, list) else [found]:
            if not any(source is s or source == s for s in sources):
                sources.append(source)
    return sources
