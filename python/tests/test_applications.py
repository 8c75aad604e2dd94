"""keras.applications (issue 12): Keras 2.2.4's ImageNet models (keras_applications 1.0.6) and
Keras 1.2.2's music tagger, their preprocessing and decoding, Keras's input-shape rules, and the
`weights` argument.

The parameter counts are Keras's published figures: the "Parameters" column of the
documentation's table of models (keras.io/applications, Keras 2.2.4's docs/templates/
applications.md); the music tagger's is derived layer by layer below."""
import json
import os
import warnings

import numpy as np
import pytest

import keras_cpp as keras
from keras_cpp import backend as K
from keras_cpp import applications
from keras_cpp.applications import (audio_conv_utils, densenet, imagenet_utils, inception_v3,
                                    mobilenet, mobilenet_v2, music_tagger_crnn, nasnet,
                                    resnet50, vgg16, xception)
from keras_cpp.applications.imagenet_utils import _obtain_input_shape


@pytest.fixture(autouse=True)
def quiet_and_channels_last():
    """The models' warnings (e.g. keras_cpp's fixed image size) are not the subject here; the
    data format is restored after the channels_first tests."""
    old = K.image_data_format()
    with warnings.catch_warnings():
        warnings.simplefilter('ignore')
        yield
    K.set_image_data_format(old)


# Keras's documentation table: (model, published parameter count), default configuration.
KERAS_PARAMETER_COUNTS = [
    ('Xception', 22910480), ('VGG16', 138357544), ('VGG19', 143667240),
    ('ResNet50', 25636712), ('InceptionV3', 23851784), ('InceptionResNetV2', 55873736),
    ('MobileNet', 4253864), ('MobileNetV2', 3538984), ('DenseNet121', 8062504),
    ('DenseNet169', 14307880), ('DenseNet201', 20242984), ('NASNetMobile', 5326716),
    ('NASNetLarge', 88949818)]


@pytest.mark.parametrize('name,count', KERAS_PARAMETER_COUNTS)
def test_parameter_count_is_keras_published_one(name, count):
    model = getattr(applications, name)(weights=None)
    assert model.count_params() == count
    assert model.output_shape == (None, 1000)


def test_music_tagger_parameter_count_derived_by_layer():
    # bn_0_freq normalises the 1440 padded time steps (4 vectors each); conv 3x3 + bias;
    # batch norms of 4 vectors per channel; Keras 1's GRU: 3 gates of (W, U, b).
    def conv(cin, cout):
        return 9 * cin * cout + cout

    def gru(cin, units):
        return 3 * (cin * units + units * units + units)

    expected = (4 * 1440 + conv(1, 64) + 4 * 64 + conv(64, 128) + 4 * 128 +
                2 * (conv(128, 128) + 4 * 128) + gru(128, 32) + gru(32, 32) + 32 * 50 + 50)
    model = music_tagger_crnn.MusicTaggerCRNN(weights=None)
    assert model.count_params() == expected == 400562
    assert model.name == 'music_tagger_crnn'
    assert model.output_shape == (None, 50)
    features = music_tagger_crnn.MusicTaggerCRNN(weights=None, include_top=False)
    assert features.output_shape == (None, 32)
    out = model.predict(np.random.rand(1, 96, 1366, 1).astype('float32'))
    assert out.shape == (1, 50) and np.all((out > 0) & (out < 1))
    K.set_image_dim_ordering('th')
    model = music_tagger_crnn.MusicTaggerCRNN(weights=None)
    assert model.input_shape == (None, 1, 96, 1366) and model.count_params() == 400562


def _names(model):
    return [layer.name for layer in model.layers]


