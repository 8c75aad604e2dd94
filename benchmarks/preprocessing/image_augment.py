"""ImageDataGenerator augmentation: keras_cpp's C++ engine against a numpy/scipy implementation of
Keras 2.2.4's algorithm (keras_preprocessing 1.0.5: np.random draws, scipy.ndimage.affine_transform
with order=1 per channel, flips, standardize), on CIFAR-sized images; and the training-step time
the C++ prefetch hides.

    PYTHONPATH=build/python python3 benchmarks/preprocessing/image_augment.py [--images N]

Prints: images/s of the reference and of ours (one thread: workers=0; prefetching workers), the
largest difference between our batch and the reference's for the same seed, and for a small CNN
the epoch time with augmentation made on the caller's thread vs ahead by the workers.
Needs scipy (Debian: python3-scipy) for the reference only.
"""
import argparse
import os
import time

import numpy as np
import scipy.ndimage as ndi

from keras_cpp.preprocessing.image import ImageDataGenerator, Iterator

ARGS = dict(rotation_range=20, width_shift_range=0.1, height_shift_range=0.1, shear_range=10,
            zoom_range=0.1, horizontal_flip=True, fill_mode='nearest', rescale=1. / 255)


# ---- The reference: Keras's algorithm in numpy / scipy -----------------------------------------

def reference_params(shape, a):
    """keras_preprocessing 1.0.5's get_random_transform for the float shift ranges used here."""
    theta = np.random.uniform(-a['rotation_range'], a['rotation_range'])
    tx = np.random.uniform(-a['height_shift_range'], a['height_shift_range']) * shape[0]
    ty = np.random.uniform(-a['width_shift_range'], a['width_shift_range']) * shape[1]
    shear = np.random.uniform(-a['shear_range'], a['shear_range'])
    zx, zy = np.random.uniform(1 - a['zoom_range'], 1 + a['zoom_range'], 2)
    flip_h = (np.random.random() < 0.5) * a['horizontal_flip']
    np.random.random()  # flip_vertical, drawn though off
    return theta, tx, ty, shear, zx, zy, flip_h


def reference_transform(x, params, fill_mode):
    theta, tx, ty, shear, zx, zy, flip_h = params
    t, s = np.deg2rad(theta), np.deg2rad(shear)
    m = np.array([[np.cos(t), -np.sin(t), 0], [np.sin(t), np.cos(t), 0], [0, 0, 1]])
    m = np.dot(m, np.array([[1, 0, tx], [0, 1, ty], [0, 0, 1]]))
    m = np.dot(m, np.array([[1, -np.sin(s), 0], [0, np.cos(s), 0], [0, 0, 1]]))
    m = np.dot(m, np.array([[zx, 0, 0], [0, zy, 0], [0, 0, 1]]))
    o_x, o_y = float(x.shape[0]) / 2 + 0.5, float(x.shape[1]) / 2 + 0.5
    m = np.dot(np.dot(np.array([[1, 0, o_x], [0, 1, o_y], [0, 0, 1]]), m),
               np.array([[1, 0, -o_x], [0, 1, -o_y], [0, 0, 1]]))
    channels = np.rollaxis(x, 2, 0)
    out = np.stack([ndi.affine_transform(c, m[:2, :2], m[:2, 2], order=1, mode=fill_mode,
                                         cval=0.) for c in channels], axis=0)
    out = np.rollaxis(out, 0, 3)
    if flip_h:
        out = out[:, ::-1]
    return out


def reference_batch(x, order, a):
    batch = np.zeros((len(order),) + x.shape[1:], dtype='float32')
    for i, j in enumerate(order):
        out = reference_transform(x[j], reference_params(x[j].shape, a), a['fill_mode'])
        batch[i] = out * np.float32(a['rescale'])
    return batch


