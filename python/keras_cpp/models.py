"""Keras's models: Sequential (with Keras 1 and 2 keyword arguments)."""
import warnings

import numpy as np

from ._keras_cpp import models as _models
from ._keras_cpp.layers import Layer
from .utils.generic_utils import _objects_for_engine




def _named(value):
    """compile's loss and metric names that name custom objects (get_custom_objects(),
    CustomObjectScope) as those objects; anything else as it is."""
    from .utils.generic_utils import _GLOBAL_CUSTOM_OBJECTS
    if isinstance(value, str):
        if value in _GLOBAL_CUSTOM_OBJECTS:
            return _GLOBAL_CUSTOM_OBJECTS[value]
        from . import metrics
        if value in metrics.KERAS1_METRICS:
            return getattr(metrics, value)
        return value
    if isinstance(value, (list, tuple)):
        return [_named(v) for v in value]
    if isinstance(value, dict):
        return {k: _named(v) for k, v in value.items()}
    return value


def _single(values):
    """Keras returns a scalar for one value (the loss) and a list otherwise; numpy scalars, as
    Keras's (a Python float too: numpy.float64 subclasses it)."""
    values = [np.float64(v) if isinstance(v, float) else v for v in values]
    return values[0] if len(values) == 1 else values


class _ModelType(type(_models.Model)):
    """isinstance(m, Model) holds for every engine model, also those the C++ side built (and not
    wrapped: a model nested in another's layers)."""

    def __instancecheck__(cls, obj):
        if cls is Model:
            return isinstance(obj, _models.Model)
        return super().__instancecheck__(obj)

    def __subclasscheck__(cls, sub):
        if cls is Model:
            return issubclass(sub, _models.Model)
        return super().__subclasscheck__(sub)


def _batch_size(batch_size):
    return 32 if batch_size is None else batch_size


def _rows(arrays, start, stop):
    """Rows start:stop of an array, of each array of a list, or of each value of a dict."""
    if isinstance(arrays, dict):
        return {k: v[start:stop] for k, v in arrays.items()}
    if isinstance(arrays, (list, tuple)):
        return [a[start:stop] for a in arrays]
    return arrays[start:stop]


def _whole_batch(x, batch_size, steps, steps_name):
    """Keras's `steps` with arrays: each step takes all of them at once, so the batch is their
    number of rows; `steps` and `batch_size` exclude each other (Keras's check_num_samples)."""
    if batch_size is not None:
        raise ValueError('If ' + steps_name + ' is set, the `batch_size` must be None.')
    first = next(iter(x.values())) if isinstance(x, dict) else (
        x[0] if isinstance(x, (list, tuple)) else x)
    return len(first)


def _outputs(values):
    """One array per output: the array itself for a model of one output."""
    return values[0] if len(values) == 1 else list(values)


