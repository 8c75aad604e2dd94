"""keras.engine.training_utils (Keras 2.2.4): the helpers of the training loop that scripts and
custom training code import: normalising inputs, targets and weights to one entry per model
input or output, checking their lengths and shapes, batching, and wrapping a loss with sample
weights and a mask (weighted_masked_objective). The compiled training step does the same work in
C++; these are the Python API over the same rules."""
import copy
import warnings

import numpy as np

from .. import backend as K
from .. import losses
from ..utils.data_utils import iter_sequence_infinite  # noqa: F401 (Keras exports it here)
from ..utils.generic_utils import to_list


def _values(x):
    # A pandas DataFrame (or Series) passes its numpy values, as Keras reads them.
    return x.values if type(x).__name__ in ('DataFrame', 'Series') else x


def standardize_single_array(x):
    """x with a trailing axis added when it is 1-D; symbolic tensors need a known batch size."""
    if x is None:
        return None
    if K.is_tensor(x):
        shape = K.int_shape(x)
        if shape is None or shape[0] is None:
            raise ValueError('When feeding symbolic tensors to a model, the tensors need a '
                             'static batch size; got a tensor of shape ' + str(shape))
        return x
    x = np.asarray(x) if not hasattr(x, 'ndim') else x
    return np.expand_dims(x, 1) if x.ndim == 1 else x


def _check_shapes(data, names, shapes, check_batch_axis, exception_prefix):
    for name, array, shape in zip(names, data, shapes):
        if shape is None or K.is_tensor(array):
            continue
        if array.ndim != len(shape):
            raise ValueError('Error when checking ' + exception_prefix + ': expected ' + name +
                             ' to have ' + str(len(shape)) + ' dimensions, but got array with '
                             'shape ' + str(array.shape))
        got, wanted = (array.shape, shape) if check_batch_axis else (array.shape[1:], shape[1:])
        if any(ref and dim != ref for dim, ref in zip(got, wanted)):
            raise ValueError('Error when checking ' + exception_prefix + ': expected ' + name +
                             ' to have shape ' + str(tuple(wanted)) + ' but got array with '
                             'shape ' + str(tuple(got)))


def standardize_input_data(data, names, shapes=None, check_batch_axis=True,
                           exception_prefix=''):
    """The user's data (an array, a list of arrays or a dict by name; pandas frames too) as a
    list with one array per name, in the order of `names`, checked against `shapes` (None
    dimensions match anything; the batch axis only with check_batch_axis)."""
    if not names:
        if data is not None and hasattr(data, '__len__') and len(data):
            raise ValueError('Error when checking model ' + exception_prefix +
                             ': expected no data, but got: ' + str(data)[:200])
        return []
    if data is None:
        return [None] * len(names)
    if isinstance(data, dict):
        missing = [name for name in names if name not in data]
        if missing:
            raise ValueError('No data provided for "' + missing[0] + '". Need data for each '
                             'key in: ' + str(list(names)))
        data = [_values(data[name]) for name in names]
    elif isinstance(data, list):
        if data and isinstance(data[0], list):
            data = [np.asarray(d) for d in data]
        elif len(names) == 1 and data and isinstance(data[0], (float, int)):
            data = [np.asarray(data)]
        else:
            data = [_values(x) for x in data]
    else:
        data = [_values(data)]
    data = [standardize_single_array(x) for x in data]

    if len(data) != len(names):
        if data and hasattr(data[0], 'shape'):
            raise ValueError('Error when checking model ' + exception_prefix + ': the list of '
                             'Numpy arrays passed is not the size the model expected: expected '
                             + str(len(names)) + ' array(s), but got ' + str(len(data)) +
                             ' arrays: ' + str(data)[:200] + '...')
        if len(names) > 1:
            raise ValueError('Error when checking model ' + exception_prefix + ': a list was '
                             'passed, but the model expects a list of ' + str(len(names)) +
                             ' Numpy arrays. The list passed was: ' + str(data)[:200])
        if len(data) == 1 and not hasattr(data[0], 'shape'):
            raise TypeError('Error when checking model ' + exception_prefix + ': data should '
                            'be a Numpy array, or a list or dict of Numpy arrays. Found: ' +
                            str(data)[:200] + '...')
        data = [np.asarray(data)]
    if shapes:
        _check_shapes(data, names, shapes, check_batch_axis, exception_prefix)
    return data


