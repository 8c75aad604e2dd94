"""Keras's metrics: the accuracies, and every loss (as Keras allows)."""
from ._export import export
from ._keras_cpp import metrics as _metrics
from .losses import *  # noqa: F401,F403
from .losses import mse, MSE, mae, MAE, mape, MAPE, msle, MSLE, kld, KLD, cosine  # noqa: F401
from . import losses as _losses

export(_metrics, globals(), ['binary_accuracy', 'categorical_accuracy',
                             'sparse_categorical_accuracy'])


# Keras 2.2.4's top-k accuracies are the batch's mean (a scalar), the engine's are per sample;
# compile passes these by name (_engine_name) to the engine, which averages them itself.
def top_k_categorical_accuracy(y_true, y_pred, k=5):
    """The share of samples whose true class (one-hot y_true) is among the k highest
    predictions."""
    from . import backend as K
    return K.mean(_metrics.top_k_categorical_accuracy(y_true, y_pred, k), axis=-1)


def sparse_top_k_categorical_accuracy(y_true, y_pred, k=5):
    """top_k_categorical_accuracy for integer targets of shape (samples,) or (samples, 1)."""
    from . import backend as K
    return K.mean(_metrics.sparse_top_k_categorical_accuracy(y_true, y_pred, k), axis=-1)


top_k_categorical_accuracy._engine_name = 'top_k_categorical_accuracy'
sparse_top_k_categorical_accuracy._engine_name = 'sparse_top_k_categorical_accuracy'


# Keras 1's metrics that keras_cpp computes in Python (below), known by name to compile too.
KERAS1_METRICS = ('precision', 'recall', 'fbeta_score', 'fmeasure', 'matthews_correlation')


def get(identifier):
    """A metric function by name (custom objects' names included), a {'class_name', 'config'}
    dict (a metric class, as serialize writes one), or the function itself."""
    if callable(identifier):
        return identifier
    if isinstance(identifier, (str, dict)):
        return deserialize(identifier)
    raise ValueError('Could not interpret metric function identifier: ' + repr(identifier))


def serialize(metric):
    """A metric's name, or {'class_name', 'config'} for a metric object with get_config (a
    stateful metric layer)."""
    from .utils.generic_utils import serialize_keras_object
    return serialize_keras_object(metric)


def deserialize(config, custom_objects=None):
    from .utils.generic_utils import _visible_custom_objects, deserialize_keras_object
    if isinstance(config, dict):
        return deserialize_keras_object(config, globals(), custom_objects, 'metric function')
    objects = _visible_custom_objects(custom_objects)
    if config in objects:
        return objects[config]
    if config in KERAS1_METRICS:
        return globals()[config]
    name = _metrics.canonical_name(config)
    return globals().get(name) or _losses.get(name)


# Keras 1's metrics of binary predictions, computed on the batch from symbolic tensors as Keras
# 1.2.2 did: predictions and targets are clipped to [0, 1] and rounded (half to even, as
# TensorFlow's round: 0.5 counts as 0).
def _round_unit(x):
    from . import backend as K
    return K.cast(K.greater(K.clip(x, 0., 1.), 0.5), K.floatx())


def precision(y_true, y_pred):
    """Keras 1: true positives / predicted positives."""
    from . import backend as K
    true_positives = K.sum(_round_unit(y_true * y_pred))
    predicted_positives = K.sum(_round_unit(y_pred))
    return true_positives / (predicted_positives + K.epsilon())


def recall(y_true, y_pred):
    """Keras 1: true positives / actual positives."""
    from . import backend as K
    true_positives = K.sum(_round_unit(y_true * y_pred))
    possible_positives = K.sum(_round_unit(y_true))
    return true_positives / (possible_positives + K.epsilon())


def fbeta_score(y_true, y_pred, beta=1):
    """Keras 1: the weighted harmonic mean of precision and recall (beta > 1 favours recall)."""
    from . import backend as K
    if beta < 0:
        raise ValueError('The lowest choosable beta is zero (only precision).')
    p = precision(y_true, y_pred)
    r = recall(y_true, y_pred)
    bb = beta ** 2
    return (1 + bb) * (p * r) / (bb * p + r + K.epsilon())


def fmeasure(y_true, y_pred):
    """Keras 1: fbeta_score with beta=1 (the F1 score)."""
    return fbeta_score(y_true, y_pred, beta=1)


fscore = f1score = fmeasure  # Keras 1.2.2's aliases


def matthews_correlation(y_true, y_pred):
    """Keras 1: the Matthews correlation coefficient of the rounded predictions."""
    from . import backend as K
    y_pred_pos = _round_unit(y_pred)
    y_pred_neg = 1 - y_pred_pos
    y_pos = _round_unit(y_true)
    y_neg = 1 - y_pos
    tp = K.sum(y_pos * y_pred_pos)
    tn = K.sum(y_neg * y_pred_neg)
    fp = K.sum(y_neg * y_pred_pos)
    fn = K.sum(y_pos * y_pred_neg)
    numerator = tp * tn - fp * fn
    denominator = K.sqrt((tp + fp) * (tp + fn) * (tn + fp) * (tn + fn))
    return numerator / (denominator + K.epsilon())