class Model(_models.Model, metaclass=_ModelType):
    """Keras's Model: the functional API's `Model(inputs=[a, b], outputs=[c, d])` (Keras 1:
    `Model(input=..., output=...)`), and the base of Sequential. x, y and sample_weight are one
    array, a list in the order of the inputs (outputs), or a dict by input (output) name."""

    def __init__(self, inputs=None, outputs=None, name=None, input=None, output=None):
        if input is not None:
            inputs = input
        if output is not None:
            outputs = output
        if inputs is None or outputs is None:
            raise TypeError('Model needs inputs and outputs: Model(inputs=..., outputs=...)')
        super().__init__(inputs, outputs, name or '')
        self.loss = None
        self.metrics = []

    @property
    def layers(self):
        return list(self._layers)

    @property
    def uses_learning_phase(self):
        """Whether an output depends on the learning phase (dropout, noise, ... not fixed by
        `training=`): predict and evaluate then run with the phase 0."""
        return any(x._uses_learning_phase for x in self.outputs)

    def get_layer(self, name=None, index=None):
        if index is not None:
            layers = self.layers
            if len(layers) <= index:
                raise ValueError('Was asked to retrieve layer at index ' + str(index) +
                                 ' but model only has ' + str(len(layers)) + ' layers.')
            return layers[index]
        return self._get_layer(name)

    def compile(self, optimizer, loss=None, metrics=None, loss_weights=None,
                sample_weight_mode=None, weighted_metrics=None, **kwargs):
        """Keras 2.2.4 passes other keywords to the TensorFlow session; Keras 1 to Theano's
        function. Neither exists here: they are ignored with a warning, as Keras 1 did."""
        for key in kwargs:
            warnings.warn('compile: keyword argument ' + repr(key) + ' is ignored (keras_cpp '
                          'has no backend session or function to pass it to)', stacklevel=2)
        self._compile(optimizer, '' if loss is None else _named(loss), _named(metrics),
                      loss_weights, sample_weight_mode, _named(weighted_metrics))
        self.loss = loss
        self.metrics = list(metrics) if isinstance(metrics, (list, tuple)) else (metrics or [])
        self.weighted_metrics = weighted_metrics

    def fit(self, x=None, y=None, batch_size=None, epochs=1, verbose=1, callbacks=None,
            validation_split=0., validation_data=None, shuffle=True, class_weight=None,
            sample_weight=None, initial_epoch=0, steps_per_epoch=None, validation_steps=None,
            nb_epoch=None):
        """Trains the model; `nb_epoch` (Keras 1) is `epochs`; shuffle True, False or 'batch'.
        With steps_per_epoch, each step trains on all the arrays at once (Keras's rule for
        arrays; validation_steps then evaluates all of validation_data, as often). Returns a
        History."""
        if nb_epoch is not None:
            epochs = nb_epoch
        if validation_data is not None:
            validation_data = tuple(validation_data)
        validates = validation_data is not None or bool(validation_split)
        if validation_steps and steps_per_epoch is None:
            raise ValueError('Can only use `validation_steps` when doing step-wise training, '
                             'i.e. `steps_per_epoch` must be set.')
        if steps_per_epoch and validates and not validation_steps:
            raise ValueError('Must specify `validation_steps` to perform validation when doing '
                             'step-wise training.')
        if steps_per_epoch is not None:
            _whole_batch(x, batch_size, steps_per_epoch, 'steps_per_epoch')
            if validation_split and validation_data is None:  # the last rows, as Keras
                split = int(_whole_batch(x, None, 1, 'steps') * (1. - validation_split))
                parts = [a for a in (x, y, sample_weight) if a is not None]
                validation_data = tuple(_rows(a, split, None) for a in parts)
                x, y = _rows(x, 0, split), _rows(y, 0, split)
                if sample_weight is not None:
                    sample_weight = _rows(sample_weight, 0, split)

            def whole_arrays():
                while True:
                    yield (x, y) if sample_weight is None else (x, y, sample_weight)
            return self.fit_generator(
                whole_arrays(), steps_per_epoch, epochs, verbose, callbacks, validation_data,
                validation_steps, class_weight, workers=0, shuffle=False,
                initial_epoch=initial_epoch)
        self.history = self._fit(
            x, y, _batch_size(batch_size), epochs, verbose, list(callbacks or []),
            validation_split, validation_data, shuffle, initial_epoch, class_weight,
            sample_weight)
        return self.history

    def evaluate(self, x=None, y=None, batch_size=None, verbose=1, sample_weight=None,
                 steps=None):
        """The total loss, each output's loss and the metrics: a scalar when that is one value.
        With steps, each step evaluates all the arrays at once (the same mean)."""
        if steps is not None:
            batch_size = _whole_batch(x, batch_size, steps, 'steps')
        return _single(self._evaluate(x, y, _batch_size(batch_size), verbose, sample_weight))

    def predict(self, x, batch_size=None, verbose=0, steps=None):
        """One array per output: a list for a model of several outputs. With steps, each step
        predicts all of x at once and the steps' predictions are concatenated, as Keras's."""
        if steps is None:
            return _outputs(self._predict(x, _batch_size(batch_size), verbose))
        outputs = self._predict(x, _whole_batch(x, batch_size, steps, 'steps'), verbose)
        return _outputs([np.concatenate([out] * steps) for out in outputs])

    def train_on_batch(self, x, y, sample_weight=None, class_weight=None):
        """One gradient step on one batch: the loss (and metrics), a scalar when one value."""
        return _single(self._train_on_batch(x, y, sample_weight, class_weight))

    def test_on_batch(self, x, y, sample_weight=None):
        return _single(self._test_on_batch(x, y, sample_weight))

    def predict_on_batch(self, x):
        return _outputs(self._predict_on_batch(x))

    def fit_generator(self, generator, steps_per_epoch=None, epochs=1, verbose=1,
                      callbacks=None, validation_data=None, validation_steps=None,
                      class_weight=None, max_queue_size=10, workers=1,
                      use_multiprocessing=False, shuffle=True, initial_epoch=0,
                      samples_per_epoch=None, nb_epoch=None, nb_val_samples=None,
                      max_q_size=None, nb_worker=None, pickle_safe=None):
        """Trains on batches from a Python generator of (x, y) or (x, y, sample_weight) tuples,
        or from a keras.utils.Sequence (every batch once per epoch, shuffled with shuffle).

        Keras 2 counts batches (steps_per_epoch, validation_steps), Keras 1 samples
        (samples_per_epoch, nb_val_samples). A generator runs on a producer thread, also with
        use_multiprocessing (Keras 1: pickle_safe): the engine releases the GIL while it
        computes, so a thread feeds it as a process would, with no copy of the generator.
        """
        if nb_epoch is not None:
            epochs = nb_epoch
        if max_q_size is not None:
            max_queue_size = max_q_size
        if nb_worker is not None:
            workers = nb_worker
        if isinstance(validation_data, list):
            validation_data = tuple(validation_data)
        self.history = self._fit_generator(
            generator, steps_per_epoch or 0, samples_per_epoch or 0, epochs, verbose,
            list(callbacks or []), validation_data, validation_steps or 0, nb_val_samples or 0,
            class_weight, max_queue_size, min(workers, 1), bool(shuffle), initial_epoch)
        return self.history

    def evaluate_generator(self, generator, steps=None, max_queue_size=10, workers=1,
                           use_multiprocessing=False, verbose=0, val_samples=None,
                           max_q_size=None, nb_worker=None, pickle_safe=None):
        if max_q_size is not None:
            max_queue_size = max_q_size
        return _single(self._evaluate_generator(generator, steps or 0, val_samples or 0,
                                                max_queue_size, min(workers, 1), verbose))

    def predict_generator(self, generator, steps=None, max_queue_size=10, workers=1,
                          use_multiprocessing=False, verbose=0, val_samples=None,
                          max_q_size=None, nb_worker=None, pickle_safe=None):
        if max_q_size is not None:
            max_queue_size = max_q_size
        return _outputs(self._predict_generator(generator, steps or 0, val_samples or 0,
                                                max_queue_size, min(workers, 1), verbose))