def reference_epoch(x, batch_size, seed, a):
    """Keras's iterator: np.random.seed(seed + k) per batch, the permutation first."""
    batches = []
    order = None
    for k in range((len(x) + batch_size - 1) // batch_size):
        np.random.seed(seed + k)
        if order is None:
            order = np.random.permutation(len(x))
        batches.append(reference_batch(x, order[k * batch_size:(k + 1) * batch_size], a))
    return batches


# ---- Measurements -------------------------------------------------------------------------------

def timed(fn, repeats=3):
    best = float('inf')
    result = None
    for _ in range(repeats):
        start = time.perf_counter()
        result = fn()
        best = min(best, time.perf_counter() - start)
    return best, result


def ours_epoch(x, batch_size, seed, workers):
    Iterator.prefetch_workers = workers
    it = ImageDataGenerator(**ARGS).flow(x, batch_size=batch_size, seed=seed)
    return [it[i] for i in range(len(it))]


def step_hiding(x, y, batch_size, workers):
    """Epoch times of fetch + train_on_batch with the augmentation on the caller's thread
    (workers=0) and made ahead by `workers` threads, next to the steps alone and the fetches
    alone; the best of 3 alternating rounds each."""
    from keras_cpp.layers import Conv2D, Dense, Flatten
    from keras_cpp.models import Sequential
    model = Sequential([Conv2D(8, 3, strides=2, activation='relu', input_shape=x.shape[1:]),
                        Flatten(), Dense(10, activation='softmax')])
    model.compile('sgd', 'sparse_categorical_crossentropy')
    fixed_x, fixed_y = x[:batch_size], y[:batch_size]
    for _ in range(3):
        model.train_on_batch(fixed_x, fixed_y)
    iterators = {}
    for w in (0, workers):
        Iterator.prefetch_workers = w
        iterators[w] = ImageDataGenerator(**ARGS).flow(x, y, batch_size=batch_size, seed=1)
    steps = len(iterators[0])
    best = {'steps': float('inf'), 'fetch': float('inf'), 0: float('inf'), workers: float('inf')}

    def epoch(it, train=True):
        start = time.perf_counter()
        for i in range(len(it)):
            bx, by = it[i]
            if train:
                model.train_on_batch(bx, by)
        it.on_epoch_end()
        return time.perf_counter() - start

    for _ in range(3):
        start = time.perf_counter()
        for _ in range(steps):
            model.train_on_batch(fixed_x, fixed_y)
        best['steps'] = min(best['steps'], time.perf_counter() - start)
        best['fetch'] = min(best['fetch'], epoch(iterators[0], train=False))
        for w in (0, workers):
            best[w] = min(best[w], epoch(iterators[w]))
    return steps, best


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument('--images', type=int, default=512)
    parser.add_argument('--size', type=int, default=64)
    parser.add_argument('--batch-size', type=int, default=32)
    args = parser.parse_args()
    rng = np.random.RandomState(0)
    x = rng.uniform(0, 255, (args.images, args.size, args.size, 3)).astype('float32')
    y = rng.randint(0, 10, args.images)
    n = args.images
    print('images %d of %dx%dx3, batch %d, augmentation %s; %d CPUs' % (
        n, args.size, args.size, args.batch_size, ARGS, os.cpu_count()))

    ref_time, ref = timed(lambda: reference_epoch(x, args.batch_size, 7, ARGS), repeats=2)
    print('reference numpy/scipy (1 thread):  %8.0f images/s' % (n / ref_time))
    cores = os.cpu_count() or 2
    for workers in sorted({0, 1, min(4, cores)}):
        t, ours = timed(lambda: ours_epoch(x, args.batch_size, 7, workers))
        label = 'keras_cpp workers=%d%s' % (workers, ' (caller thread)' if workers == 0 else '')
        print('%-34s %8.0f images/s  (x%.1f)' % (label + ':', n / t, ref_time / t))
    diff = max(float(np.max(np.abs(a - b))) for a, b in zip(ours, ref))
    print('largest |ours - reference| over the epoch, same seed: %.2e (values in [0, 1])' % diff)

    workers = max(1, min(2, cores - 1))
    steps, best = step_hiding(x, y, args.batch_size, workers)
    print('one epoch, %d batches, Conv2D(8, stride 2) + Dense(10):' % steps)
    print('  training steps alone (fixed batch):     %.3f s' % best['steps'])
    print('  augmentation alone (caller thread):     %.3f s' % best['fetch'])
    print('  augment then train, workers=0:          %.3f s' % best[0])
    print('  augment ahead, train, workers=%d:        %.3f s' % (workers, best[workers]))
    hidden = best[0] - best[workers]
    print('  augmentation time hidden by the prefetch: %.3f s of %.3f s (%.0f%%)'
          % (hidden, best['fetch'], 100 * hidden / max(best['fetch'], 1e-9)))


if __name__ == '__main__':
    main()