def standardize_sample_or_class_weights(x_weight, output_names, weight_type):
    """sample_weight or class_weight (one value, a list, or a dict by output name) as a list
    with one entry per output (None where an output has none)."""
    if x_weight is None or len(x_weight) == 0:
        return [None for _ in output_names]
    if len(output_names) == 1:
        if isinstance(x_weight, list) and len(x_weight) == 1:
            return x_weight
        if isinstance(x_weight, dict) and output_names[0] in x_weight:
            return [x_weight[output_names[0]]]
        return [x_weight]
    if isinstance(x_weight, list):
        if len(x_weight) != len(output_names):
            raise ValueError('Provided `' + weight_type + '` was a list of ' +
                             str(len(x_weight)) + ' elements, but the model has ' +
                             str(len(output_names)) + ' outputs. Provide one `' + weight_type +
                             '` array per model output.')
        return x_weight
    if isinstance(x_weight, dict):
        return [x_weight.get(name) for name in output_names]
    raise TypeError('The model has multiple outputs, so `' + weight_type + '` should be a '
                    'list or a dict; got ' + str(x_weight)[:200])


def standardize_class_weights(class_weight, output_names):
    return standardize_sample_or_class_weights(class_weight, output_names, 'class_weight')


def standardize_sample_weights(sample_weight, output_names):
    return standardize_sample_or_class_weights(sample_weight, output_names, 'sample_weight')


def check_array_length_consistency(inputs, targets, weights=None):
    """Raises ValueError unless all inputs, targets and sample weights (lists of arrays, None
    entries allowed) have the same number of samples."""
    def lengths(arrays):
        return {0} if arrays is None else {0 if a is None else int(a.shape[0]) for a in arrays}

    def shapes(arrays):
        return str([None if a is None else a.shape for a in arrays])

    set_x, set_y, set_w = lengths(inputs), lengths(targets), lengths(weights)
    if len(set_x) > 1:
        raise ValueError('All input arrays (x) should have the same number of samples. Got '
                         'array shapes: ' + shapes(inputs))
    if len(set_y) > 1:
        raise ValueError('All target arrays (y) should have the same number of samples. Got '
                         'array shapes: ' + shapes(targets))
    x_count, y_count, w_count = min(set_x), min(set_y), min(set_w)
    if x_count != y_count:
        raise ValueError('Input arrays should have the same number of samples as target '
                         'arrays. Found ' + str(x_count) + ' input samples and ' +
                         str(y_count) + ' target samples.')
    if len(set_w) > 1:
        raise ValueError('All sample_weight arrays should have the same number of samples. '
                         'Got array shapes: ' + shapes(weights))
    if y_count != w_count:
        raise ValueError('Sample_weight arrays should have the same number of samples as '
                         'target arrays. Got ' + str(y_count) + ' target samples and ' +
                         str(w_count) + ' sample weights.')


def check_loss_and_target_compatibility(targets, loss_fns, output_shapes):
    """Raises ValueError for targets that a loss cannot take: categorical_crossentropy on
    targets with one column (integer classes), and mean_squared_error, binary_crossentropy or
    categorical_crossentropy on targets whose shape differs from the output's."""
    same_shape_losses = (losses.mean_squared_error, losses.binary_crossentropy,
                         losses.categorical_crossentropy)
    for y, loss, shape in zip(targets, loss_fns, output_shapes):
        if y is None or loss is None:
            continue
        if loss is losses.categorical_crossentropy and y.shape[-1] == 1:
            raise ValueError('You are passing a target array of shape ' + str(y.shape) +
                             ' while using as loss `categorical_crossentropy`, which expects '
                             'binary matrices (1s and 0s) of shape (samples, classes). Convert '
                             'integer classes with keras.utils.to_categorical, or use the loss '
                             '`sparse_categorical_crossentropy`, which takes integer targets.')
        if any(loss is fn for fn in same_shape_losses):
            for target_dim, out_dim in zip(y.shape[1:], shape[1:]):
                if out_dim is not None and target_dim != out_dim:
                    raise ValueError('A target array with shape ' + str(y.shape) + ' was '
                                     'passed for an output of shape ' + str(shape) + ' while '
                                     'using as loss `' + loss.__name__ + '`. This loss expects '
                                     'targets to have the same shape as the output.')


