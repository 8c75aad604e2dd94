"""How often each of Keras's small integration tasks (python/tests/integration_tasks.py) reaches
the threshold Keras's own tests assert, over many seeds, on keras_cpp or on real Keras (tf_keras,
Keras 2's API, from the virtualenv of run.sh). Run by hand, not by CI:

  PYTHONPATH=build/python /usr/bin/python3 tools/keras_fixtures/integration_pass_rates.py keras_cpp
  TF_CPP_MIN_LOG_LEVEL=3 /work/venv-keras/bin/python tools/keras_fixtures/integration_pass_rates.py tf_keras

Options: --seeds N (default 10), --tasks a,b (default all), --json-out FILE."""
import argparse
import importlib
import importlib.util
import json
import os
import sys
import time

import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, 'python', 'tests'))
from integration_tasks import TASKS  # noqa: E402


def load_get_test_data():
    # keras_cpp's own file, loaded by path: it needs only numpy, so real Keras gets the same data.
    path = os.path.join(ROOT, 'python', 'keras_cpp', 'utils', 'test_utils.py')
    spec = importlib.util.spec_from_file_location('keras_cpp_test_utils', path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.get_test_data


def main():
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('framework', choices=['keras_cpp', 'tf_keras'])
    parser.add_argument('--seeds', type=int, default=10)
    parser.add_argument('--tasks', default=','.join(TASKS))
    parser.add_argument('--json-out')
    args = parser.parse_args()
    keras = importlib.import_module(args.framework)
    get_test_data = load_get_test_data()
    results = {}
    for name in args.tasks.split(','):
        values, passes, start = [], 0, time.time()
        for seed in range(1, args.seeds + 1):
            np.random.seed(seed)
            keras.utils.set_random_seed(seed)
            value, passed = TASKS[name](keras, seed, get_test_data)
            values.append(float(value))
            passes += bool(passed)
            keras.backend.clear_session()
        results[name] = {'passed': passes, 'runs': args.seeds, 'values': values,
                         'seconds': time.time() - start}
        print('%-36s %2d / %2d   median %.4f   min %.4f   max %.4f   (%.0f s)'
              % (name, passes, args.seeds, np.median(values), min(values), max(values),
                 time.time() - start), flush=True)
    if args.json_out:
        with open(args.json_out, 'w') as f:
            json.dump({'framework': args.framework, 'version': getattr(keras, '__version__', ''),
                       'results': results}, f, indent=1)


if __name__ == '__main__':
    main()
