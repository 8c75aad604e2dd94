"""Keras's test utilities (keras.utils.test_utils): `get_test_data`, the random data of Keras's own
integration tests, `layer_test`, the routine its layer tests run every layer through, and
`keras_test`."""
import functools
import inspect

import numpy as np
from numpy.testing import assert_allclose


def get_test_data(num_train=1000, num_test=500, input_shape=(10,), output_shape=(2,),
                  classification=True, num_classes=2, **keras1_names):
    """Random data to train a model on, split into (x_train, y_train), (x_test, y_test).

    Classification: integer labels in [0, num_classes) and inputs drawn around their label
    (normal, scale 0.7). Otherwise: inputs and float targets of `output_shape` drawn around one
    random location per sample. Keras 1's names `nb_train`, `nb_test` and `nb_class` are accepted.
    """
    renames = {'nb_train': 'num_train', 'nb_test': 'num_test', 'nb_class': 'num_classes'}
    unknown = sorted(set(keras1_names) - set(renames))
    if unknown:
        raise TypeError('get_test_data() got unexpected keyword arguments %s; it takes num_train, '
                        'num_test, input_shape, output_shape, classification, num_classes (Keras '
                        "1: nb_train, nb_test, nb_class)" % unknown)
    values = dict(num_train=num_train, num_test=num_test, num_classes=num_classes)
    for old, new in renames.items():
        if old in keras1_names:
            values[new] = keras1_names[old]
    num_train, num_test, num_classes = (values['num_train'], values['num_test'],
                                        values['num_classes'])
    input_shape, output_shape = tuple(input_shape), tuple(output_shape)
    num_sample = num_train + num_test
    if classification:
        y = np.random.randint(0, num_classes, size=(num_sample,))
        x = np.zeros((num_sample,) + input_shape)
        for i in range(num_sample):
            x[i] = np.random.normal(loc=y[i], scale=0.7, size=input_shape)
    else:
        y_loc = np.random.random((num_sample,))
        x = np.zeros((num_sample,) + input_shape)
        y = np.zeros((num_sample,) + output_shape)
        for i in range(num_sample):
            x[i] = np.random.normal(loc=y_loc[i], scale=0.7, size=input_shape)
            y[i] = np.random.normal(loc=y_loc[i], scale=0.7, size=output_shape)
    return (x[:num_train], y[:num_train]), (x[num_train:], y[num_train:])


def _check_shape(expected, actual, where):
    if len(expected) != len(actual) or any(e is not None and e != a
                                           for e, a in zip(expected, actual)):
        raise AssertionError('layer_test: %s gave output shape %s, expected %s'
                             % (where, tuple(actual), tuple(expected)))


def layer_test(layer_cls, kwargs=None, input_shape=None, input_dtype=None, input_data=None,
               expected_output=None, expected_output_dtype=None, fixed_batch_size=False):
    """Runs a layer with one input and one output through what every Keras layer must do: its
    weights read and written back (and given as `weights=`), a call in a functional model and as
    the first layer of a Sequential, its output shape and values, its config and JSON round trips.
    Returns the Sequential model's output on `input_data`."""
    from .. import backend as K
    from ..layers import Input
    from ..models import Model, Sequential, model_from_json

    kwargs = dict(kwargs or {})
    if input_data is None:
        if not input_shape:
            raise ValueError('layer_test: give input_shape or input_data')
        input_dtype = input_dtype or K.floatx()
        data_shape = [np.random.randint(1, 4) if d is None else d for d in input_shape]
        input_data = (10 * np.random.random(data_shape)).astype(input_dtype)
    elif input_shape is None:
        input_shape = input_data.shape
    if input_dtype is None:
        input_dtype = str(input_data.dtype)
    if expected_output_dtype is None:
        expected_output_dtype = input_dtype

    layer = layer_cls(**kwargs)
    weights = layer.get_weights()
    layer.set_weights(weights)
    if weights and 'weights' in inspect.signature(layer_cls).parameters:
        kwargs['weights'] = weights
        layer = layer_cls(**kwargs)

    if fixed_batch_size:
        x = Input(batch_shape=input_shape, dtype=input_dtype)
    else:
        x = Input(shape=input_shape[1:], dtype=input_dtype)
    y = layer(x)
    if K.dtype(y) != expected_output_dtype:
        raise AssertionError('layer_test: output dtype %s, expected %s'
                             % (K.dtype(y), expected_output_dtype))
    model = Model(x, y)
    model.compile('rmsprop', 'mse')
    expected_output_shape = layer.compute_output_shape(tuple(input_shape))
    actual_output = model.predict(input_data)
    _check_shape(expected_output_shape, actual_output.shape, 'the functional model')
    if expected_output is not None:
        assert_allclose(actual_output, expected_output, rtol=1e-3)

    model = Model.from_config(model.get_config())
    model.compile('rmsprop', 'mse')

    layer_config = layer.get_config()
    layer_config['batch_input_shape'] = input_shape
    layer = layer.__class__.from_config(layer_config)
    model = Sequential()
    model.add(layer)
    model.compile('rmsprop', 'mse')
    actual_output = model.predict(input_data)
    _check_shape(expected_output_shape, actual_output.shape, 'the Sequential model')
    if expected_output is not None:
        assert_allclose(actual_output, expected_output, rtol=1e-3)

    model_from_json(model.to_json())
    return actual_output


def keras_test(func):
    """Keras's decorator for a test: clears the session after it, so graphs do not accumulate."""
    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        from .. import backend as K
        output = func(*args, **kwargs)
        K.clear_session()
        return output
    return wrapper
