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
