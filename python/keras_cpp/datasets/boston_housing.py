"""keras.datasets.boston_housing: 506 Boston suburbs, 13 attributes each and the median home
value, from Keras's boston_housing.npz in $KERAS_HOME/datasets (default ~/.keras/datasets) or at
a given path."""
import numpy as np

from ._word_sequences import load_npz, shuffled

_ORIGIN = 'https://s3.amazonaws.com/keras-datasets/boston_housing.npz'


def load_data(path='boston_housing.npz', test_split=0.2, seed=113):
    """((x_train, y_train), (x_test, y_test)): the samples shuffled with `seed`, the last
    test_split of them the test set."""
    if not 0 <= test_split < 1:
        raise ValueError('test_split must be in [0, 1), got ' + str(test_split))
    arrays = load_npz(path, _ORIGIN)
    x, y = arrays['x'], arrays['y']
    np.random.seed(seed)
    x, y = shuffled(x, y)
    split = int(len(x) * (1 - test_split))
    return (np.array(x[:split]), np.array(y[:split])), (np.array(x[split:]), np.array(y[split:]))
