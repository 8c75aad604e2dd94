"""Writes tests/fixtures/real_keras/convergence/<task>_seed<k>.npz: for a few of Keras's integration
tasks (python/tests/integration_tasks.py's data, Keras 2.2.4's layer defaults), real Keras's
initial weights and its loss and metric after every epoch (no shuffling). The test
python/tests/test_integration_tasks.py starts keras_cpp from the same weights and checks that it
follows the same curve. Run by hand with the virtualenv of run.sh:

  KERAS_BACKEND=tensorflow /work/venv-keras/bin/python tools/keras_fixtures/make_convergence_fixtures.py
"""
import importlib.util
import os

import sys

import numpy as np
import tf_keras as keras

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
OUT = os.path.join(ROOT, 'tests', 'fixtures', 'real_keras', 'convergence')
sys.path.insert(0, os.path.join(ROOT, 'python', 'tests'))
from integration_tasks import CURVES  # noqa: E402


def load_get_test_data():
    # keras_cpp's own file, loaded by path: it needs only numpy.
    path = os.path.join(ROOT, 'python', 'keras_cpp', 'utils', 'test_utils.py')
    spec = importlib.util.spec_from_file_location('keras_cpp_test_utils', path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.get_test_data


def main():
    os.makedirs(OUT, exist_ok=True)
    get_test_data = load_get_test_data()
    for name, (build, seeds, fit) in CURVES.items():
        for seed in seeds:
            np.random.seed(seed)
            keras.utils.set_random_seed(seed)
            model, (x, y), _ = build(keras, get_test_data)
            initial = model.get_weights()
            history = model.fit(x, y, shuffle=False, verbose=0, **fit)
            # The data are not stored: numpy's legacy generator, seeded the same, redraws them
            # (get_test_data right after np.random.seed(seed)); their sums check that it did.
            arrays = {'x_sum': np.array(x.sum()), 'y_sum': np.array(y.sum()),
                      'loss': np.array(history.history['loss']),
                      'epochs': np.array(fit['epochs']), 'batch_size': np.array(fit['batch_size']),
                      'keras_version': np.array(keras.__version__)}
            if 'accuracy' in history.history:
                arrays['acc'] = np.array(history.history['accuracy'])
            arrays.update({'weight_%d' % i: w for i, w in enumerate(initial)})
            path = os.path.join(OUT, '%s_seed%d.npz' % (name, seed))
            np.savez_compressed(path, **arrays)
            print(path, 'loss', np.round(arrays['loss'], 4))


if __name__ == '__main__':
    main()
