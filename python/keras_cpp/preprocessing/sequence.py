"""keras.preprocessing.sequence.pad_sequences (Keras 2.2.4's behaviour), on numpy arrays."""
import numpy as np


def pad_sequences(sequences, maxlen=None, dtype='int32', padding='pre', truncating='pre',
                  value=0.):
    """Pads (or truncates) each sequence to `maxlen` (default: the longest), returning an array
    (len(sequences), maxlen) + the shape of one step. 'pre' pads/truncates at the start, 'post'
    at the end."""
    if not hasattr(sequences, '__len__'):
        raise ValueError('`sequences` must be iterable.')
    lengths = []
    for s in sequences:
        if not hasattr(s, '__len__'):
            raise ValueError('`sequences` must be a list of iterables. '
                             'Found non-iterable: ' + str(s))
        lengths.append(len(s))
    if maxlen is None:
        maxlen = max(lengths) if lengths else 0
    sample_shape = ()
    for s in sequences:
        if len(s) > 0:
            sample_shape = np.asarray(s).shape[1:]
            break
    x = np.full((len(sequences), maxlen) + sample_shape, value, dtype=dtype)
    for index, s in enumerate(sequences):
        if not len(s):
            continue
        if truncating == 'pre':
            trunc = s[-maxlen:]
        elif truncating == 'post':
            trunc = s[:maxlen]
        else:
            raise ValueError('Truncating type "%s" not understood' % truncating)
        trunc = np.asarray(trunc, dtype=dtype)
        if trunc.shape[1:] != sample_shape:
            raise ValueError('Shape of sample %s of sequence at position %s is different from '
                             'expected shape %s' % (trunc.shape[1:], index, sample_shape))
        if maxlen == 0:
            continue
        if padding == 'post':
            x[index, :len(trunc)] = trunc
        elif padding == 'pre':
            x[index, -len(trunc):] = trunc
        else:
            raise ValueError('Padding type "%s" not understood' % padding)
    return x
