"""scikit-learn's estimator API for keras_cpp models (Keras 2.2.4's sklearn wrapper).

    def build_fn(hidden=16):
        model = Sequential([Dense(hidden, input_dim=4, activation='relu'),
                            Dense(3, activation='softmax')])
        model.compile('adam', 'categorical_crossentropy', metrics=['accuracy'])
        return model

    clf = KerasClassifier(build_fn, hidden=32, epochs=10, batch_size=16, verbose=0)
    cross_val_score(clf, x, y, cv=3)

`sk_params` hold both build_fn's arguments and those of fit/predict/predict_proba/evaluate,
split by name. `sklearn.base.clone` works, so GridSearchCV, cross_val_score and Pipeline do.
"""
import copy
import types

import numpy as np

from ..models import Sequential
from ..utils.generic_utils import has_arg
from ..utils.np_utils import to_categorical


class BaseWrapper(object):
    """The common part of KerasClassifier and KerasRegressor; do not use it directly.

    `build_fn` is a function, an object with __call__, or None to use the subclass's own
    __call__; it builds, compiles and returns a model.
    """

    def __init__(self, build_fn=None, **sk_params):
        self.build_fn = build_fn
        self.sk_params = sk_params
        self.check_params(sk_params)

    def check_params(self, params):
        """Raises ValueError for a parameter that neither build_fn nor fit/predict take."""
        legal_params_fns = [Sequential.fit, Sequential.predict, Sequential.predict_classes,
                            Sequential.evaluate]
        if self.build_fn is None:
            legal_params_fns.append(self.__call__)
        elif (not isinstance(self.build_fn, types.FunctionType) and
              not isinstance(self.build_fn, types.MethodType)):
            legal_params_fns.append(self.build_fn.__call__)
        else:
            legal_params_fns.append(self.build_fn)

        for params_name in params:
            if not any(has_arg(fn, params_name) for fn in legal_params_fns):
                raise ValueError('{} is not a legal parameter'.format(params_name))

    def get_params(self, **params):
        """The estimator's parameters: build_fn and the sk_params (shallow copies, for clone)."""
        res = copy.copy(self.sk_params)
        res.update({'build_fn': self.build_fn})
        return res

    def set_params(self, **params):
        self.check_params(params)
        self.sk_params.update(params)
        return self

    def _build(self):
        if self.build_fn is None:
            return self.__call__(**self.filter_sk_params(self.__call__))
        if (not isinstance(self.build_fn, types.FunctionType) and
                not isinstance(self.build_fn, types.MethodType)):
            return self.build_fn(**self.filter_sk_params(self.build_fn.__call__))
        return self.build_fn(**self.filter_sk_params(self.build_fn))

    def fit(self, x, y, **kwargs):
        """Builds a new model with build_fn and fits it to (x, y); returns the History."""
        self.model = self._build()
        y = np.asarray(y)
        if _loss_name(self.model) == 'categorical_crossentropy' and len(y.shape) != 2:
            y = to_categorical(y)
        fit_args = copy.copy(self.filter_sk_params(Sequential.fit))
        fit_args.update(kwargs)
        return self.model.fit(np.asarray(x), y, **fit_args)

    def filter_sk_params(self, fn, override=None):
        """The sk_params that `fn` takes, updated with `override`."""
        res = {name: value for name, value in self.sk_params.items() if has_arg(fn, name)}
        res.update(override or {})
        return res


def _loss_name(model):
    loss = model.loss
    return getattr(loss, '__name__', loss)


class KerasClassifier(BaseWrapper):
    """scikit-learn's classifier API; labels of any type (strings too) round-trip."""

    _estimator_type = 'classifier'

    def fit(self, x, y, sample_weight=None, **kwargs):
        y = np.array(y)
        if len(y.shape) == 2 and y.shape[1] > 1:
            self.classes_ = np.arange(y.shape[1])
        elif (len(y.shape) == 2 and y.shape[1] == 1) or len(y.shape) == 1:
            self.classes_ = np.unique(y)
            y = np.searchsorted(self.classes_, y)
        else:
            raise ValueError('Invalid shape for y: ' + str(y.shape))
        self.n_classes_ = len(self.classes_)
        if sample_weight is not None:
            kwargs['sample_weight'] = sample_weight
        return super(KerasClassifier, self).fit(x, y, **kwargs)

    def predict(self, x, **kwargs):
        """Class labels (as given to fit) for x."""
        kwargs = self.filter_sk_params(Sequential.predict_classes, kwargs)
        classes = self.model.predict_classes(np.asarray(x), **kwargs)
        return self.classes_[np.ravel(classes)]

    def predict_proba(self, x, **kwargs):
        """Class probabilities, (n_samples, n_classes); binary models get both columns."""
        kwargs = self.filter_sk_params(Sequential.predict_proba, kwargs)
        probs = self.model.predict_proba(np.asarray(x), **kwargs)
        if probs.shape[1] == 1:
            probs = np.hstack([1 - probs, probs])
        return probs

    def score(self, x, y, **kwargs):
        """The model's accuracy on (x, y); it must be compiled with metrics=['accuracy']."""
        y = np.searchsorted(self.classes_, np.asarray(y))
        kwargs = self.filter_sk_params(Sequential.evaluate, kwargs)
        if _loss_name(self.model) == 'categorical_crossentropy' and len(y.shape) != 2:
            y = to_categorical(y, self.n_classes_)
        outputs = self.model.evaluate(np.asarray(x), y, **kwargs)
        if not isinstance(outputs, list):
            outputs = [outputs]
        for name, output in zip(self.model.metrics_names, outputs):
            if name in ('acc', 'accuracy'):
                return output
        raise ValueError('The model is not configured to compute accuracy. '
                         'You should pass `metrics=["accuracy"]` to '
                         'the `model.compile()` method.')


class KerasRegressor(BaseWrapper):
    """scikit-learn's regressor API; score is the negated loss (greater is better)."""

    _estimator_type = 'regressor'

    def predict(self, x, **kwargs):
        kwargs = self.filter_sk_params(Sequential.predict, kwargs)
        return np.squeeze(self.model.predict(np.asarray(x), **kwargs))

    def score(self, x, y, **kwargs):
        kwargs = self.filter_sk_params(Sequential.evaluate, kwargs)
        loss = self.model.evaluate(np.asarray(x), np.asarray(y), **kwargs)
        if isinstance(loss, list):
            return -loss[0]
        return -loss