def test_layer_names_are_keras():
    """Checkpoints of Keras's names (weight files load by them)."""
    names = _names(vgg16.VGG16(weights=None, include_top=False, input_shape=(32, 32, 3)))
    assert names == ['input_1', 'block1_conv1', 'block1_conv2', 'block1_pool', 'block2_conv1',
                     'block2_conv2', 'block2_pool', 'block3_conv1', 'block3_conv2',
                     'block3_conv3', 'block3_pool', 'block4_conv1', 'block4_conv2',
                     'block4_conv3', 'block4_pool', 'block5_conv1', 'block5_conv2',
                     'block5_conv3', 'block5_pool']
    names = _names(resnet50.ResNet50(weights=None))
    assert names[1:4] == ['conv1_pad', 'conv1', 'bn_conv1']
    assert {'res2a_branch1', 'bn2a_branch1', 'res5c_branch2c', 'bn4f_branch2b'} <= set(names)
    assert names[-2:] == ['avg_pool', 'fc1000']
    K.clear_session()  # default names count from 1 again, as in a fresh Keras session
    names = _names(inception_v3.InceptionV3(weights=None))
    assert names[1:4] == ['conv2d_1', 'batch_normalization_1', 'activation_1']
    assert names.count('mixed0') == 1 and 'mixed9_1' in names and 'conv2d_94' in names
    assert names[-3:] == ['mixed10', 'avg_pool', 'predictions']
    names = _names(mobilenet.MobileNet(weights=None, alpha=0.25, input_shape=(128, 128, 3)))
    assert {'conv1_pad', 'conv1_bn', 'conv1_relu', 'conv_pad_2', 'conv_dw_13', 'conv_pw_13_bn',
            'conv_pw_13_relu', 'reshape_1', 'dropout', 'conv_preds', 'act_softmax',
            'reshape_2'} <= set(names)
    from keras_cpp.applications import mobilenetv2  # Keras 2.2.4's older module name
    assert mobilenetv2.MobileNetV2 is mobilenet_v2.MobileNetV2
    names = _names(mobilenet_v2.MobileNetV2(weights=None, alpha=0.35, input_shape=(96, 96, 3)))
    assert {'Conv1', 'bn_Conv1', 'Conv1_relu', 'expanded_conv_depthwise',
            'expanded_conv_project_BN', 'block_1_expand', 'block_16_project', 'block_2_add',
            'Conv_1', 'Conv_1_bn', 'out_relu', 'Logits'} <= set(names)
    names = _names(densenet.DenseNet121(weights=None))
    assert {'conv1/conv', 'conv1/bn', 'pool1', 'conv2_block1_0_bn', 'conv2_block6_concat',
            'pool2_conv', 'pool4_pool', 'conv5_block16_2_conv', 'bn', 'fc1000'} <= set(names)
    K.clear_session()
    names = _names(xception.Xception(weights=None, include_top=False, input_shape=(71, 71, 3)))
    assert {'block1_conv1', 'block2_sepconv2_act', 'block13_pool', 'block14_sepconv2_act',
            'conv2d_1', 'batch_normalization_4'} <= set(names)
    names = _names(nasnet.NASNetMobile(weights=None))
    assert {'stem_conv1', 'stem_bn1', 'reduction_conv_1_stem_1', 'adjust_conv_projection_1',
            'normal_concat_3', 'reduction_concat_reduce_4', 'normal_add_5_5',
            'separable_conv_1_normal_left1_12', 'adjust_bn_reduce_8', 'predictions'} <= set(names)
    for model, name in [(resnet50.ResNet50, 'resnet50'), (inception_v3.InceptionV3,
                                                           'inception_v3')]:
        assert model(weights=None, include_top=False, input_shape=(75, 75, 3)).name == name


@pytest.mark.parametrize('build,classes', [
    (lambda: applications.MobileNet(weights=None, alpha=0.25, input_shape=(128, 128, 3)), 1000),
    (lambda: applications.MobileNetV2(weights=None, alpha=0.35, input_shape=(96, 96, 3),
                                      classes=10), 10),
    (lambda: applications.InceptionV3(weights=None, input_shape=(75, 75, 3), classes=7), 7),
    (lambda: applications.VGG19(weights=None, input_shape=(32, 32, 3), classes=5), 5)])
def test_forward_pass_gives_class_probabilities(build, classes):
    model = build()
    x = np.random.uniform(0, 255, (2,) + model.input_shape[1:]).astype('float32')
    probabilities = model.predict(imagenet_utils.preprocess_input(x, mode='tf'))
    assert probabilities.shape == (2, classes)
    np.testing.assert_allclose(probabilities.sum(axis=1), 1.0, rtol=1e-5)


