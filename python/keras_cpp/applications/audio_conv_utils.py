"""keras.applications.audio_conv_utils (Keras 1.2.2): the music tagger's input (a log-amplitude
mel-spectrogram of an audio file, computed with librosa as in Keras) and the decoding of its
50 tag scores."""
import numpy as np

from .. import backend as K

# The 50 tags of the Million Song Dataset the tagger was trained on, in its output order.
TAGS = ['rock', 'pop', 'alternative', 'indie', 'electronic',
        'female vocalists', 'dance', '00s', 'alternative rock', 'jazz',
        'beautiful', 'metal', 'chillout', 'male vocalists',
        'classic rock', 'soul', 'indie rock', 'Mellow', 'electronica',
        '80s', 'folk', '90s', 'chill', 'instrumental', 'punk',
        'oldies', 'blues', 'hard rock', 'ambient', 'acoustic',
        'experimental', 'female vocalist', 'guitar', 'Hip-Hop',
        '70s', 'party', 'country', 'easy listening',
        'sexy', 'catchy', 'funk', 'electro', 'heavy metal',
        'Progressive rock', '60s', 'rnb', 'indie pop',
        'sad', 'House', 'happy']

# The mel-spectrogram the tagger expects: 12 kHz audio, 29.12 s (1366 frames of 256
# samples), 96 mel bands of a 512-point FFT.
_SR = 12000
_N_FFT = 512
_N_MELS = 96
_HOP_LEN = 256
_DURA = 29.12


def _librosa_exists():
    """Whether the librosa package (which reads and analyses the audio) can be imported."""
    try:
        __import__('librosa')
    except ImportError:
        return False
    return True


def _log_amplitude(librosa, power):
    """10 log10(power) relative to 1.0, floored at 1e-10 and at 80 dB under the peak: Keras's
    librosa.logamplitude(..., ref_power=1.0), named power_to_db in librosa >= 0.6."""
    if hasattr(librosa, 'logamplitude'):
        return librosa.logamplitude(power, ref_power=1.0)
    return librosa.power_to_db(power, ref=1.0)


def preprocess_input(audio_path, dim_ordering='default'):
    """The mel-spectrogram of the audio file at audio_path, shaped (96, 1366, 1) ('tf') or
    (1, 96, 1366) ('th'): the audio resampled to 12 kHz, centred and cut or zero-padded to
    29.12 s. Needs librosa, as in Keras."""
    if dim_ordering == 'default':
        dim_ordering = K.image_dim_ordering()
    if dim_ordering not in {'tf', 'th'}:
        raise ValueError("preprocess_input: dim_ordering must be 'tf', 'th' or 'default'; got " +
                         repr(dim_ordering))
    if not _librosa_exists():
        raise ImportError('Librosa is required to process audio files. '
                          'Install it via `pip install librosa` or visit '
                          'http://librosa.github.io/librosa/ for details.')
    import librosa
    src, _ = librosa.load(audio_path, sr=_SR)
    n_sample = src.shape[0]
    n_sample_wanted = int(_DURA * _SR)
    if n_sample < n_sample_wanted:  # too short: zeros at the end
        src = np.hstack((src, np.zeros((n_sample_wanted - n_sample,))))
    elif n_sample > n_sample_wanted:  # too long: the middle
        start = (n_sample - n_sample_wanted) // 2
        src = src[start:start + n_sample_wanted]
    melgram = librosa.feature.melspectrogram(y=src, sr=_SR, hop_length=_HOP_LEN, n_fft=_N_FFT,
                                             n_mels=_N_MELS)
    x = _log_amplitude(librosa, melgram ** 2)
    return np.expand_dims(x, axis=0 if dim_ordering == 'th' else -1)


def decode_predictions(preds, top_n=5):
    """The top_n (tag, score) pairs of each prediction in a (samples, 50) batch, best first."""
    preds = np.asarray(preds)
    if len(preds.shape) != 2 or preds.shape[1] != 50:
        raise ValueError('`decode_predictions` expects a batch of music tagger predictions '
                         '(a 2D array of shape (samples, 50)). Found array with shape: ' +
                         str(preds.shape))
    results = []
    for pred in preds:
        result = sorted(zip(TAGS, pred), key=lambda tag_score: tag_score[1], reverse=True)
        results.append(result[:top_n])
    return results