def collect_metrics(metrics, output_names):
    """metrics (a list for every output, or a dict by output name) as one list per output."""
    if not metrics:
        return [[] for _ in output_names]
    if isinstance(metrics, list):
        return [copy.copy(metrics) for _ in output_names]
    if isinstance(metrics, dict):
        return [to_list(metrics.get(name, [])) for name in output_names]
    raise TypeError('Type of `metrics` argument not understood: expected a list or a dict, '
                    'found ' + str(metrics)[:200])


def batch_shuffle(index_array, batch_size):
    """index_array shuffled batch-wise (whole batches of batch_size change places; a last
    partial batch stays last), for arrays read by batches such as HDF5's."""
    batch_count = int(len(index_array) / batch_size)
    last_batch = index_array[batch_count * batch_size:]
    index_array = index_array[:batch_count * batch_size]
    index_array = index_array.reshape((batch_count, batch_size))
    np.random.shuffle(index_array)
    return np.append(index_array.flatten(), last_batch)


def make_batches(size, batch_size):
    """The (start, end) index pairs of the batches of `size` samples."""
    count = (size + batch_size - 1) // batch_size
    return [(i * batch_size, min(size, (i + 1) * batch_size)) for i in range(count)]


def weighted_masked_objective(fn):
    """fn(y_true, y_pred) as weighted(y_true, y_pred, weights, mask=None): the scalar mean of
    the loss where masked entries count zero (and the rest are scaled by the mask's mean) and
    each sample (or timestep) is scaled by its weight, normalised by the share of non-zero
    weights. None stays None."""
    if fn is None:
        return None

    def weighted(y_true, y_pred, weights, mask=None):
        score_array = fn(y_true, y_pred)
        if mask is not None:
            mask = K.cast(mask, K.floatx())
            score_array = score_array * mask / K.mean(mask)
        if weights is not None:
            ndim, weight_ndim = K.ndim(score_array), K.ndim(weights)
            if ndim > weight_ndim:
                score_array = K.mean(score_array, axis=list(range(weight_ndim, ndim)))
            score_array = score_array * weights
            score_array = score_array / K.mean(K.cast(K.not_equal(weights, 0), K.floatx()))
        return K.mean(score_array)
    return weighted