class Sequential(Model):
    """A linear stack of layers: `Sequential([Dense(32, input_dim=784), Activation('relu')])`."""

    def __init__(self, layers=None, name=None):
        _models.Model.__init__(self, _models._new_sequential(name))
        self._layer_objects = []
        self.loss = None
        self.metrics = []
        for layer in layers or []:
            self.add(layer)

    @property
    def layers(self):
        return list(self._layer_objects)

    @property
    def inputs(self):
        """The input tensors: one, or one per branch of a first Merge."""
        return list(_models.Model.inputs.__get__(self))

    @property
    def outputs(self):
        return list(_models.Model.outputs.__get__(self))

    def add(self, layer):
        if not isinstance(layer, Layer):
            raise TypeError('The added layer must be an instance of class Layer. '
                            'Found: ' + str(layer))
        self._add(layer)
        self._layer_objects.append(layer)

    def pop(self):
        self._pop()
        self._layer_objects.pop()

    def get_layer(self, name=None, index=None):
        if index is not None:
            if len(self._layer_objects) <= index:
                raise ValueError('Was asked to retrieve layer at index ' + str(index) +
                                 ' but model only has ' + str(len(self._layer_objects)) +
                                 ' layers.')
            return self._layer_objects[index]
        for layer in self._layer_objects:
            if layer.name == name:
                return layer
        raise ValueError('No such layer: ' + str(name))

    def predict_classes(self, x, batch_size=32, verbose=0):
        return self._predict_classes(x, batch_size, verbose, False)

    def predict_proba(self, x, batch_size=32, verbose=0):
        return self._predict_classes(x, batch_size, verbose, True)

    def summary(self, line_length=65, print_fn=print):
        """Prints Keras's table of layers, output shapes and parameter counts."""
        widths = [int(line_length * f) for f in (.45, .85, 1.)]

        def row(fields):
            line = ''
            for field, width in zip(fields, widths):
                line = (line + str(field))[:width].ljust(width)
            print_fn(line)

        print_fn('_' * line_length)
        row(['Layer (type)', 'Output Shape', 'Param #'])
        print_fn('=' * line_length)
        for i, layer in enumerate(self._layer_objects):
            row(['%s (%s)' % (layer.name, layer.class_name), layer.output_shape,
                 layer.count_params()])
            print_fn(('=' if i == len(self._layer_objects) - 1 else '_') * line_length)
        total = self.count_params()
        trainable = int(sum(np.prod(w.shape) for w in self.trainable_weights))
        print_fn('Total params: {:,}'.format(total))
        print_fn('Trainable params: {:,}'.format(trainable))
        print_fn('Non-trainable params: {:,}'.format(total - trainable))
        print_fn('_' * line_length)


