"""KerasClassifier / KerasRegressor with scikit-learn's tools."""
import numpy as np
from sklearn.base import clone
from sklearn.model_selection import GridSearchCV, cross_val_score
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import StandardScaler

from keras_cpp.layers import Dense
from keras_cpp.models import Sequential
from keras_cpp.optimizers import Adam
from keras_cpp.wrappers.scikit_learn import KerasClassifier, KerasRegressor


def blobs(n=90, labels=(0, 1, 2)):
    centers = np.array([[3., 0.], [-3., 0.], [0., 3.]])
    index = np.arange(n) % 3
    x = centers[index] + 0.3 * np.random.randn(n, 2)
    return x, np.array(labels)[index]


def build_classifier(hidden=8, lr=0.05):
    model = Sequential()
    model.add(Dense(hidden, input_dim=2, activation='relu'))
    model.add(Dense(3, activation='softmax'))
    model.compile(optimizer=Adam(lr=lr), loss='categorical_crossentropy', metrics=['accuracy'])
    return model


def test_classifier_fit_predict_score():
    x, y = blobs()
    clf = KerasClassifier(build_fn=build_classifier, epochs=30, batch_size=10, verbose=0)
    clf.fit(x, y)
    assert clf.predict(x).shape == (90,)
    assert clf.predict_proba(x).shape == (90, 3)
    assert clf.score(x, y) > 0.9


def test_string_labels_round_trip():
    x, y = blobs(labels=('cat', 'dog', 'emu'))
    clf = KerasClassifier(build_classifier, epochs=30, batch_size=10, verbose=0)
    clf.fit(x, y)
    predicted = clf.predict(x)
    assert set(predicted) <= {'cat', 'dog', 'emu'}
    assert (predicted == y).mean() > 0.9
    assert list(clf.classes_) == ['cat', 'dog', 'emu']


def test_params_and_clone():
    clf = KerasClassifier(build_classifier, hidden=4, epochs=3, verbose=0)
    assert clf.get_params()['hidden'] == 4
    clf.set_params(hidden=6)
    copy = clone(clf)
    assert copy.get_params()['hidden'] == 6 and copy.build_fn is build_classifier
    try:
        KerasClassifier(build_classifier, hiden=4)
    except ValueError as e:
        assert 'hiden is not a legal parameter' in str(e)
    else:
        raise AssertionError('a misspelt parameter must be rejected')


def test_cross_val_score():
    x, y = blobs()
    clf = KerasClassifier(build_classifier, epochs=20, batch_size=10, verbose=0)
    scores = cross_val_score(clf, x, y, cv=3)
    assert scores.shape == (3,) and scores.mean() > 0.8


def test_grid_search_and_pipeline():
    x, y = blobs(60)
    clf = KerasClassifier(build_classifier, epochs=15, batch_size=10, verbose=0)
    grid = GridSearchCV(clf, {'hidden': [4, 8], 'lr': [0.01, 0.05]}, cv=2)
    grid.fit(x, y)
    assert set(grid.best_params_) == {'hidden', 'lr'}
    pipeline = Pipeline([('scale', StandardScaler()),
                         ('net', KerasClassifier(build_classifier, epochs=15, batch_size=10,
                                                 verbose=0))])
    pipeline.fit(x, y)
    assert pipeline.score(x, y) > 0.8


def test_regressor():
    def build_regressor():
        model = Sequential([Dense(1, input_dim=2)])
        model.compile('sgd', 'mse')
        return model

    x = np.random.randn(100, 2)
    y = x @ np.array([2., -1.]) + 0.5
    reg = KerasRegressor(build_regressor, epochs=30, batch_size=10, verbose=0)
    reg.fit(x, y)
    assert reg.predict(x).shape == (100,)
    assert reg.score(x, y) > -0.01
    assert cross_val_score(clone(reg), x, y, cv=2).shape == (2,)


def build_digits_classifier(hidden=32, lr=0.01):
    model = Sequential()
    model.add(Dense(hidden, input_dim=64, activation='relu'))
    model.add(Dense(10, activation='softmax'))
    model.compile(optimizer=Adam(lr=lr), loss='categorical_crossentropy', metrics=['accuracy'])
    return model


def test_grid_search_on_digits():
    from sklearn.datasets import load_digits
    from sklearn.model_selection import train_test_split
    digits = load_digits()
    x = digits.data / 16.0
    x_train, x_test, y_train, y_test = train_test_split(x, digits.target, test_size=0.25,
                                                        random_state=0)
    clf = KerasClassifier(build_digits_classifier, epochs=20, batch_size=32, verbose=0)
    grid = GridSearchCV(clf, {'hidden': [16, 64], 'lr': [0.0001, 0.01]}, cv=3)
    grid.fit(x_train, y_train)
    assert grid.best_params_['lr'] == 0.01  # 20 epochs at lr=1e-4 learn little
    assert grid.score(x_test, y_test) >= 0.95
    assert (grid.predict(x_test) == y_test).mean() >= 0.95


def test_cross_val_score_regressor_on_diabetes():
    from sklearn.datasets import load_diabetes
    diabetes = load_diabetes()
    y = (diabetes.target - diabetes.target.mean()) / diabetes.target.std()

    def build_regressor(hidden=16):
        model = Sequential([Dense(hidden, input_dim=10, activation='relu'), Dense(1)])
        model.compile(Adam(lr=0.01), 'mse')
        return model

    reg = KerasRegressor(build_regressor, epochs=30, batch_size=16, verbose=0)
    scores = cross_val_score(reg, diabetes.data * 10, y, cv=3)
    assert scores.shape == (3,)
    # negated mse on standardised targets: better than predicting the mean (-1), as a linear
    # model is (about -0.5)
    assert -0.8 < scores.mean() <= 0


def test_pipeline_standard_scaler_on_digits():
    from sklearn.datasets import load_digits
    digits = load_digits()
    pipeline = Pipeline([('scale', StandardScaler()),
                         ('net', KerasClassifier(build_digits_classifier, epochs=10,
                                                 batch_size=32, verbose=0))])
    scores = cross_val_score(pipeline, digits.data, digits.target, cv=3)
    assert scores.mean() > 0.9


def test_build_fn_none_and_callable_object():
    class OwnBuild(KerasClassifier):
        def __call__(self, hidden=8):
            return build_classifier(hidden=hidden)

    class Builder(object):
        def __call__(self, hidden=8, lr=0.05):
            return build_classifier(hidden=hidden, lr=lr)

    x, y = blobs()
    for clf in (OwnBuild(hidden=6, epochs=30, batch_size=10, verbose=0),
                KerasClassifier(Builder(), hidden=6, epochs=30, batch_size=10, verbose=0)):
        clf.fit(x, y)
        assert clf.model.layers[0].units == 6
        assert clf.score(x, y) > 0.9
        assert clone(clf).get_params()['hidden'] == 6
    try:
        OwnBuild(lr=0.1)
    except ValueError as e:
        assert 'lr is not a legal parameter' in str(e)
    else:
        raise AssertionError('OwnBuild.__call__ takes no lr')