def standardize_weights(y, sample_weight=None, class_weight=None, sample_weight_mode=None):
    """One weight per sample of y (per timestep with sample_weight_mode='temporal') from
    sample_weight, else from class_weight (a dict class -> weight, read from one-hot or integer
    targets), else ones."""
    if sample_weight_mode is not None:
        if sample_weight_mode != 'temporal':
            raise ValueError('sample_weight_mode should be None or "temporal"; found ' +
                             str(sample_weight_mode))
        if len(y.shape) < 3:
            raise ValueError('Found a sample_weight array for an input with shape ' +
                             str(y.shape) + '. Timestep-wise sample weighting '
                             '(sample_weight_mode="temporal") needs outputs that are at least '
                             '3D, with a time dimension.')
        if sample_weight is not None and len(sample_weight.shape) != 2:
            raise ValueError('Found a sample_weight array with shape ' +
                             str(sample_weight.shape) + '; timestep-wise sample weighting '
                             'takes a 2D sample_weight array.')
    elif sample_weight is not None and len(sample_weight.shape) != 1:
        raise ValueError('Found a sample_weight array with shape ' + str(sample_weight.shape) +
                         '. For timestep-wise sample weights, pass sample_weight_mode='
                         '"temporal" to compile(); sample-wise weights are a 1D array.')
    if sample_weight is not None and class_weight is not None:
        warnings.warn('Found both `sample_weight` and `class_weight`: `class_weight` argument '
                      'will be ignored.')
    if sample_weight is not None:
        if len(sample_weight.shape) > len(y.shape):
            raise ValueError('Found a sample_weight with shape ' + str(sample_weight.shape) +
                             '; expected a rank of at most ' + str(len(y.shape)))
        if y.shape[:sample_weight.ndim] != sample_weight.shape:
            raise ValueError('Found a sample_weight array with shape ' +
                             str(sample_weight.shape) + ' for an input with shape ' +
                             str(y.shape) + '. sample_weight cannot be broadcast.')
        return sample_weight
    if isinstance(class_weight, dict):
        if len(y.shape) > 2:
            raise ValueError('`class_weight` not supported for 3+ dimensional targets.')
        if len(y.shape) == 2 and y.shape[1] > 1:
            y_classes = np.argmax(y, axis=1)
        elif len(y.shape) == 2:
            y_classes = np.reshape(y, y.shape[0])
        else:
            y_classes = y
        missing = set(y_classes.tolist()) - set(class_weight)
        if missing:
            raise ValueError('`class_weight` must contain all classes in the data. The classes '
                             + str(missing) + ' exist in the data but not in `class_weight`.')
        return np.asarray([class_weight[c] for c in y_classes.tolist()])
    if sample_weight_mode is None:
        return np.ones((y.shape[0],), dtype=K.floatx())
    return np.ones((y.shape[0], y.shape[1]), dtype=K.floatx())


def check_num_samples(ins, batch_size=None, steps=None, steps_name='steps'):
    """The number of samples in ins (the first array's length), or None when the data is
    counted in steps; steps and batch_size exclude each other."""
    if steps is not None and batch_size is not None:
        raise ValueError('If ' + steps_name + ' is set, the `batch_size` must be None.')
    if not ins or any(K.is_tensor(x) for x in ins):
        if steps is None:
            raise ValueError('If your data is in the form of symbolic tensors, specify the `' +
                             steps_name + '` argument (instead of `batch_size`): symbolic '
                             'tensors are expected to produce batches of input data.')
        return None
    if hasattr(ins[0], 'shape'):
        return int(ins[0].shape[0])
    return None


def checked_compile_arguments(loss_weights, mode, names):
    """compile's sample_weight_mode, checked with loss_weights as Keras 2.2.4 checks them: a
    dict (one entry per output name) or a list (one per output) becomes the engine's list, one
    mode per output in output order."""
    if loss_weights is not None and not isinstance(loss_weights, (list, dict)):
        raise TypeError('Could not interpret loss_weights argument: ' + str(loss_weights) +
                        ' - expected a list of dicts.')  # Keras's words: a list or a dict
    if isinstance(mode, dict):
        for name in mode:
            if name not in names:
                raise ValueError('Unknown entry in sample_weight_mode dictionary: "' + name +
                                 '". Only expected the following keys: ' + str(names))
        for name in names:
            if name not in mode:
                raise ValueError('Output "' + name + '" missing from sample_weight_modes '
                                 'dictionary')
        modes = [mode[name] for name in names]
    elif isinstance(mode, list):
        if len(mode) != len(names):
            raise ValueError('When passing a list as sample_weight_mode, it should have one '
                             'entry per model output. The model has ' + str(len(names)) +
                             ' outputs, but you passed sample_weight_mode=' + str(mode))
        modes = mode
    else:
        return mode
    return list(modes)


def warn_generator_with_processes(generator, use_multiprocessing, workers):
    """Keras's UserWarning for a plain generator given to several worker processes, which would
    each run a copy of it; a Sequence hands out each batch once."""
    from ..utils.data_utils import Sequence
    if use_multiprocessing and workers > 1 and not isinstance(generator, Sequence):
        warnings.warn(UserWarning(
            'Using a generator with `use_multiprocessing=True` and multiple workers may '
            'duplicate your data in Keras (keras_cpp reads it on one producer thread). Please '
            'consider using the `keras.utils.Sequence` class.'), stacklevel=3)