# The engine writes files; Model.save (below) also takes Keras 2.2.4's other targets.
_models.Model._save_file = _models.Model.save


def _save(self, filepath, overwrite=True, include_optimizer=True):
    """Saves the architecture, the weights and the training configuration and optimizer
    state to `filepath`: a path, an h5py group or file, an H5Dict or a dict."""
    save_model(self, filepath, overwrite, include_optimizer)


Model.save = _save


def _h5_target(filepath):
    """The H5Dict a save or load goes through when `filepath` is not a path: an h5py group
    (or file), an H5Dict, or a dict (Keras 2.2.4's save_model and load_model take them)."""
    from .utils import io_utils
    if isinstance(filepath, io_utils.H5Dict):
        return filepath
    if isinstance(filepath, dict) or (io_utils.h5py is not None and
                                      isinstance(filepath, io_utils.h5py.Group)):
        return io_utils.H5Dict(filepath)
    return None


def save_model(model, filepath, overwrite=True, include_optimizer=True):
    """Keras's save_model: model.save(filepath); filepath may also be an h5py group or file,
    an H5Dict or a dict, which receive what the file would hold."""
    target = _h5_target(filepath)
    if target is None:
        model._save_file(str(filepath), overwrite, include_optimizer)
        return
    import os
    import tempfile
    from .utils import io_utils
    if 'model_weights' in target:
        raise KeyError('Cannot save the model into this group: it already holds a model '
                       '("model_weights" exists). Save into an empty group.')
    with tempfile.TemporaryDirectory() as folder:
        path = os.path.join(folder, 'model.h5')
        model._save_file(path, True, include_optimizer)
        with io_utils.h5py.File(path, 'r') as written:
            io_utils._copy_h5_tree(written, target if target._in_dict() else target.data)
        if not target._in_dict():
            target.data.file.flush()


def _wrap(cpp_model):
    """A model the C++ side built (load_model, model_from_json) as this module's Sequential or
    Model, around the same C++ object."""
    if cpp_model._is_sequential:
        model = Sequential.__new__(Sequential)
        _models.Model.__init__(model, cpp_model)
        model._layer_objects = list(cpp_model._layers)
    else:
        model = Model.__new__(Model)
        _models.Model.__init__(model, cpp_model)
    model.loss = None
    model.metrics = []
    return model


def model_from_config(config, custom_objects=None):
    """A model (uncompiled, fresh weights) from {'class_name': ..., 'config': ...}."""
    import json
    if not isinstance(config, dict) or 'class_name' not in config:
        raise TypeError('model_from_config expects a dict {"class_name": ..., "config": ...}, '
                        'got ' + repr(config)[:200] + '. To build a model from a model.get_config() '
                        'dict, use Sequential.from_config or Model.from_config.')
    with _objects_for_engine(custom_objects) as objects:
        return _wrap(_models._model_from_json(json.dumps(config), objects))


def _model_class_from_config(class_name):
    def from_config(cls, config, custom_objects=None):
        """A model (fresh weights) from model.get_config()'s dict."""
        return model_from_config({'class_name': class_name, 'config': config}, custom_objects)
    return classmethod(from_config)


