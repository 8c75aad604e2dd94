"""Every public name of Keras 1.2.2 and 2.2.4 is where Keras puts it in keras_cpp, except those
tools/keras_api/missing.json lists with their reasons (issue 12: "the note lists every Keras
public name still missing, with the reason"); and the names added for that list do what Keras's
do."""
import importlib
import json
import os

import numpy as np
import pytest

import keras_cpp as keras
from keras_cpp import backend as K

TOOLS = os.path.join(os.path.dirname(__file__), '..', '..', 'tools', 'keras_api')


def _load(name):
    with open(os.path.join(TOOLS, name), encoding='utf-8') as f:
        return json.load(f)


KERAS_NAMES = {version: _load('keras_%s.json' % version.replace('.', '_'))
               for version in ('1.2.2', '2.2.4')}
MISSING = _load('missing.json')['missing']


def _cpp_module(keras_module):
    return importlib.import_module('keras_cpp' + keras_module[len('keras'):])


def _modules():
    return sorted({m for names in KERAS_NAMES.values() for m in names})


def test_the_name_lists_are_keras():
    """The lists are Keras's (a few well-known names per version), so a broken extraction
    cannot pass as an empty list."""
    k1, k2 = KERAS_NAMES['1.2.2'], KERAS_NAMES['2.2.4']
    assert {'Dense', 'Merge', 'merge', 'TimeDistributedDense', 'Convolution2D'} <= set(k1['keras.layers'])
    assert {'Dense', 'Conv2D', 'add', 'CuDNNLSTM', 'Input'} <= set(k2['keras.layers'])
    assert {'Input', 'Model', 'Sequential'} == set(k2['keras'])
    assert 'fmeasure' in k1['keras.metrics'] and 'fmeasure' not in k2['keras.metrics']
    assert {'image_dim_ordering', 'batch_dot', 'ctc_cost'} <= set(k1['keras.backend'])
    assert {'to_categorical', 'Sequence', 'multi_gpu_model'} <= set(k2['keras.utils'])
    assert sum(map(len, k1.values())) > 500 and sum(map(len, k2.values())) > 700


@pytest.mark.parametrize('module', _modules())
def test_every_keras_name_is_there_or_listed_missing(module):
    names = set()
    for version_names in KERAS_NAMES.values():
        names |= set(version_names.get(module, []))
    listed = MISSING.get(module, {})
    try:
        cpp = _cpp_module(module)
    except ImportError:
        cpp = None
    absent = {n for n in names if cpp is None or not hasattr(cpp, n)}
    unlisted = sorted(absent - set(listed))
    assert not unlisted, ('keras_cpp%s lacks Keras names %s: add them, or list them in '
                          'tools/keras_api/missing.json with the reason'
                          % (module[len('keras'):], unlisted))
    present_but_listed = sorted(set(listed) - absent)
    assert not present_but_listed, ('%s now has %s: delete their entries from '
                                    'tools/keras_api/missing.json' % (module, present_but_listed))


def test_every_missing_name_is_a_keras_name_with_a_reason():
    for module, entries in MISSING.items():
        known = set()
        for version_names in KERAS_NAMES.values():
            known |= set(version_names.get(module, []))
        for name, reason in entries.items():
            assert name in known, '%s.%s is not a Keras public name' % (module, name)
            assert isinstance(reason, str) and len(reason) > 20, (module, name)


# The names added for the list, each doing what Keras's does.

def test_layer_aliases_are_keras_aliases():
    from keras_cpp.layers import convolutional, pooling
    assert convolutional.AtrousConv1D is convolutional.AtrousConvolution1D
    assert convolutional.AtrousConv2D is convolutional.AtrousConvolution2D
    assert convolutional.Deconv2D is convolutional.Deconvolution2D
    assert convolutional.Deconv3D is convolutional.Deconvolution3D is convolutional.Conv3DTranspose
    assert pooling.GlobalMaxPool3D is pooling.GlobalMaxPooling3D
    assert keras.layers.GlobalAvgPool3D is keras.layers.GlobalAveragePooling3D
    x = np.random.rand(2, 3, 4, 5, 6).astype('float32')
    model = keras.models.Sequential([keras.layers.GlobalAvgPool3D(input_shape=(3, 4, 5, 6))])
    np.testing.assert_allclose(model.predict(x), x.mean(axis=(1, 2, 3)), rtol=1e-5)
    model = keras.models.Sequential([keras.layers.Deconv3D(2, (2, 2, 2), strides=(2, 2, 2),
                                                           input_shape=(3, 3, 3, 1))])
    assert model.output_shape == (None, 6, 6, 6, 2)


def test_keras1_metric_aliases():
    from keras_cpp import metrics
    assert metrics.fscore is metrics.f1score is metrics.fmeasure


def test_l1l2_regularizer_keras1():
    from keras_cpp import regularizers
    reg = regularizers.L1L2Regularizer(l1=0.1, l2=0.2)
    w = K.variable(np.array([[1., -2.], [3., 0.]], dtype='float32'))
    assert np.isclose(K.eval(reg(w)), 0.1 * 6 + 0.2 * 14)
    again = regularizers.deserialize({'class_name': 'L1L2Regularizer',
                                      'config': {'l1': 0.1, 'l2': 0.2}})
    assert again.get_config() == {'l1': 0.1, 'l2': 0.2}


