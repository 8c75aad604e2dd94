"""keras.engine.saving (Keras 2.2.4): whole models (save_model, load_model, model_from_*,
pickle_model), and the weights of a list of layers in an h5py group the caller holds, in Keras's
layout (layer_names; one group per layer with its weight_names), with Keras 1's and CuDNN's
layouts converted by preprocess_weights_for_loading (the engine's converter, which load_model
and load_weights use too)."""
import warnings

import numpy as np

from .. import backend as K
from .._keras_cpp import models as _models
from ..models import load_model, model_from_config, model_from_json, model_from_yaml  # noqa
from ..models import save_model

# HDF5 keeps attributes in the object header, which holds 64 KiB at most.
HDF5_OBJECT_HEADER_LIMIT = 64512


def pickle_model(model):
    """The model as a dict of what its HDF5 file would hold (architecture, weights, training
    configuration, optimizer state); unpickle_model makes it a model again."""
    state = {}
    save_model(model, state)
    return state


def unpickle_model(state):
    return load_model(state)


def preprocess_weights_for_loading(layer, weights, original_keras_version=None,
                                   original_backend=None, reshape=False):
    """The weights (numpy arrays) of `layer` as saved by Keras `original_keras_version` ('1'
    converts Keras 1's layouts) on `original_backend` ('theano' flips convolution kernels), in
    the layer's own layout; CuDNNLSTM/CuDNNGRU weights become LSTM/GRU ones and back. With
    reshape, a convolution kernel of the same size but another shape is reshaped to fit."""
    values = [np.ascontiguousarray(w) for w in weights]
    return list(_models._preprocess_weights_for_loading(
        layer, values, original_keras_version, original_backend, reshape))


def save_attributes_to_hdf5_group(group, name, data):
    """group.attrs[name] = data (a list of byte strings), split over name0, name1, ... when it
    is larger than an HDF5 object header holds."""
    too_long = [x for x in data if len(x) > HDF5_OBJECT_HEADER_LIMIT]
    if too_long:
        raise RuntimeError('These attributes cannot be saved to an HDF5 file: they are larger '
                           'than %d bytes: %s' % (HDF5_OBJECT_HEADER_LIMIT,
                                                  ', '.join(str(x) for x in too_long)))
    array = np.asarray(data)
    chunk_count = 1
    chunks = np.array_split(array, chunk_count)
    while any(chunk.nbytes > HDF5_OBJECT_HEADER_LIMIT for chunk in chunks):
        chunk_count += 1
        chunks = np.array_split(array, chunk_count)
    if chunk_count == 1:
        group.attrs[name] = data
        return
    for i, chunk in enumerate(chunks):
        group.attrs['%s%d' % (name, i)] = chunk


def _text(value):
    return value.decode('utf8') if isinstance(value, bytes) else str(value)


def load_attributes_from_hdf5_group(group, name):
    """The list of strings save_attributes_to_hdf5_group wrote under `name`."""
    if name in group.attrs:
        return [_text(n) for n in group.attrs[name]]
    data = []
    chunk = 0
    while '%s%d' % (name, chunk) in group.attrs:
        data.extend(_text(n) for n in group.attrs['%s%d' % (name, chunk)])
        chunk += 1
    return data


def save_weights_to_hdf5_group(f, layers):
    """Writes the weights of `layers` into the h5py group f as Keras's save_weights lays them
    out (with the backend and keras_version attributes)."""
    from .. import __version__ as keras_version
    save_attributes_to_hdf5_group(f, 'layer_names', [layer.name.encode('utf8')
                                                     for layer in layers])
    f.attrs['backend'] = K.backend().encode('utf8')
    f.attrs['keras_version'] = str(keras_version).encode('utf8')
    for layer in layers:
        group = f.create_group(layer.name)
        symbolic = layer.weights
        values = K.batch_get_value(symbolic)
        names = [(str(w.name) if getattr(w, 'name', None) else 'param_' + str(i)).encode('utf8')
                 for i, w in enumerate(symbolic)]
        save_attributes_to_hdf5_group(group, 'weight_names', names)
        for name, value in zip(names, values):
            value = np.asarray(value)
            dataset = group.create_dataset(name, value.shape, dtype=value.dtype)
            if value.shape:
                dataset[:] = value
            else:
                dataset[()] = value


