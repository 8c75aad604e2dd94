#!/usr/bin/env python3
"""How often Keras 2.2.4's optimizer test (tests/keras/optimizers_test.py: two epochs on seeded
get_test_data, unseeded initial weights, training accuracy >= 0.75) passes, with keras_cpp and,
given a Python that has TensorFlow and tf_keras, with real Keras on the same data: the test is a
coin toss for some optimizers in real Keras too, which is why it is listed among the unseeded
convergence thresholds in README.md.

    python3 tools/keras_tests/optimizer_pass_rates.py --build build --repeats 8 \
        [--optimizers rmsprop,adam,adamax] [--tf-python /path/to/venv/bin/python]
"""
import argparse
import os
import subprocess
import sys

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

# Run in a child process per framework: `keras` names keras_cpp or tf_keras there.
_TRIAL = r'''
import os, sys
import numpy as np
framework, repeats, names = sys.argv[1], int(sys.argv[2]), sys.argv[3].split(',')
if framework == 'tf_keras':
    import tensorflow as tf
    tf.config.threading.set_intra_op_parallelism_threads(1)
    import tf_keras as keras
    accuracy = 'accuracy'
else:
    import keras_cpp as keras
    accuracy = 'acc'
for name in names:
    accs = []
    for _ in range(repeats):
        np.random.seed(1337)  # the test's data: Keras 2.2.4's get_test_data
        n = 1200
        y = np.random.randint(0, 2, size=(n,))
        x = np.zeros((n, 10))
        for i in range(n):
            x[i] = np.random.normal(loc=y[i], scale=0.7, size=(10,))
        x, y = x[:1000], keras.utils.to_categorical(y[:1000])
        model = keras.models.Sequential([keras.layers.Dense(10, input_shape=(10,)),
                                         keras.layers.Activation('relu'),
                                         keras.layers.Dense(2),
                                         keras.layers.Activation('softmax')])
        model.compile(loss='categorical_crossentropy', optimizer=name, metrics=['accuracy'])
        history = model.fit(x, y, epochs=2, batch_size=16, verbose=0)
        accs.append(history.history[accuracy][-1])
    passed = sum(a >= 0.75 for a in accs)
    print('%-9s %-8s passes %d of %d  (accuracies %s)' % (
        framework, name, passed, repeats, ' '.join('%.3f' % a for a in accs)), flush=True)
'''


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    parser.add_argument('--build', default='build')
    parser.add_argument('--repeats', type=int, default=8)
    parser.add_argument('--optimizers', default='rmsprop,adam,adamax')
    parser.add_argument('--tf-python', help='a Python with tensorflow and tf_keras installed')
    args = parser.parse_args()
    trial = [_TRIAL, str(args.repeats), args.optimizers]
    env = dict(os.environ, PYTHONPATH=os.path.join(os.path.abspath(args.build), 'python'))
    subprocess.run([sys.executable, '-c', trial[0], 'keras_cpp'] + trial[1:], env=env, check=True)
    if args.tf_python:
        home = os.path.join(os.path.abspath(args.build), 'tf_keras_home')  # not our keras.json
        os.makedirs(home, exist_ok=True)
        env = dict(os.environ, KERAS_HOME=home, KERAS_BACKEND='tensorflow',
                   TF_CPP_MIN_LOG_LEVEL='3')
        subprocess.run([args.tf_python, '-c', trial[0], 'tf_keras'] + trial[1:], env=env,
                       check=True)


if __name__ == '__main__':
    main()