@pytest.mark.parametrize('build,shape', [
    (lambda: applications.ResNet50(weights=None, include_top=False, input_shape=(32, 32, 3),
                                   pooling='avg'), (2048,)),
    (lambda: applications.DenseNet121(weights=None, include_top=False, input_shape=(32, 32, 3),
                                      pooling='max'), (1024,)),
    (lambda: applications.Xception(weights=None, include_top=False, input_shape=(71, 71, 3)),
     (3, 3, 2048)),
    (lambda: applications.NASNetMobile(weights=None, include_top=False, input_shape=(32, 32, 3),
                                       pooling='avg'), (1056,)),
    (lambda: applications.VGG16(weights=None, include_top=False, input_shape=(48, 64, 3)),
     (1, 2, 512))])
def test_feature_extractors_output_shape(build, shape):
    model = build()
    assert model.output_shape == (None,) + shape
    assert model.predict(np.random.rand(1, *model.input_shape[1:])).shape == (1,) + shape


def test_input_tensor_and_channels_first():
    inputs = keras.layers.Input(shape=(32, 32, 3))
    scaled = keras.layers.Lambda(lambda t: t * 2.0)(inputs)
    model = applications.VGG16(weights=None, include_top=False, input_tensor=scaled)
    assert model.input_shape == (None, 32, 32, 3)
    assert len(model.layers) == 20  # the Lambda before the network is part of the model
    K.set_image_data_format('channels_first')
    model = applications.ResNet50(weights=None, include_top=False, input_shape=(3, 32, 32),
                                  pooling='avg')
    assert model.predict(np.random.rand(1, 3, 32, 32)).shape == (1, 2048)
    # The MobileNet family is channels_last only: built so, the setting restored after.
    model = applications.MobileNet(weights=None, alpha=0.25, input_shape=(128, 128, 3))
    assert model.input_shape == (None, 128, 128, 3)
    assert K.image_data_format() == 'channels_first'


def test_weights_from_a_file_and_imagenet_file_from_the_cache(tmp_path, monkeypatch):
    model = applications.MobileNet(weights=None, alpha=0.25, input_shape=(128, 128, 3))
    x = np.random.rand(2, 128, 128, 3).astype('float32')
    expected = model.predict(x)
    path = str(tmp_path / 'mobilenet.h5')
    model.save_weights(path)
    reloaded = applications.MobileNet(weights=path, alpha=0.25, input_shape=(128, 128, 3))
    np.testing.assert_allclose(reloaded.predict(x), expected, rtol=1e-5, atol=1e-6)
    # weights='imagenet' reads Keras's file name from the cache's models folder.
    monkeypatch.setenv('KERAS_HOME', str(tmp_path / 'home'))
    os.makedirs(str(tmp_path / 'home' / 'models'))
    model.save_weights(str(tmp_path / 'home' / 'models' / 'mobilenet_2_5_128_tf.h5'))
    cached = applications.MobileNet(weights='imagenet', alpha=0.25, input_shape=(128, 128, 3))
    assert cached.name == 'mobilenet_0.25_128'
    np.testing.assert_allclose(cached.predict(x), expected, rtol=1e-5, atol=1e-6)


def test_imagenet_weights_offline_and_checked(tmp_path, monkeypatch):
    monkeypatch.setenv('KERAS_HOME', str(tmp_path))
    with pytest.raises(FileNotFoundError, match='vgg16_weights_tf_dim_ordering_tf_kernels_notop'
                                                '.h5.*github.com/fchollet/deep-learning-models'
                                                '.*place it under ' + str(tmp_path / 'models')):
        applications.VGG16(include_top=False, input_shape=(32, 32, 3))
    os.makedirs(str(tmp_path / 'models'))
    with open(str(tmp_path / 'models' / 'resnet50_weights_tf_dim_ordering_tf_kernels_notop.h5'),
              'wb') as f:
        f.write(b'not the weights')
    with pytest.raises(ValueError, match='md5 hash a268eb855778b3df3c7506639542a6af'):
        applications.ResNet50(include_top=False, input_shape=(32, 32, 3))
    with pytest.raises(FileNotFoundError, match='music_tagger_crnn_weights_tf_kernels_tf_dim_'
                                                'ordering.h5.*releases/download/v0.3/'):
        music_tagger_crnn.MusicTaggerCRNN()