Sequential.from_config = _model_class_from_config('Sequential')
Model.from_config = _model_class_from_config('Model')


def load_model(filepath, custom_objects=None, compile=True):
    """Keras's load_model: the architecture, the weights and (with compile) the training
    configuration and optimizer state of a file written by model.save (or by Keras); filepath
    may also be an h5py group or file, an H5Dict or a dict that save_model wrote to."""
    target = _h5_target(filepath)
    if target is None:
        with _objects_for_engine(custom_objects) as objects:
            return _wrap(_models._load_model(str(filepath), objects, compile))
    import os
    import tempfile
    from .utils import io_utils
    if 'model_config' not in target:
        raise ValueError('No model found in the given ' + type(filepath).__name__ +
                         ': it has no "model_config" (save_model writes one).')
    with tempfile.TemporaryDirectory() as folder:
        path = os.path.join(folder, 'model.h5')
        with io_utils.h5py.File(path, 'w') as copy:
            if target._in_dict():
                io_utils._copy_dict_tree(target, copy)
            else:
                io_utils._copy_h5_tree(target.data, copy)
        with _objects_for_engine(custom_objects) as objects:
            return _wrap(_models._load_model(path, objects, compile))


def model_from_json(json_string, custom_objects=None):
    """A model (uncompiled, fresh weights) from model.to_json()'s string."""
    with _objects_for_engine(custom_objects) as objects:
        return _wrap(_models._model_from_json(json_string, objects))


def model_from_yaml(yaml_string, custom_objects=None):
    """A model (uncompiled, fresh weights) from model.to_yaml()'s string."""
    with _objects_for_engine(custom_objects) as objects:
        return _wrap(_models._model_from_yaml(yaml_string, objects))


# pickle and copy.deepcopy: a model travels as the bytes of the file model.save writes
# (architecture, weights, training configuration and optimizer state), as Keras models do via
# save; unpickling loads it. Layers, losses and metrics written in Python travel by reference
# (pickle's way with classes and functions) as the custom objects load_model needs.
def _custom_objects_of(model):
    objects = {}
    for layer in model.layers:
        if not type(layer).__module__.startswith('keras_cpp.'):
            objects[type(layer).__name__] = type(layer)
    for value in [model.loss] + list(model.metrics or []):
        values = value.values() if isinstance(value, dict) else (
            value if isinstance(value, (list, tuple)) else [value])
        for v in values:
            if callable(v) and not getattr(v, '__module__', '').startswith('keras_cpp'):
                objects[v.__name__] = v
    return objects


def _model_from_bytes(data, custom_objects, loss, metrics):
    import os
    import tempfile
    with tempfile.TemporaryDirectory() as folder:
        path = os.path.join(folder, 'model.h5')
        with open(path, 'wb') as f:
            f.write(data)
        model = load_model(path, custom_objects)
    model.loss, model.metrics = loss, metrics
    return model


def _reduce_model(self):
    import os
    import tempfile
    with tempfile.TemporaryDirectory() as folder:
        path = os.path.join(folder, 'model.h5')
        self.save(path)
        with open(path, 'rb') as f:
            data = f.read()
    return _model_from_bytes, (data, _custom_objects_of(self), self.loss, self.metrics)


_models.Model.__reduce__ = _reduce_model


def clone_model(model, input_tensors=None):
    """A model of the same architecture with new layers and freshly initialized weights, as
    Keras's clone_model; with input_tensors, the clone is built on those tensors."""
    cls = Sequential if model._is_sequential else Model
    clone = cls.from_config(model.get_config(), custom_objects=_custom_objects_of(model))
    if input_tensors is None:
        return clone
    return Model(input_tensors, clone(input_tensors))


# What Keras re-exports from keras.models: 2.2.4's Input and InputLayer, 1.2.2's Merge and
# get_source_inputs (and Layer, imported above).
from .layers import Input, InputLayer  # noqa: F401,E402
from .layers.merge import Merge  # noqa: F401,E402
from .utils.layer_utils import get_source_inputs  # noqa: F401,E402
from ._node import Node  # noqa: F401,E402 (Keras 1.2.2's models had it)