def test_topology_list_helpers_keras1():
    from keras_cpp.engine import topology
    a, b = object(), object()
    assert topology.to_list(a) == [a] and topology.to_list([a, b]) == [a, b]
    assert topology.object_list_uid([a, b]) == '%d, %d' % (abs(id(a)), abs(id(b)))


def test_models_reexports():
    from keras_cpp import models
    assert models.Input is keras.layers.Input and models.InputLayer is keras.layers.InputLayer
    assert models.Merge is keras.layers.Merge
    x = models.Input(shape=(3,))
    y = keras.layers.Dense(2)(x)
    assert models.get_source_inputs(y) == [x]
    assert models.Model(x, y).output_shape == (None, 2)


def test_keras1_backend_names():
    a = K.variable(np.array([1., 2., 3.], dtype='float32'))
    np.testing.assert_array_equal(K.eval(K.lesser(a, 2.)), [True, False, False])
    np.testing.assert_array_equal(K.eval(K.lesser_equal(a, 2.)), [True, True, False])
    assert K.get_variable_shape(K.variable(np.zeros((2, 5)))) == (2, 5)
    x = K.variable(np.ones((1, 2, 1), dtype='float32'))
    padded = K.eval(K.asymmetric_temporal_padding(x, left_pad=1, right_pad=2))
    np.testing.assert_array_equal(padded[0, :, 0], [0, 1, 1, 0, 0])
    image = K.variable(np.ones((1, 2, 2, 1), dtype='float32'))
    padded = K.eval(K.asymmetric_spatial_2d_padding(image, 1, 0, 0, 2, dim_ordering='tf'))
    assert padded.shape == (1, 3, 4, 1) and padded.sum() == 4 and padded[0, 1, 0, 0] == 1
    channels_first = K.variable(np.ones((1, 1, 2, 2), dtype='float32'))
    assert K.eval(K.asymmetric_spatial_2d_padding(channels_first, 0, 1, 1, 0,
                                                  dim_ordering='th')).shape == (1, 1, 3, 3)
    with pytest.raises(ValueError, match='dim_ordering'):
        K.asymmetric_spatial_2d_padding(image, dim_ordering='channels_last')


def test_optimizer_from_config_keras1():
    from keras_cpp import optimizers
    adam = optimizers.optimizer_from_config({'class_name': 'adam', 'config': {'lr': 0.01}})
    assert isinstance(adam, optimizers.Adam) and np.isclose(adam.get_config()['lr'], 0.01)
    sgd = optimizers.optimizer_from_config({'class_name': 'SGD', 'config': {'lr': 0.5}})
    assert isinstance(sgd, optimizers.SGD)

    class MySGD(optimizers.SGD):
        pass

    mine = optimizers.optimizer_from_config({'class_name': 'MySGD', 'config': {'lr': 0.2}},
                                            custom_objects={'MySGD': MySGD})
    assert isinstance(mine, MySGD)
    with pytest.raises(ValueError, match='Optimizer class not found: Foo'):
        optimizers.optimizer_from_config({'class_name': 'Foo', 'config': {}})


def test_clip_norm():
    from keras_cpp.optimizers import clip_norm
    g = K.variable(np.array([3., 4.], dtype='float32'))
    n = K.sqrt(K.sum(K.square(g)))
    np.testing.assert_allclose(K.eval(clip_norm(g, 1., n)), [0.6, 0.8], rtol=1e-6)
    np.testing.assert_allclose(K.eval(clip_norm(g, 10., n)), [3., 4.])
    assert clip_norm(g, 0., n) is g


def test_initializers_serialize_deserialize():
    from keras_cpp import initializers
    config = initializers.serialize(initializers.RandomNormal(stddev=0.3))
    assert config == {'class_name': 'RandomNormal',
                      'config': {'mean': 0., 'stddev': 0.3, 'seed': None}}
    again = initializers.deserialize(config)
    assert isinstance(again, initializers.RandomNormal) and again.stddev == 0.3
    glorot = initializers.serialize(initializers.glorot_uniform())
    assert glorot == {'class_name': 'VarianceScaling',
                      'config': {'scale': 1., 'mode': 'fan_avg', 'distribution': 'uniform',
                                 'seed': None}}
    assert isinstance(initializers.deserialize(glorot), initializers.VarianceScaling)
    assert initializers.deserialize('glorot_uniform') is initializers.glorot_uniform
    with pytest.raises(ValueError, match='Unknown initializer: Nope'):
        initializers.deserialize({'class_name': 'Nope', 'config': {}})


def test_count_total_params_keras1():
    from keras_cpp.utils.layer_utils import count_total_params
    inner = keras.models.Sequential([keras.layers.Dense(3, input_dim=4),
                                     keras.layers.BatchNormalization()])
    x = keras.layers.Input(shape=(4,))
    outer = keras.models.Model(x, keras.layers.Dense(1)(inner(x)))
    # Dense 4*3+3, BatchNormalization gamma/beta 6 trainable and mean/variance 6 not, Dense 3+1.
    assert count_total_params(outer.layers) == (15 + 6 + 4, 6)
    dense = outer.layers[-1]
    assert count_total_params([dense, dense]) == (4, 0)  # each layer counted once
    assert count_total_params([dense], {dense}) == (0, 0)


def test_layers_deserialize_keras_object():
    from keras_cpp.utils.generic_utils import deserialize_keras_object
    assert keras.layers.deserialize_keras_object is deserialize_keras_object