@pytest.mark.parametrize('name', ['VGG16', 'ResNet50', 'InceptionV3', 'Xception', 'MobileNet',
                                  'MobileNetV2', 'DenseNet121', 'NASNetMobile'])
def test_imagenet_with_other_classes_is_keras_error(name):
    with pytest.raises(ValueError, match=r'If using `weights` as .*imagenet.* with `include_top`'
                                         r' as true, `classes` should be 1000'):
        getattr(applications, name)(weights='imagenet', classes=10)


def test_weights_argument_errors():
    with pytest.raises(ValueError, match=r'The `weights` argument should be either `None` '
                                         r'\(random initialization\), `imagenet`'):
        applications.VGG16(weights='no/such/file.h5')
    with pytest.raises(ValueError, match='or `msd` \\(pre-training on Million Song Dataset\\)'):
        music_tagger_crnn.MusicTaggerCRNN(weights='imagenet')
    with pytest.raises(ValueError, match='If imagenet weights are being loaded, alpha can be one '
                                         'of`0.25`, `0.50`, `0.75` or `1.0` only.'):
        applications.MobileNet(alpha=0.3)
    with pytest.raises(ValueError, match='depth multiplier must be 1'):
        applications.MobileNetV2(depth_multiplier=2)
    with pytest.raises(ValueError, match=r'input must have a static square shape'):
        applications.MobileNet(include_top=False, input_shape=(100, 120, 3))
    with pytest.raises(ValueError, match='needs to be divisible by 24. Current value: 100'):
        nasnet._nasnet(None, 100, 4, 32, False, 2, True, None, None, None, 1000, 224, {})


def test_input_shape_rules_are_keras():
    with pytest.raises(ValueError, match=r'Input size must be at least 32x32; got '
                                         r'`input_shape=\(31, 64, 3\)`'):
        applications.VGG16(weights=None, include_top=False, input_shape=(31, 64, 3))
    with pytest.raises(ValueError, match='Input size must be at least 75x75'):
        applications.InceptionV3(weights=None, include_top=False, input_shape=(74, 100, 3))
    with pytest.raises(ValueError, match='Input size must be at least 71x71'):
        applications.Xception(weights=None, include_top=False, input_shape=(70, 100, 3))
    with pytest.raises(ValueError, match=r'When setting `include_top=True` and loading '
                                         r'`imagenet` weights, `input_shape` should be '
                                         r'\(224, 224, 3\)\.'):
        applications.ResNet50(input_shape=(200, 200, 3))
    with pytest.raises(ValueError, match=r'The input must have 3 channels; got '
                                         r'`input_shape=\(64, 64, 1\)`'):
        applications.VGG16(include_top=False, input_shape=(64, 64, 1))
    with pytest.raises(ValueError, match='`input_shape` must be a tuple of three integers.'):
        applications.DenseNet121(weights=None, include_top=False, input_shape=(64, 64))
    # The rules themselves, both data formats.
    assert _obtain_input_shape(None, 224, 32, 'channels_last', True) == (224, 224, 3)
    assert _obtain_input_shape(None, 224, 32, 'channels_first', True) == (3, 224, 224)
    assert _obtain_input_shape(None, 299, 75, 'channels_last', False) == (None, None, 3)
    assert _obtain_input_shape(None, 299, 75, 'channels_first', False) == (3, None, None)
    assert _obtain_input_shape((1, 50, 60), 224, 32, 'channels_first', False) == (1, 50, 60)
    with pytest.raises(ValueError, match='Input size must be at least 48x48; got '):
        _obtain_input_shape((3, 47, 60), 224, 48, 'channels_first', False)
    with pytest.raises(ValueError, match='The input must have 3 channels'):
        _obtain_input_shape((1, 50, 60), 224, 32, 'channels_first', False, weights='imagenet')
    with pytest.raises(ValueError, match=r'If `include_top` is True, you should specify a static '
                                         r'`input_shape`. Got `input_shape=\(None, None, 3\)`'):
        _obtain_input_shape((None, None, 3), 224, 32, 'channels_last', True)
    with pytest.warns(UserWarning, match='usually expects 1 or 3 input channels. However, it was '
                                         'passed an input_shape with 4 input channels.'):
        warnings.simplefilter('always')
        assert _obtain_input_shape((64, 64, 4), 224, 32, 'channels_last', False) == (64, 64, 4)


