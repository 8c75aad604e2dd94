"""Keras's models: Sequential (with Keras 1 and 2 keyword arguments)."""
import importlib
import warnings

import numpy as np

from ._keras_cpp import models as _models
from ._keras_cpp.layers import Layer
from .utils.data_utils import Sequence
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
    # keras_cpp's Python faces of the engine's own metrics go to the engine by name.
    return getattr(value, '_engine_name', value)


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


def _engine(module):
    """keras_cpp.engine.<module>, imported when used (keras_cpp.engine imports this module)."""
    return importlib.import_module('.engine.' + module, __package__)


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
    from .engine.training_utils import check_num_samples
    first = next(iter(x.values())) if isinstance(x, dict) else (
        x[0] if isinstance(x, (list, tuple)) else x)
    check_num_samples([first], batch_size, steps, steps_name)
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
        from . import backend as K
        for kind, tensors in (('Input', inputs), ('Output', outputs)):
            for x in tensors if isinstance(tensors, (list, tuple)) else [tensors]:
                if not K.is_tensor(x):
                    raise ValueError(kind + ' tensors to a Model must be Keras tensors. Found: ' +
                                     repr(x) + ' (of type ' + type(x).__name__ + ')')
        super().__init__(inputs, outputs, name or '')
        self.loss = None
        self.metrics = []

    @property
    def layers(self):
        layers = _python_models(self._layers)
        # Held, so that the same Python object comes back at each access.
        self.__dict__['_nested_models'] = [x for x in layers if isinstance(x, Model)]
        return layers

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
                sample_weight_mode=None, weighted_metrics=None, target_tensors=None, **kwargs):
        """target_tensors: tensors the losses read as the targets (a tensor, a list or a dict
        by output name), so fit and train_on_batch take no y for those outputs. Keras 2.2.4
        passes other keywords to the TensorFlow session; Keras 1 to Theano's function. Neither
        exists here: they are ignored with a warning, as Keras 1 did."""
        for key in kwargs:
            warnings.warn('compile: keyword argument ' + repr(key) + ' is ignored (keras_cpp '
                          'has no backend session or function to pass it to)', stacklevel=2)
        self.loss = loss
        self.metrics = list(metrics) if isinstance(metrics, (list, tuple)) else (metrics or [])
        self.weighted_metrics = weighted_metrics
        self.sample_weight_mode = sample_weight_mode
        if self._defer_compile(((optimizer, loss, metrics, loss_weights, sample_weight_mode,
                                 weighted_metrics, target_tensors), {})):
            return
        mode = _engine('training_utils').checked_compile_arguments(
            loss_weights, sample_weight_mode, self.output_names)
        self._compile(optimizer, '' if loss is None else _named(loss), _named(metrics),
                      loss_weights, mode, _named(weighted_metrics), target_tensors)
        self._collected_trainable_weights = self.trainable_weights

    _collected_trainable_weights = None

    def _check_trainable_weights_consistency(self):
        """Keras's warning for a model whose trainable weights changed (model.trainable or a
        layer's set) since compile, at summary() and each training call (as Keras)."""
        if self._collected_trainable_weights is None:
            return
        if len(self.trainable_weights) != len(self._collected_trainable_weights):
            warnings.warn('Discrepancy between trainable weights and collected trainable '
                          'weights, did you set `model.trainable` without calling '
                          '`model.compile` after ?', stacklevel=3)

    def summary(self, line_length=None, positions=None, print_fn=None):
        """Prints Keras's table of layers, output shapes and parameter counts."""
        self._check_trainable_weights_consistency()
        _models.Model.summary(self, line_length, positions, print_fn)

    def fit(self, x=None, y=None, batch_size=None, epochs=1, verbose=1, callbacks=None,
            validation_split=0., validation_data=None, shuffle=True, class_weight=None,
            sample_weight=None, initial_epoch=0, steps_per_epoch=None, validation_steps=None,
            nb_epoch=None):
        """Trains the model; `nb_epoch` (Keras 1) is `epochs`; shuffle True, False or 'batch'.
        With steps_per_epoch, each step trains on all the arrays at once (Keras's rule for
        arrays; validation_steps then evaluates all of validation_data, as often). Returns a
        History."""
        self._build_for(x)
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
        self._check_trainable_weights_consistency()
        if callbacks:
            _give_validation_data(callbacks, self._validation_arrays(
                validation_data, validation_split, x, y, sample_weight))
        self.history = self._fit(
            x, y, _batch_size(batch_size), epochs, verbose, list(callbacks or []),
            validation_split, validation_data, shuffle, initial_epoch, class_weight,
            self._filled_weights(y, sample_weight))
        return self.history

    # Keras's private lists of the layers that make the model's inputs and outputs, which
    # model-surgery code reads.
    @property
    def _input_layers(self):
        return [x._keras_history[0] for x in self.inputs]

    @property
    def _output_layers(self):
        return [y._keras_history[0] for y in self.outputs]

    def _defer_compile(self, arguments):
        return False  # a functional model knows its inputs; Sequential may wait for them

    def _build_for(self, x):
        pass

    def _validation_arrays(self, validation_data, validation_split=0., x=None, y=None,
                           sample_weight=None):
        """Keras's callback.validation_data: the validation inputs, targets and sample weights
        (ones where none are given), one array each; None without validation arrays."""
        from .engine import training_utils as tu
        if validation_data is not None:
            if len(validation_data) not in (2, 3):
                return None  # fit raises the error that says what is wrong
            val_x, val_y = validation_data[:2]
            val_w = validation_data[2] if len(validation_data) == 3 else None
        elif validation_split and 0. < validation_split < 1. and x is not None:
            xs = tu.standardize_input_data(x, self.input_names)
            ys = tu.standardize_input_data(y, self.output_names)
            ws = tu.standardize_sample_weights(sample_weight, self.output_names)
            split_at = int(len(xs[0]) * (1. - validation_split))
            val_x = [a[split_at:] for a in xs]
            val_y = [a[split_at:] for a in ys]
            val_w = [None if w is None else np.asarray(w)[split_at:] for w in ws]
        else:
            return None
        val_x = tu.standardize_input_data(val_x, self.input_names)
        val_y = tu.standardize_input_data(val_y, self.output_names)
        return val_x + val_y + self._weights_per_output(val_y, val_w)

    def _weights_per_output(self, ys, sample_weight):
        """sample_weight as one array per output (ys: the targets, one per output), ones where
        none is given (per sample, or per timestep with sample_weight_mode='temporal')."""
        from .engine import training_utils as tu
        modes = getattr(self, 'sample_weight_mode', None)
        if not isinstance(modes, (list, dict)):
            modes = [modes] * len(ys)
        elif isinstance(modes, dict):
            modes = [modes.get(name) for name in self.output_names]
        # Outputs without targets (no loss) have no sample weights either.
        return [None if target is None else
                tu.standardize_weights(target, None if w is None else np.asarray(w),
                                       sample_weight_mode=mode)
                for target, w, mode in zip(
                    ys, tu.standardize_sample_weights(sample_weight, self.output_names), modes)]

    def _filled_weights(self, y, sample_weight):
        """A list of sample weights with None entries (Keras: those outputs unweighted) as the
        engine takes it: ones there. A dict's keys that are not names (tensors, as some scripts
        pass) are dropped with a warning: Keras 2.2.4 looks the output names up and ignores them."""
        if isinstance(sample_weight, dict) and not all(isinstance(k, str) for k in sample_weight):
            warnings.warn('sample_weight: ignoring the dictionary keys that are not output names '
                          '(' + ', '.join(repr(k) for k in sample_weight if not isinstance(k, str))
                          + '); the outputs are ' + str(self.output_names), stacklevel=3)
            sample_weight = {k: w for k, w in sample_weight.items() if isinstance(k, str)} or None
        if isinstance(sample_weight, tuple) and len(self.output_names) > 1:
            from .engine import training_utils as tu
            tu.standardize_sample_weights(sample_weight, self.output_names)  # Keras's TypeError
        if not isinstance(sample_weight, (list, tuple)) or all(w is not None
                                                               for w in sample_weight):
            return sample_weight
        from .engine import training_utils as tu
        return self._weights_per_output(tu.standardize_input_data(y, self.output_names),
                                        list(sample_weight))

    def evaluate(self, x=None, y=None, batch_size=None, verbose=1, sample_weight=None,
                 steps=None):
        """The total loss, each output's loss and the metrics: a scalar when that is one value.
        With steps, each step evaluates all the arrays at once (the same mean)."""
        if steps is not None:
            batch_size = _whole_batch(x, batch_size, steps, 'steps')
        self._build_for(x)
        return _single(self._evaluate(x, y, _batch_size(batch_size), verbose,
                                      self._filled_weights(y, sample_weight)))

    def predict(self, x, batch_size=None, verbose=0, steps=None):
        """One array per output: a list for a model of several outputs. With steps, each step
        predicts all of x at once and the steps' predictions are concatenated, as Keras's."""
        if isinstance(x, (list, tuple)) and any(a is None for a in x):
            from .engine import training_utils as tu
            tu.standardize_input_data(list(x), self.input_names)  # Keras's ValueError
        self._build_for(x)
        if steps is None:
            return _outputs(self._predict(x, _batch_size(batch_size), verbose))
        outputs = self._predict(x, _whole_batch(x, batch_size, steps, 'steps'), verbose)
        return _outputs([np.concatenate([out] * steps) for out in outputs])

    def train_on_batch(self, x, y, sample_weight=None, class_weight=None):
        """One gradient step on one batch: the loss (and metrics), a scalar when one value."""
        self._build_for(x)
        self._check_trainable_weights_consistency()
        return _single(self._train_on_batch(x, y, self._filled_weights(y, sample_weight),
                                            class_weight))

    def test_on_batch(self, x, y, sample_weight=None):
        self._build_for(x)
        return _single(self._test_on_batch(x, y, self._filled_weights(y, sample_weight)))

    def predict_on_batch(self, x):
        self._build_for(x)
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
        self._check_trainable_weights_consistency()
        _engine('training_utils').warn_generator_with_processes(
            generator, use_multiprocessing or pickle_safe, workers)
        if callbacks and isinstance(validation_data, tuple):
            _give_validation_data(callbacks, self._validation_arrays(validation_data))
        batch_size = getattr(generator, 'batch_size', None)
        if samples_per_epoch and not steps_per_epoch and isinstance(batch_size, int) and \
                batch_size > 0 and isinstance(generator, Sequence):
            # Keras 1's datagen.flow(...) was an iterator counted in samples; Keras 2's is a
            # Sequence read in batches: as many as Keras 1 read to see samples_per_epoch.
            steps_per_epoch = -(-samples_per_epoch // batch_size)
            samples_per_epoch = None
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
        _engine('training_utils').warn_generator_with_processes(
            generator, use_multiprocessing or pickle_safe, nb_worker or workers)
        return _single(self._evaluate_generator(generator, steps or 0, val_samples or 0,
                                                max_queue_size, min(workers, 1), verbose))

    def predict_generator(self, generator, steps=None, max_queue_size=10, workers=1,
                          use_multiprocessing=False, verbose=0, val_samples=None,
                          max_q_size=None, nb_worker=None, pickle_safe=None):
        if max_q_size is not None:
            max_queue_size = max_q_size
        _engine('training_utils').warn_generator_with_processes(
            generator, use_multiprocessing or pickle_safe, nb_worker or workers)
        return _outputs(self._predict_generator(generator, steps or 0, val_samples or 0,
                                                max_queue_size, min(workers, 1), verbose))


def _give_validation_data(callbacks, arrays):
    """Sets Keras's callback.validation_data (the arrays fit validates on) on the callbacks."""
    for callback in callbacks if arrays is not None else []:
        callback.validation_data = arrays


class Sequential(Model):
    """A linear stack of layers: `Sequential([Dense(32, input_dim=784), Activation('relu')])`."""
    _pending = ()  # a model load_model or from_config made (_wrap) is built
    _deferred_compile = None

    def __init__(self, layers=None, name=None):
        _models.Model.__init__(self, _models._new_sequential(name))
        self._layer_objects = []
        # Keras 2.2.4's deferred build: layers added before the input shape is known wait here
        # (and a compile, in _deferred_compile) until build() or the first data gives it.
        self._pending = []
        self._deferred_compile = None
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
        # A Sequential waiting for its input shape waits with this one (Keras builds both).
        waiting = isinstance(layer, Sequential) and bool(layer._pending)
        first_without_input = not self._layer_objects and (waiting or (
            layer.batch_input_shape is None and not layer._node_count and
            not isinstance(layer, _models.Model)))
        if self._pending or first_without_input:
            self._pending.append(layer)
        else:
            self._add(layer)
        self._layer_objects.append(layer)

    def pop(self):
        if self._pending:
            self._pending.pop()
        else:
            self._pop()
        self._layer_objects.pop()

    @property
    def weights(self):
        return [] if self._pending else _models.Model.weights.__get__(self)

    @property
    def trainable_weights(self):
        return [] if self._pending else _models.Model.trainable_weights.__get__(self)

    @property
    def non_trainable_weights(self):
        return [] if self._pending else _models.Model.non_trainable_weights.__get__(self)

    @property
    def built(self):
        return not self._pending and bool(self._layer_objects) and \
            _models.Model.built.__get__(self)

    @built.setter
    def built(self, value):
        pass  # Keras layers set it at the end of build(); the engine knows

    def build(self, input_shape=None):
        """Builds the model for inputs of input_shape (batch axis included), as Keras 2.2.4
        does for layers added without an input shape; the compile made meanwhile runs now."""
        if not self._pending:
            return
        if input_shape is None:
            raise ValueError('Sequential.build: the first layer (' + self._pending[0].name +
                             ') has no input shape; pass build(input_shape) with the batch '
                             'axis, e.g. (None, 784), or give the layer input_shape=.')
        if isinstance(self._pending[0], Sequential):
            self._pending[0].build(input_shape)
        self._add(InputLayer(batch_input_shape=tuple(input_shape),
                             name=self._pending[0].name + '_input'))
        pending, self._pending = self._pending, []
        for layer in pending:
            self._add(layer)
        if self._deferred_compile is not None:
            args, kwargs = self._deferred_compile
            self._deferred_compile = None
            self.compile(*args, **kwargs)

    def _defer_compile(self, arguments):
        """Keeps compile's arguments while the model waits for its input shape (True then)."""
        if self._pending:
            self._deferred_compile = arguments
        return bool(self._pending)

    def _build_for(self, x):
        """build() for the shape of the data x (an array, or a list or dict of them)."""
        if not self._pending or x is None:
            return
        first = next(iter(x.values())) if isinstance(x, dict) else (
            x[0] if isinstance(x, (list, tuple)) else x)
        self.build((None,) + tuple(np.shape(first))[1:])

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
        self._build_for(x)
        return self._predict_classes(x, batch_size, verbose, False)

    def predict_proba(self, x, batch_size=32, verbose=0):
        self._build_for(x)
        return self._predict_classes(x, batch_size, verbose, True)

    def summary(self, line_length=65, print_fn=print):
        """Prints Keras's table of layers, output shapes and parameter counts."""
        self._check_trainable_weights_consistency()
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


_models.Model._load_weights_file = _models.Model.load_weights


def _keras2_weights_group(f):
    """The group of a Keras 2 HDF5 file that holds layer_names: the root of a weights file,
    model_weights of a whole-model file; None for other layouts (Keras 3's)."""
    if 'layer_names' in f.attrs:
        return f
    if 'model_weights' in f and 'layer_names' in f['model_weights'].attrs:
        return f['model_weights']
    return None


def _load_weights(self, filepath, by_name=False, skip_mismatch=False, reshape=False):
    """Loads weights saved by save_weights or save (Keras's files too): by order, or by layer
    name (others skipped); skip_mismatch (with by_name) skips a layer whose weights differ in
    count or shape with a UserWarning; reshape reshapes convolution kernels of the same size
    but another shape to the layer's."""
    from .utils import io_utils
    if (reshape or skip_mismatch) and io_utils.h5py is not None:
        from .engine import saving
        with io_utils.h5py.File(str(filepath), 'r') as f:
            group = _keras2_weights_group(f)
            if group is not None:
                if by_name:
                    saving.load_weights_from_hdf5_group_by_name(group, self.layers,
                                                                skip_mismatch, reshape)
                else:
                    saving.load_weights_from_hdf5_group(group, self.layers, reshape)
                return
    self._load_weights_file(str(filepath), by_name, skip_mismatch)


_models.Model.load_weights = _load_weights


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
        return _engine('saving').save_file(model, str(filepath), overwrite, include_optimizer)
    import os
    import tempfile
    from .utils import io_utils
    if 'model_weights' in target:
        raise KeyError('Cannot save the model into this group: it already holds a model '
                       '("model_weights" exists). Save into an empty group.')
    with tempfile.TemporaryDirectory() as folder:
        path = os.path.join(folder, 'model.h5')
        _engine('saving').save_file(model, path, True, include_optimizer)
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
        model._layer_objects = _python_models(cpp_model._layers)
    else:
        model = Model.__new__(Model)
        _models.Model.__init__(model, cpp_model)
    model.loss = None
    model.metrics = []
    return model


def _python_models(layers):
    """The layers, with a model the C++ side built (nested in one from a config or a file) as
    this module's Sequential or Model."""
    return [_wrap(x) if type(x) is _models.Model else x for x in layers]


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
        return _engine('saving').load_file(str(filepath), custom_objects, compile)
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
        return _engine('saving').load_file(path, custom_objects, compile)


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


class _Named(object):
    """keras_cpp's own loss or metric function in a pickle: by its name (the engine's functions
    are not picklable themselves), looked up again when unpickled."""

    def __init__(self, kind, name):
        self.kind, self.name = kind, name

    def resolve(self):
        from . import losses, metrics
        return (losses.get if self.kind == 'loss' else metrics.get)(self.name)


def _by_name(value, kind):
    """value (a function, a name, or a list or dict of them) with keras_cpp's functions as
    _Named (undone by _resolved)."""
    if isinstance(value, dict):
        return {k: _by_name(v, kind) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return type(value)(_by_name(v, kind) for v in value)
    module = str(getattr(value, '__module__', None) or '')
    if callable(value) and not isinstance(value, type) and module.startswith('keras_cpp') and \
            hasattr(value, '__name__'):
        return _Named(kind, value.__name__)
    return value


def _resolved(value):
    if isinstance(value, dict):
        return {k: _resolved(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return type(value)(_resolved(v) for v in value)
    return value.resolve() if isinstance(value, _Named) else value


def _model_from_bytes(data, custom_objects, loss, metrics):
    import os
    import tempfile
    with tempfile.TemporaryDirectory() as folder:
        path = os.path.join(folder, 'model.h5')
        with open(path, 'wb') as f:
            f.write(data)
        model = load_model(path, custom_objects)
    model.loss, model.metrics = _resolved(loss), _resolved(metrics)
    return model


def _reduce_model(self):
    import os
    import tempfile
    with tempfile.TemporaryDirectory() as folder:
        path = os.path.join(folder, 'model.h5')
        self.save(path)
        with open(path, 'rb') as f:
            data = f.read()
    return _model_from_bytes, (data, _custom_objects_of(self), _by_name(self.loss, 'loss'),
                               _by_name(self.metrics, 'metric'))


_models.Model.__reduce__ = _reduce_model


def clone_model(model, input_tensors=None):
    """A model of the same architecture with new layers and freshly initialized weights, as
    Keras's clone_model; with input_tensors, the clone is built on those tensors."""
    cls = Sequential if model._is_sequential else Model
    clone = cls.from_config(model.get_config(), custom_objects=_custom_objects_of(model))
    if input_tensors is None:
        return clone
    from . import backend as K
    # A tensor no Input made (a variable, a placeholder) gets one, as in Keras.
    several = isinstance(input_tensors, (list, tuple))
    tensors = [x if K.is_keras_tensor(x) else
               Input(tensor=x, name='input_wrapper_for_' + layer.name)
               for x, layer in zip(input_tensors if several else [input_tensors],
                                   model._input_layers)]
    tensors = tensors if several else tensors[0]
    return Model(tensors, clone(tensors))


# What Keras re-exports from keras.models: 2.2.4's Input and InputLayer, 1.2.2's Merge and
# get_source_inputs (and Layer, imported above).
from .layers import Input, InputLayer  # noqa: F401,E402
from .layers.merge import Merge  # noqa: F401,E402
from .utils.layer_utils import get_source_inputs  # noqa: F401,E402
from ._node import Node  # noqa: F401,E402 (Keras 1.2.2's models had it)
