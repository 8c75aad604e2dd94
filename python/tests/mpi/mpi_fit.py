"""Data-parallel fit from Python, run by CTest under `mpirun -np 2` (python.distributed_mpi_fit).

Two processes train the same MLP with global batch 128 for 3 epochs after
keras_cpp.distributed.init(); rank 0 also trains a one-process copy first, before init
(keras_cpp builds the gradient averaging into the train step when it is compiled under several
processes). The distributed weights must match the copy's, be the same on both ranks (mpi4py),
the epoch losses equal on both ranks, and only rank 0 writes its CSVLogger file.
"""
import os
import sys
import tempfile

import numpy as np
from mpi4py import MPI

import keras_cpp
from keras_cpp.callbacks import CSVLogger
from keras_cpp.layers import Dense
from keras_cpp.models import Sequential
from keras_cpp.optimizers import SGD

comm = MPI.COMM_WORLD


def data():
    rng = np.random.RandomState(7)
    x = rng.randn(1001, 8).astype('float32')
    y = np.eye(3, dtype='float32')[np.argmax(x[:, :3], axis=1)]
    return x, y


def train(seed, log):
    keras_cpp.utils.set_random_seed(seed)
    model = Sequential([Dense(16, activation='relu', input_dim=8), Dense(3, activation='softmax')])
    model.compile(SGD(lr=0.1, momentum=0.9), 'categorical_crossentropy')
    x, y = data()
    history = model.fit(x, y, batch_size=128, epochs=3, verbose=0, callbacks=[CSVLogger(log)])
    return [w.copy() for w in model.get_weights()], history.history['loss']


def main():
    failures = []
    directory = comm.bcast(tempfile.mkdtemp() if comm.rank == 0 else None)
    if comm.rank == 0:
        reference, reference_loss = train(1234, os.path.join(directory, 'reference.csv'))
    keras_cpp.distributed.init()
    if keras_cpp.distributed.size() != 2 or keras_cpp.distributed.rank() != comm.rank:
        failures.append('rank/size disagree with mpi4py')
    weights, loss = train(1234 + 99 * comm.rank, os.path.join(directory, 'log%d.csv' % comm.rank))
    root_weights, root_loss = comm.bcast((weights, loss) if comm.rank == 0 else None)
    if any(not np.array_equal(a, b) for a, b in zip(weights, root_weights)):
        failures.append('the ranks weights differ')
    if loss != root_loss:
        failures.append('the ranks epoch losses differ')
    comm.Barrier()
    if comm.rank == 0:
        worst = max(float(np.max(np.abs(a - b))) for a, b in zip(weights, reference))
        if worst > 2e-5:
            failures.append('weights differ from one process by %g' % worst)
        if max(abs(a - b) for a, b in zip(loss, reference_loss)) > 2e-5:
            failures.append('losses differ from one process: %s %s' % (loss, reference_loss))
        if not os.path.exists(os.path.join(directory, 'log0.csv')):
            failures.append('rank 0 wrote no CSVLogger file')
        if os.path.exists(os.path.join(directory, 'log1.csv')):
            failures.append('rank 1 wrote its CSVLogger file')
    for failure in failures:
        print('rank %d: FAILED: %s' % (comm.rank, failure), file=sys.stderr)
    failed = comm.allreduce(len(failures))
    if comm.rank == 0:
        print('OK' if failed == 0 else 'FAILED')
    return 1 if failed else 0


if __name__ == '__main__':
    sys.exit(main())