def _origin(f):
    """(keras_version, backend) of a weights group: '1' and None when it does not say."""
    version = _text(f.attrs['keras_version']) if 'keras_version' in f.attrs else '1'
    backend = _text(f.attrs['backend']) if 'backend' in f.attrs else None
    return version, backend


def _saved_values(group):
    return [np.asarray(group[name])
            for name in load_attributes_from_hdf5_group(group, 'weight_names')]


def load_weights_from_hdf5_group(f, layers, reshape=False):
    """Loads the weights in the h5py group f into `layers` by order: the k-th layer with
    weights gets the k-th saved layer with weights. ValueError when the counts differ."""
    version, backend = _origin(f)
    with_weights = [layer for layer in layers if layer.weights]
    names = [name for name in load_attributes_from_hdf5_group(f, 'layer_names')
             if load_attributes_from_hdf5_group(f[name], 'weight_names')]
    if len(names) != len(with_weights):
        raise ValueError('You are trying to load a weight file containing ' + str(len(names)) +
                         ' layers into a model with ' + str(len(with_weights)) + ' layers.')
    pairs = []
    for k, (name, layer) in enumerate(zip(names, with_weights)):
        symbolic = layer.weights
        values = preprocess_weights_for_loading(layer, _saved_values(f[name]), version,
                                                backend, reshape=reshape)
        if len(values) != len(symbolic):
            raise ValueError('Layer #' + str(k) + ' (named "' + layer.name + '" in the current '
                             'model) was found to correspond to layer ' + name + ' in the save '
                             'file. However the new layer ' + layer.name + ' expects ' +
                             str(len(symbolic)) + ' weights, but the saved weights have ' +
                             str(len(values)) + ' elements.')
        pairs += zip(symbolic, values)
    K.batch_set_value(pairs)


def load_weights_from_hdf5_group_by_name(f, layers, skip_mismatch=False, reshape=False):
    """Loads the weights in the h5py group f into the layers of the same name (others are
    left alone); with skip_mismatch, a layer whose weight count or shapes differ is skipped
    with a warning instead of raising ValueError."""
    version, backend = _origin(f)
    by_name = {}
    for layer in layers:
        if layer.name:
            by_name.setdefault(layer.name, []).append(layer)
    pairs = []
    for k, name in enumerate(load_attributes_from_hdf5_group(f, 'layer_names')):
        saved = _saved_values(f[name])
        for layer in by_name.get(name, []):
            symbolic = layer.weights
            values = preprocess_weights_for_loading(layer, saved, version, backend,
                                                    reshape=reshape)
            if len(values) != len(symbolic):
                message = ('Layer #' + str(k) + ' (named "' + layer.name + '") expects ' +
                           str(len(symbolic)) + ' weight(s), but the saved weights have ' +
                           str(len(values)) + ' element(s).')
                if not skip_mismatch:
                    raise ValueError(message)
                warnings.warn('Skipping loading of weights for layer ' + layer.name + ' due to '
                              'mismatch in number of weights (%d vs %d).'
                              % (len(symbolic), len(values)))
                continue
            mismatched = [i for i, (w, v) in enumerate(zip(symbolic, values))
                          if K.int_shape(w) != tuple(v.shape)]
            if mismatched:
                i = mismatched[0]
                message = ('Layer #' + str(k) + ' (named "' + layer.name + '"), weight ' +
                           str(symbolic[i]) + ' has shape ' + str(K.int_shape(symbolic[i])) +
                           ', but the saved weight has shape ' + str(values[i].shape) + '.')
                if not skip_mismatch:
                    raise ValueError(message)
                warnings.warn('Skipping loading of weights for layer ' + layer.name + ' due to '
                              'mismatch in shape (%s vs %s).'
                              % (K.int_shape(symbolic[i]), values[i].shape))
                continue
            pairs += zip(symbolic, values)
    K.batch_set_value(pairs)


# Loss and metric objects (a class with get_config: Keras's losses_test's MSE_MAE_loss, a
# stateful metric layer) in a saved training config: Keras writes them as {'class_name',
# 'config'} and load_model makes them again with the custom objects. The engine names losses and
# metrics by name only, so these two steps are here.
def _is_serialized(value):
    return isinstance(value, dict) and 'class_name' in value and 'config' in value