def _pixels(data_format='channels_last'):
    x = np.arange(2 * 4 * 5 * 3, dtype='float32').reshape(2, 4, 5, 3) % 256
    return x if data_format == 'channels_last' else np.ascontiguousarray(x.transpose(0, 3, 1, 2))


def test_preprocess_input_modes_match_numpy():
    x = _pixels()
    rgb = x.copy()
    bgr_mean = np.array([103.939, 116.779, 123.68], dtype='float32')
    np.testing.assert_allclose(imagenet_utils.preprocess_input(x.copy()),
                               rgb[..., ::-1] - bgr_mean, rtol=1e-6)
    np.testing.assert_allclose(imagenet_utils.preprocess_input(x.copy(), mode='tf'),
                               rgb / 127.5 - 1, rtol=1e-6, atol=1e-6)
    mean, std = np.array([0.485, 0.456, 0.406]), np.array([0.229, 0.224, 0.225])
    np.testing.assert_allclose(imagenet_utils.preprocess_input(x.copy(), mode='torch'),
                               (rgb / 255. - mean) / std, rtol=1e-5)
    # channels_first, 4D and 3D, and Keras 1's dim_ordering.
    first = _pixels('channels_first')
    expected = (rgb[..., ::-1] - bgr_mean).transpose(0, 3, 1, 2)
    np.testing.assert_allclose(imagenet_utils.preprocess_input(first.copy(),
                                                               data_format='channels_first'),
                               expected, rtol=1e-6)
    np.testing.assert_allclose(imagenet_utils.preprocess_input(first[0].copy(),
                                                               dim_ordering='th'),
                               expected[0], rtol=1e-6)
    np.testing.assert_allclose(imagenet_utils.preprocess_input(first.copy(), 'th'), expected,
                               rtol=1e-6)  # Keras 1's positional dim_ordering
    # Floating arrays change in place (as in Keras); integer ones become float copies.
    in_place = x.copy()
    assert imagenet_utils.preprocess_input(in_place, mode='tf') is in_place
    ints = x.astype('uint8')
    assert imagenet_utils.preprocess_input(ints, mode='tf').dtype == np.float32
    assert ints.dtype == np.uint8
    # The model modules' modes.
    np.testing.assert_allclose(densenet.preprocess_input(x.copy()), (rgb / 255. - mean) / std,
                               rtol=1e-5)
    for module in (inception_v3, xception, mobilenet, mobilenet_v2, nasnet):
        np.testing.assert_allclose(module.preprocess_input(x.copy()), rgb / 127.5 - 1,
                                   rtol=1e-6, atol=1e-6)
    np.testing.assert_allclose(resnet50.preprocess_input(x.copy()), rgb[..., ::-1] - bgr_mean,
                               rtol=1e-6)
    with pytest.raises(ValueError, match='Unknown data_format channels_middle'):
        imagenet_utils.preprocess_input(x, data_format='channels_middle')
    with pytest.raises(ValueError, match="unknown mode 'pytorch'"):
        imagenet_utils.preprocess_input(x, mode='pytorch')


@pytest.mark.parametrize('mode', ['caffe', 'tf', 'torch'])
def test_preprocess_input_on_a_keras_tensor(mode):
    inputs = keras.layers.Input(shape=(4, 5, 3))
    outputs = keras.layers.Lambda(lambda t: imagenet_utils.preprocess_input(t, mode=mode))(inputs)
    model = keras.models.Model(inputs, outputs)
    x = _pixels()
    np.testing.assert_allclose(model.predict(x),
                               imagenet_utils.preprocess_input(x.copy(), mode=mode),
                               rtol=1e-5, atol=1e-5)


