#!/usr/bin/env python3
"""Training throughput of the same model trained from Python (keras_cpp) and from C++
(keras_mlp_bench): Keras's mnist_mlp on Fashion-MNIST, batch 128, Adam, shuffled epochs.

The Python side does what mlp_bench.cpp does: a warm-up fit on 20 batches, then `--train-epochs`
timed epochs of 60,000 samples. Both run in fresh processes, alternately, `--repeats` times;
the best rate of each is kept (the machine may be shared). Prints one JSON line per side and
the ratio python / C++ (1.0: no overhead).

    cmake --build build --target keras_mlp_bench _keras_cpp
    /usr/bin/python3 benchmarks/python/compare_python_cpp.py --threads 2
"""
import argparse
import json
import os
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))


def python_side(threads, train_epochs):
    import numpy as np
    import keras_cpp as keras
    from keras_cpp.layers import Dense, Dropout
    from keras_cpp.models import Sequential

    (x_train, y_train), _ = keras.datasets.fashion_mnist.load_data()
    x_train = x_train.reshape(60000, 784).astype('float32') / 255
    y_train = keras.utils.to_categorical(y_train, 10)
    keras.utils.set_random_seed(1)
    model = Sequential([Dense(512, activation='relu', input_shape=(784,)), Dropout(0.2),
                        Dense(512, activation='relu'), Dropout(0.2),
                        Dense(10, activation='softmax')])
    model.compile(loss='categorical_crossentropy',
                  optimizer=keras.optimizers.Adam(lr=1e-3, epsilon=1e-7), metrics=['accuracy'])
    model.fit(x_train[:20 * 128], y_train[:20 * 128], batch_size=128, epochs=1, verbose=0)
    start = time.perf_counter()
    model.fit(x_train, y_train, batch_size=128, epochs=train_epochs, verbose=0)
    rate = 60000.0 * train_epochs / (time.perf_counter() - start)
    print(json.dumps({'framework': 'keras_cpp (Python)', 'threads': threads,
                      'train_samples_per_s': round(rate, 1)}))


def run(command, threads):
    env = dict(os.environ, OMP_NUM_THREADS=str(threads))
    out = subprocess.run(command, env=env, check=True, capture_output=True, text=True).stdout
    return json.loads(out.strip().splitlines()[-1])


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--threads', type=int, default=2)
    parser.add_argument('--train-epochs', type=int, default=1)
    parser.add_argument('--repeats', type=int, default=3)
    parser.add_argument('--keras-bin', default=os.path.join(ROOT, 'build/benchmarks/keras_mlp_bench'))
    parser.add_argument('--python-side', action='store_true', help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.python_side:
        python_side(args.threads, args.train_epochs)
        return
    os.environ['PYTHONPATH'] = os.pathsep.join(
        filter(None, [os.path.join(ROOT, 'build/python'), os.environ.get('PYTHONPATH')]))
    cpp_command = [args.keras_bin, '--threads', str(args.threads), '--train-epochs',
                   str(args.train_epochs), '--accuracy-epochs', '0']
    python_command = [sys.executable, os.path.abspath(__file__), '--python-side', '--threads',
                      str(args.threads), '--train-epochs', str(args.train_epochs)]
    best = {'cpp': 0.0, 'python': 0.0}
    for _ in range(args.repeats):
        best['cpp'] = max(best['cpp'], run(cpp_command, args.threads)['train_samples_per_s'])
        best['python'] = max(best['python'],
                             run(python_command, args.threads)['train_samples_per_s'])
    print(json.dumps({'threads': args.threads, 'repeats': args.repeats,
                      'cpp_train_samples_per_s': best['cpp'],
                      'python_train_samples_per_s': best['python'],
                      'python_over_cpp': round(best['python'] / best['cpp'], 3)}))


if __name__ == '__main__':
    main()