def _leaves(value):
    """The losses (metrics) of compile's one value, list or dict by output (of lists)."""
    if _is_serialized(value) or not isinstance(value, (dict, list, tuple)):
        return [value]
    return [leaf for v in (value.values() if isinstance(value, dict) else value)
            for leaf in _leaves(v)]


def _map_leaves(value, fn):
    if _is_serialized(value) or not isinstance(value, (dict, list, tuple)):
        return fn(value)
    if isinstance(value, dict):
        return {k: _map_leaves(v, fn) for k, v in value.items()}
    return [_map_leaves(v, fn) for v in value]


def write_loss_objects(path, model):
    """After the engine wrote the file `path`: its training config's loss and metrics as Keras
    writes them when compile's loss or metrics hold objects."""
    from ..utils import io_utils
    from ..utils.generic_utils import serialize_keras_object
    loss, metrics = getattr(model, 'loss', None), getattr(model, 'metrics', None)
    if io_utils.h5py is None or not io_utils.h5py.is_hdf5(path) or not any(
            not isinstance(v, str) and hasattr(v, 'get_config')
            for v in _leaves(loss) + _leaves(metrics)):
        return
    import json

    def serialized(v):
        return v if isinstance(v, str) or v is None else serialize_keras_object(v)
    with io_utils.h5py.File(path, 'r+') as f:
        if 'training_config' in f.attrs:
            config = json.loads(_text(f.attrs['training_config']))
            config['loss'] = _map_leaves(loss, serialized)
            config['metrics'] = _map_leaves(metrics or [], serialized)
            f.attrs['training_config'] = json.dumps(config).encode('utf8')


def training_config_with_loss_objects(path):
    """The training config of the file `path` when its loss or metrics hold serialized objects
    (which the engine cannot compile from), else None."""
    from ..utils import io_utils
    if io_utils.h5py is None or not io_utils.h5py.is_hdf5(path):
        return None
    import json
    with io_utils.h5py.File(path, 'r') as f:
        if 'training_config' not in f.attrs:
            return None
        config = json.loads(_text(f.attrs['training_config']))
    leaves = _leaves(config.get('loss')) + _leaves(config.get('metrics'))
    return config if any(_is_serialized(v) for v in leaves) else None


def compile_from_training_config(model, config, path, custom_objects=None):
    """Keras's load_model steps for a training config with loss or metric objects: compile
    with the objects made from their configs, then restore the optimizer's state from the
    file."""
    from .. import losses, metrics, optimizers
    from ..utils import io_utils
    from ..utils.generic_utils import CustomObjectScope

    def made(deserialize):
        return lambda v: deserialize(v) if _is_serialized(v) else v
    with CustomObjectScope(custom_objects or {}):
        model.compile(optimizers.deserialize(config['optimizer_config']),
                      _map_leaves(config['loss'], made(losses.deserialize)),
                      metrics=_map_leaves(config.get('metrics') or [],
                                          made(metrics.deserialize)),
                      loss_weights=config.get('loss_weights'),
                      sample_weight_mode=config.get('sample_weight_mode'))
    with io_utils.h5py.File(path, 'r') as f:
        if 'optimizer_weights' in f:
            group = f['optimizer_weights']
            names = load_attributes_from_hdf5_group(group, 'weight_names')
            model._make_train_function()
            model.optimizer.set_weights([np.asarray(group[name]) for name in names])


def save_file(model, path, overwrite, include_optimizer):
    """models.save_model's writing of a file: the engine's, then the loss objects."""
    model._save_file(path, overwrite, include_optimizer)
    write_loss_objects(path, model)  # as Keras writes loss objects


def load_file(path, custom_objects, compile):
    """models.load_model's reading of a file."""
    from ..models import _wrap as _wrap_model
    from ..utils.generic_utils import _objects_for_engine
    config = training_config_with_loss_objects(path) if compile else None
    with _objects_for_engine(custom_objects) as objects:
        model = _wrap_model(_models._load_model(path, objects, compile and config is None))
    if config is not None:  # loss objects: compiled as Keras's load_model does
        compile_from_training_config(model, config, path, custom_objects)
    return model
