"""Data-parallel training on several processes from Python: the twin of distributed_mnist.cpp.

The fashion_mnist_mlp model on N processes (keras_cpp.distributed, MPI), each computing the
gradients of its shard of every global batch of 128. Rank 0 prints and writes a checkpoint after
every epoch; a job that died resumes from one, with the same or another number of processes.

    mpirun -np 2 python3 examples/distributed_mnist.py
    mpirun -np 4 --hostfile hosts -x PYTHONPATH python3 examples/distributed_mnist.py
    mpirun -np 3 python3 examples/distributed_mnist.py --resume distributed_mnist_02.h5

Fashion-MNIST is read from /usr/share/datasets/fashion-mnist/ (or --data DIR).
"""
import argparse
import re

import keras_cpp as keras
from keras_cpp.callbacks import ModelCheckpoint
from keras_cpp.layers import Dense, Dropout
from keras_cpp.models import Sequential, load_model
from keras_cpp.optimizers import RMSprop


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--epochs', type=int, default=5)
    parser.add_argument('--data', default=None, help='the Fashion-MNIST folder')
    parser.add_argument('--resume', default='', help='a checkpoint to go on from')
    args = parser.parse_args()

    # The one call that makes fit data-parallel (without it: one process).
    keras.distributed.init()
    root = keras.distributed.rank() == 0
    if root:
        print('%d processes (this is rank %d, local rank %d)' %
              (keras.distributed.size(), keras.distributed.rank(),
               keras.distributed.local_rank()))
    keras.utils.set_random_seed(1337)  # rank 0's weights and shuffling seed are broadcast anyway

    # Every process loads the whole data set; fit gives each its shard of every batch.
    (x_train, y_train), (x_test, y_test) = keras.datasets.fashion_mnist.load_data(args.data)
    x_train = x_train.reshape(60000, 784).astype('float32') / 255
    x_test = x_test.reshape(10000, 784).astype('float32') / 255
    y_train = keras.utils.to_categorical(y_train, 10)
    y_test = keras.utils.to_categorical(y_test, 10)

    initial_epoch = 0
    if args.resume:
        # Every process loads the checkpoint; rank 0's weights and optimizer state win.
        model = load_model(args.resume)
        found = re.search(r'_(\d+)\.h5$', args.resume)
        initial_epoch = int(found.group(1)) if found else 0
    else:
        model = Sequential([
            Dense(512, activation='relu', input_shape=(784,)),
            Dropout(0.2),
            Dense(512, activation='relu'),
            Dropout(0.2),
            Dense(10, activation='softmax'),
        ])
        model.compile(RMSprop(), 'categorical_crossentropy', metrics=['accuracy'])

    # Written by rank 0 only; the epoch in the name tells a resumed job where to start.
    checkpoint = ModelCheckpoint('distributed_mnist_{epoch:02d}.h5')
    model.fit(x_train, y_train, batch_size=128,  # the global batch: 128 / N rows per process
              epochs=args.epochs, verbose=1, callbacks=[checkpoint],
              validation_data=(x_test, y_test), initial_epoch=initial_epoch)
    # Averaged over the test samples of all processes: the same on every rank.
    score = model.evaluate(x_test, y_test, verbose=0)
    if root:
        print('Test loss: %.4f' % score[0])
        print('Test accuracy: %.4f' % score[1])


if __name__ == '__main__':
    main()
