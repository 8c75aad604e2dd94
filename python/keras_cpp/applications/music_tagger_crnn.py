"""keras.applications.music_tagger_crnn (Keras 1.2.2): the convolutional recurrent music tagger
of Choi et al. (arXiv:1609.04243) over a mel-spectrogram, with Keras's layer names, so Keras's
Million Song Dataset weights load into it by name."""
from . import _common
from .audio_conv_utils import decode_predictions, preprocess_input  # noqa: F401 (Keras's names)
from .. import backend as K
from ..layers import (ELU, GRU, BatchNormalization, Convolution2D, Dense, MaxPooling2D, Permute,
                      Reshape, ZeroPadding2D)
from ..models import Model
from ..utils.data_utils import get_file

TH_WEIGHTS_PATH = (_common.WEIGHTS_RELEASES +
                   'v0.3/music_tagger_crnn_weights_tf_kernels_th_dim_ordering.h5')
TF_WEIGHTS_PATH = (_common.WEIGHTS_RELEASES +
                   'v0.3/music_tagger_crnn_weights_tf_kernels_tf_dim_ordering.h5')


def _conv_block(x, filters, pool, index, channel_axis):
    """3x3 convolution, batch norm over the channels, ELU, pool x pool max pooling."""
    x = Convolution2D(filters, 3, 3, border_mode='same', name='conv%d' % index)(x)
    x = BatchNormalization(axis=channel_axis, mode=0, name='bn%d' % index)(x)
    x = ELU()(x)
    return MaxPooling2D(pool_size=(pool, pool), strides=(pool, pool), name='pool%d' % index)(x)


def MusicTaggerCRNN(weights='msd', input_tensor=None, include_top=True, classes=50):
    """The music tagger: a (96, 1366, 1) mel-spectrogram ((1, 96, 1366) with 'th' ordering;
    see audio_conv_utils.preprocess_input) through four convolution blocks and two GRUs to
    `classes` sigmoid tag scores (include_top) or 32 features.

    weights: None (random) or 'msd' (Keras's Million Song Dataset weights, fetched through
    keras_cpp.utils.get_file and loaded by name); classes must be 50 with them and the top.
    """
    if weights not in {'msd', None}:
        raise ValueError('The `weights` argument should be either '
                         '`None` (random initialization) or `msd` '
                         '(pre-training on Million Song Dataset).')
    if weights == 'msd' and include_top and classes != 50:
        raise ValueError('If using `weights` as msd with `include_top`'
                         ' as true, `classes` should be 50')
    th = K.image_dim_ordering() == 'th'
    input_shape = (1, 96, 1366) if th else (96, 1366, 1)
    channel_axis, time_axis = (1, 3) if th else (3, 2)
    melgram_input = _common.image_input(input_tensor, input_shape)
    x = ZeroPadding2D(padding=(0, 37))(melgram_input)
    x = BatchNormalization(axis=time_axis, name='bn_0_freq')(x)
    for index, (filters, pool) in enumerate(((64, 2), (128, 3), (128, 4), (128, 4)), 1):
        x = _conv_block(x, filters, pool, index, channel_axis)
    if th:
        x = Permute((3, 1, 2))(x)
    x = Reshape((15, 128))(x)
    x = GRU(32, return_sequences=True, name='gru1')(x)
    x = GRU(32, return_sequences=False, name='gru2')(x)
    if include_top:
        x = Dense(classes, activation='sigmoid', name='output')(x)
    model = Model(_common.model_inputs(input_tensor, melgram_input), x,
                  name='music_tagger_crnn')
    if weights is not None:
        fname = ('music_tagger_crnn_weights_tf_kernels_%s_dim_ordering.h5' %
                 ('th' if th else 'tf'))
        model.load_weights(get_file(fname, TH_WEIGHTS_PATH if th else TF_WEIGHTS_PATH,
                                    cache_subdir='models'), by_name=True)
    return model