def test_decode_predictions_reads_the_class_index_through_get_file(tmp_path, monkeypatch):
    index = {str(i): ['n%08d' % i, 'class_%d' % i] for i in range(1000)}
    path = tmp_path / 'imagenet_class_index.json'
    path.write_text(json.dumps(index))
    calls = []

    def fake_get_file(fname, origin, **kwargs):
        calls.append((fname, origin, kwargs))
        return str(path)

    monkeypatch.setattr(imagenet_utils, 'get_file', fake_get_file)
    monkeypatch.setattr(imagenet_utils, 'CLASS_INDEX', None)
    preds = np.zeros((2, 1000), dtype='float32')
    preds[0, [3, 999, 10]] = [0.5, 0.3, 0.2]
    preds[1, 7] = 1.0
    decoded = vgg16.decode_predictions(preds, top=3)
    assert [entry[:2] for entry in decoded[0]] == [('n00000003', 'class_3'),
                                                   ('n00000999', 'class_999'),
                                                   ('n00000010', 'class_10')]
    np.testing.assert_allclose([entry[2] for entry in decoded[0]], [0.5, 0.3, 0.2])
    assert decoded[1][0][:2] == ('n00000007', 'class_7') and len(decoded[1]) == 3
    assert calls == [('imagenet_class_index.json', imagenet_utils.CLASS_INDEX_PATH,
                      {'cache_subdir': 'models',
                       'file_hash': 'c2c37ea517e94d9795004a39431a14cb'})]
    imagenet_utils.decode_predictions(preds)
    assert len(calls) == 1  # read once
    with pytest.raises(ValueError, match=r'expects a batch of predictions \(i.e. a 2D array of '
                                         r'shape \(samples, 1000\)\). Found array with shape: '
                                         r'\(2, 10\)'):
        imagenet_utils.decode_predictions(np.zeros((2, 10)))


def test_decode_predictions_offline_error(tmp_path, monkeypatch):
    monkeypatch.setenv('KERAS_HOME', str(tmp_path))
    monkeypatch.setattr(imagenet_utils, 'CLASS_INDEX', None)
    with pytest.raises(FileNotFoundError, match='imagenet_class_index.json.*storage.googleapis'):
        imagenet_utils.decode_predictions(np.zeros((1, 1000)))


def test_audio_conv_utils(monkeypatch):
    preds = np.zeros((1, 50))
    preds[0, [0, 9, 49]] = [0.2, 0.9, 0.5]
    assert audio_conv_utils.decode_predictions(preds, top_n=3) == [
        [('jazz', 0.9), ('happy', 0.5), ('rock', 0.2)]]
    with pytest.raises(ValueError, match=r'shape \(samples, 50\)'):
        audio_conv_utils.decode_predictions(np.zeros((1, 1000)))
    monkeypatch.setattr(audio_conv_utils, '_librosa_exists', lambda: False)
    with pytest.raises(ImportError, match='Librosa is required to process audio files. Install '
                                          'it via `pip install librosa`'):
        audio_conv_utils.preprocess_input('song.mp3')


def test_audio_preprocess_input_with_librosa(monkeypatch):
    """The mel-spectrogram pipeline, with a stand-in for librosa (not a Debian package):
    29.12 s of 12 kHz audio, centred, shaped for 'tf' and 'th'."""
    import sys
    import types
    seen = {}
    fake = types.ModuleType('librosa')
    fake.load = lambda path, sr: (np.arange(400000, dtype='float32'), sr)

    def melspectrogram(y, sr, hop_length, n_fft, n_mels):
        seen.update(first=y[0], length=len(y), sr=sr, hop=hop_length, n_fft=n_fft)
        return np.ones((n_mels, len(y) // hop_length + 1))
    fake.feature = types.SimpleNamespace(melspectrogram=melspectrogram)
    fake.power_to_db = lambda power, ref: 10 * np.log10(power / ref)
    monkeypatch.setitem(sys.modules, 'librosa', fake)
    x = audio_conv_utils.preprocess_input('song.mp3')
    assert x.shape == (96, 1366, 1)
    assert seen == dict(first=(400000 - 349440) // 2, length=349440, sr=12000, hop=256,
                        n_fft=512)
    assert audio_conv_utils.preprocess_input('song.mp3', dim_ordering='th').shape == (1, 96, 1366)


def _weight_order_fixture():
    path = os.path.join(os.path.dirname(__file__), 'fixtures', 'applications_weight_order.json')
    with open(path) as f:
        return json.load(f)['models']


_KERAS_DEFAULT_NAME = r'(conv2d|batch_normalization|separable_conv2d|depthwise_conv2d|dense)(_\d+)?'
# Names tf_keras changed after keras_applications 1.0.6 (Keras 2.2.4's), which keras_cpp keeps.
_RENAMED_SINCE_KERAS_2_2_4 = {('MobileNetV2', 'predictions'): 'Logits'}


@pytest.mark.parametrize('call', sorted(_weight_order_fixture()))
def test_weighted_layers_in_real_keras_order(call):
    """Keras's load_weights (by_name=False, as the ImageNet weights load) pairs the file's
    layers with the model's by order: the layers with weights come in real Keras's order, with
    its weight shapes and its given names (real Keras numbers default names otherwise)."""
    import re
    keras_layers = _weight_order_fixture()[call]
    K.clear_session()
    model = eval('applications.' + call.replace('(', '(weights=None, ', 1))
    ours = [[layer.name] + [list(w.shape) for w in layer.get_weights()]
            for layer in model.layers if layer.get_weights()]
    assert [entry[1:] for entry in ours] == [entry[1:] for entry in keras_layers]
    for mine, theirs in zip(ours, keras_layers):
        if not re.fullmatch(_KERAS_DEFAULT_NAME, theirs[0]):
            keras_2_2_4_name = _RENAMED_SINCE_KERAS_2_2_4.get((call.split('(')[0], theirs[0]),
                                                              theirs[0])
            assert mine[0] == keras_2_2_4_name


def test_densenet_saves_and_loads_with_its_slashed_layer_names(tmp_path):
    model = applications.DenseNet121(weights=None, include_top=False, input_shape=(32, 32, 3),
                                     pooling='avg')
    x = np.random.rand(2, 32, 32, 3).astype('float32')
    path = str(tmp_path / 'densenet.h5')
    model.save(path)
    again = keras.models.load_model(path)
    assert again.get_layer('conv1/conv').name == 'conv1/conv'
    np.testing.assert_allclose(again.predict(x), model.predict(x), rtol=1e-5, atol=1e-6)


def test_inception_resnet_v2_architecture_round_trips_with_its_lambda_arguments():
    from keras_cpp.applications import inception_resnet_v2
    model = applications.InceptionResNetV2(weights=None, include_top=False,
                                           input_shape=(75, 75, 3))
    again = keras.models.model_from_json(
        model.to_json(), custom_objects={'_scaled_residual': inception_resnet_v2._scaled_residual})
    assert again.count_params() == model.count_params()
    assert again.get_layer('block35_1').get_config()['arguments'] == {'scale': 0.17}


def test_models_with_strided_same_convolutions_take_images_of_any_size():
    # Keras builds Xception and MobileNetV2 on (None, None, 3) without an input_shape.
    import warnings
    with warnings.catch_warnings():
        warnings.simplefilter('error')
        models = [applications.Xception(weights=None, include_top=False),
                  applications.MobileNetV2(weights=None, include_top=False, alpha=0.35)]
    for model in models:
        assert model.input_shape == (None, None, None, 3)
        for rows, cols in [(80, 96), (71, 75)]:
            x = np.random.rand(1, rows, cols, 3).astype('float32')
            # Five halvings, 'same' ones rounding up (Xception's first two convolutions are
            # 'valid': 71 -> 35 -> 33 -> 17 -> 9 -> 5 -> 3): 3 x 3 for both sizes.
            assert model.predict(x).shape[1:3] == (3, 3)
