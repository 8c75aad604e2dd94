#!/usr/bin/python3
"""PyTorch side of the keras.cpp vs PyTorch MLP benchmark.

Model and recipe (Keras's classic mnist_mlp, on Fashion-MNIST):
    784 -> Dense 512 relu -> Dropout 0.2 -> Dense 512 relu -> Dropout 0.2
        -> Dense 10 softmax
    categorical cross-entropy, Adam(lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-7),
    batch 128, shuffled every epoch, glorot_uniform weights, zero biases.

PyTorch is written the way PyTorch is fastest: nn.Linear layers, the softmax
folded into F.cross_entropy on the logits, the whole data set held in memory
as one tensor, Adam with foreach=True, zero_grad(set_to_none=True).

With --model cnn, Keras's mnist_cnn instead (Conv2D 32 3x3 relu -> Conv2D 64
3x3 relu -> MaxPooling 2x2 -> Dropout 0.25 -> Flatten -> Dense 128 relu ->
Dropout 0.5 -> Dense 10 softmax), same loss, optimizer and batch; nn.Conv2d
with xavier_uniform_ (Keras's glorot_uniform has the same fans), in NCHW or,
with --memory-format channels_last, in torch's channels_last format.

With --compile (PyTorch 2.x), the model runs through torch.compile; compiling happens in the
warm-up batches, before the timed ones.

Usage:
    torch_mlp.py --threads N [--model mlp|cnn] [--accuracy-epochs E] [--train-epochs T]
                 [--train-samples N] [--memory-format contiguous|channels_last] [--compile]

Prints progress on stderr and ONE JSON object on the last line of stdout.

Environment variables that change how torch's BLAS behaves
(OPENBLAS_CORETYPE, OMP_WAIT_POLICY, ...) must be set by the caller before
this script starts: OpenBLAS reads them when torch loads it. compare_mlp.py
does that.
"""

import argparse
import ctypes
import gzip
import json
import os
import re
import statistics
import sys
import time
from pathlib import Path

import numpy as np

DATA_DIR = Path("/usr/share/datasets/fashion-mnist")
TRAIN_BATCH = 128
INFER_BATCH = 1024
WARMUP_BATCHES = 20
ENV_KEYS = (
    "OPENBLAS_CORETYPE",
    "OPENBLAS_L2_SIZE",
    "OPENBLAS_NUM_THREADS",
    "OMP_WAIT_POLICY",
    "OMP_NUM_THREADS",
    "GOMP_SPINCOUNT",
    "LD_PRELOAD",
    "LD_LIBRARY_PATH",
)


def log(*parts):
    print(*parts, file=sys.stderr, flush=True)


# ---------------------------------------------------------------- data


def read_idx(path):
    """Read a gzipped IDX file into a numpy uint8 array of the right shape."""
    with gzip.open(path, "rb") as f:
        raw = f.read()
    ndim = raw[3]
    dims = [int.from_bytes(raw[4 + 4 * i: 8 + 4 * i], "big") for i in range(ndim)]
    data = np.frombuffer(raw, dtype=np.uint8, offset=4 + 4 * ndim)
    return data.reshape(dims)


def load_fashion_mnist(data_dir):
    """Return (x_train, y_train, x_test, y_test): float32 in [0, 1], int64 labels."""
    data_dir = Path(data_dir)
    out = []
    for split in ("train", "t10k"):
        images = read_idx(data_dir / f"{split}-images-idx3-ubyte.gz")
        labels = read_idx(data_dir / f"{split}-labels-idx1-ubyte.gz")
        x = images.reshape(len(images), 784).astype(np.float32) / np.float32(255.0)
        out += [x, labels.astype(np.int64)]
    return out


# ---------------------------------------------------------------- BLAS / threads


def loaded_libraries():
    """Paths of the shared libraries mapped into this process."""
    paths = []
    with open("/proc/self/maps") as maps:
        for line in maps:
            fields = line.split()
            if len(fields) >= 6 and fields[5].startswith("/") and ".so" in fields[5]:
                if fields[5] not in paths:
                    paths.append(fields[5])
    return paths


def find_openblas():
    """The ctypes handle of the OpenBLAS that torch loaded, or None.

    Looks through /proc/self/maps for a mapped library that exports
    openblas_get_corename (Debian's libblas.so.3 alternative for OpenBLAS is a
    thin wrapper around libopenblas*.so, so the wrapper itself may not).
    """
    candidates = [p for p in loaded_libraries() if "blas" in os.path.basename(p).lower()]
    candidates.sort(key=lambda p: "openblas" not in p.lower())
    for path in candidates:
        try:
            lib = ctypes.CDLL(path)
        except OSError:
            continue
        if hasattr(lib, "openblas_get_corename"):
            lib.openblas_get_corename.restype = ctypes.c_char_p
            lib.openblas_get_config.restype = ctypes.c_char_p
            lib.openblas_get_num_threads.restype = ctypes.c_int
            lib.openblas_get_parallel.restype = ctypes.c_int
            return path, lib
    return None, None


def setup_threads(torch, threads, torch_threads):
    """Give OpenBLAS `threads` threads and torch's own OpenMP pool `torch_threads`.

    Returns a dict describing the setup.
    """
    torch.set_num_threads(torch_threads)
    openblas_path, openblas = find_openblas()
    if openblas is not None:
        # torch.set_num_threads only sizes torch's OpenMP pool; the pthreads
        # build of OpenBLAS keeps its own pool, sized to the core count.
        openblas.openblas_set_num_threads(threads)

    match = re.search(r"BLAS_INFO=([^,\s]+)", torch.__config__.show())
    blas_info = match.group(1) if match else "unknown"

    config = {
        "threads": threads,
        "torch_threads": torch_threads,
        "torch_version": torch.__version__,
        "torch_num_threads": torch.get_num_threads(),
        "torch_blas_info": blas_info,
        "torch_mkldnn": torch.backends.mkldnn.is_available(),
        "blas_libraries": [
            p for p in loaded_libraries()
            if any(k in os.path.basename(p).lower() for k in ("blas", "lapack", "mkl"))
        ],
        "openblas_library": openblas_path,
        "openblas_corename": None,
        "openblas_config": None,
        "openblas_num_threads": None,
        "openblas_parallel": None,
        "env": {k: os.environ.get(k) for k in ENV_KEYS},
    }
    if openblas is not None:
        config["openblas_corename"] = openblas.openblas_get_corename().decode()
        config["openblas_config"] = openblas.openblas_get_config().decode().strip()
        config["openblas_num_threads"] = openblas.openblas_get_num_threads()
        config["openblas_parallel"] = {0: "sequential", 1: "pthreads", 2: "openmp"}.get(
            openblas.openblas_get_parallel(), "unknown")
    return config


# ---------------------------------------------------------------- model


MODEL = "mlp"
MEMORY_FORMAT = "contiguous"
COMPILE = False  # --compile: torch.compile (PyTorch 2.x), compiled during the warm-up batches


def build_model(torch):
    model = build_eager_model(torch)
    return torch.compile(model) if COMPILE else model


def build_eager_model(torch):
    nn = torch.nn
    if MODEL == "cnn":
        model = nn.Sequential(
            nn.Conv2d(1, 32, 3), nn.ReLU(),
            nn.Conv2d(32, 64, 3), nn.ReLU(),
            nn.MaxPool2d(2), nn.Dropout(0.25), nn.Flatten(),
            nn.Linear(9216, 128), nn.ReLU(), nn.Dropout(0.5),
            nn.Linear(128, 10),
        )
        for layer in model:
            if isinstance(layer, (nn.Linear, nn.Conv2d)):
                nn.init.xavier_uniform_(layer.weight)
                nn.init.zeros_(layer.bias)
        if MEMORY_FORMAT == "channels_last":
            model = model.to(memory_format=torch.channels_last)
        return model
    model = nn.Sequential(
        nn.Linear(784, 512), nn.ReLU(), nn.Dropout(0.2),
        nn.Linear(512, 512), nn.ReLU(), nn.Dropout(0.2),
        nn.Linear(512, 10),  # softmax lives in F.cross_entropy / predict()
    )
    for layer in model:
        if isinstance(layer, nn.Linear):
            nn.init.xavier_uniform_(layer.weight)  # Keras glorot_uniform
            nn.init.zeros_(layer.bias)
    return model


def build_optimizer(torch, model):
    kwargs = dict(lr=1e-3, betas=(0.9, 0.999), eps=1e-7)
    try:
        return torch.optim.Adam(model.parameters(), foreach=True, **kwargs)
    except TypeError:  # torch without the foreach option
        return torch.optim.Adam(model.parameters(), **kwargs)


def train_batches(torch, model, opt, xs, ys, start, stop, deadline=None, batch=TRAIN_BATCH):
    """Forward + backward + optimizer step on xs[start:stop] in batches of `batch`.

    Stops early once time.perf_counter() passes `deadline` (if given).
    Returns the number of samples trained on.
    """
    cross_entropy = torch.nn.functional.cross_entropy
    done = 0
    for i in range(start, stop, batch):
        j = min(i + batch, stop)
        loss = cross_entropy(model(xs[i:j]), ys[i:j])
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()
        done += j - i
        if deadline is not None and time.perf_counter() > deadline:
            break
    return done


def train_epoch(torch, model, opt, x, y, generator, deadline=None, batch=TRAIN_BATCH):
    """One epoch over a fresh shuffle of (x, y), as Keras fit(shuffle=True) does."""
    perm = torch.randperm(len(x), generator=generator)
    xs, ys = x[perm], y[perm]
    return train_batches(torch, model, opt, xs, ys, 0, len(xs), deadline, batch)


def predict(torch, model, x):
    """Softmax probabilities, like Keras predict() on this model."""
    return torch.softmax(model(x), dim=1)


# ---------------------------------------------------------------- measurements


def measure_training(torch, x, y, epochs, seed, max_seconds=None):
    """Samples/s over `epochs` timed epochs, after WARMUP_BATCHES batches.

    With max_seconds, a configuration so slow that it is still training after
    that long is cut short and its rate taken over what it did (the runner
    uses this so that a pathological thread setting cannot eat the budget).
    """
    torch.manual_seed(seed)
    generator = torch.Generator().manual_seed(seed)
    model = build_model(torch)
    model.train()
    opt = build_optimizer(torch, model)
    train_batches(torch, model, opt, x, y, 0, WARMUP_BATCHES * TRAIN_BATCH)
    start = time.perf_counter()
    deadline = None if max_seconds is None else start + max_seconds
    samples = 0
    for _ in range(epochs):
        samples += train_epoch(torch, model, opt, x, y, generator, deadline)
        if deadline is not None and time.perf_counter() > deadline:
            break
    seconds = time.perf_counter() - start
    return model, samples / seconds, seconds, samples


def measure_inference(torch, model, x, min_seconds=1.0, min_passes=3, batch=INFER_BATCH):
    """Median throughput of full passes over x in batches of `batch`."""
    model.eval()
    rates = []
    with torch.inference_mode():
        def one_pass():
            for i in range(0, len(x), batch):
                predict(torch, model, x[i:i + batch])

        one_pass()  # warm-up
        begin = time.perf_counter()
        while len(rates) < min_passes or time.perf_counter() - begin < min_seconds:
            start = time.perf_counter()
            one_pass()
            rates.append(len(x) / (time.perf_counter() - start))
    return statistics.median(rates), len(rates)


def measure_latency(torch, model, x, repetitions=3000, warmup=300):
    """Median wall time in microseconds of one forward of a single sample."""
    model.eval()
    samples = [x[i:i + 1] for i in range(min(len(x), 1000))]
    times = []
    clock = time.perf_counter_ns
    with torch.inference_mode():
        for k in range(warmup):
            predict(torch, model, samples[k % len(samples)])
        for k in range(repetitions):
            sample = samples[k % len(samples)]
            start = clock()
            predict(torch, model, sample)
            times.append(clock() - start)
    return statistics.median(times) / 1000.0


def test_accuracy(torch, model, x, y):
    model.eval()
    correct = 0
    with torch.inference_mode():
        for i in range(0, len(x), INFER_BATCH):
            pred = model(x[i:i + INFER_BATCH]).argmax(dim=1)
            correct += int((pred == y[i:i + INFER_BATCH]).sum())
    return correct / len(x)


def train_for_accuracy(torch, x, y, x_test, y_test, epochs, seed):
    torch.manual_seed(seed)
    generator = torch.Generator().manual_seed(seed)
    model = build_model(torch)
    model.train()
    opt = build_optimizer(torch, model)
    start = time.perf_counter()
    for epoch in range(epochs):
        model.train()
        train_epoch(torch, model, opt, x, y, generator)
        log(f"  accuracy run: epoch {epoch + 1}/{epochs} done")
    seconds = time.perf_counter() - start
    return test_accuracy(torch, model, x_test, y_test), seconds


# ---------------------------------------------------------------- main


def add_runner_arguments(parser):
    """The options compare_mlp.py's configuration search passes (torch_variants.py takes them too)."""
    parser.add_argument("--threads", type=int, required=True)
    parser.add_argument("--torch-threads", type=int, default=None,
                        help="threads for torch's own OpenMP pool (default: --threads); "
                             "OpenBLAS always gets --threads")
    parser.add_argument("--max-train-seconds", type=float, default=None,
                        help="cut the timed training short after this many seconds")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--compile", action="store_true",
                        help="run the model through torch.compile (PyTorch 2.x)")
    parser.add_argument("--probe", action="store_true",
                        help="only report the BLAS / thread configuration, measure nothing")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    add_runner_arguments(parser)
    parser.add_argument("--accuracy-epochs", type=int, default=0,
                        help="also train a fresh model this many epochs and report test accuracy")
    parser.add_argument("--train-epochs", type=int, default=1,
                        help="epochs timed for training throughput (after a warm-up)")
    parser.add_argument("--model", choices=("mlp", "cnn"), default="mlp")
    parser.add_argument("--memory-format", choices=("contiguous", "channels_last"),
                        default="contiguous", help="the CNN's tensor layout")
    parser.add_argument("--train-samples", type=int, default=None,
                        help="time epochs over the first N training samples only")
    parser.add_argument("--accuracy-seeds", type=int, default=3,
                        help="accuracy runs (seeds 0..N-1); test_accuracy is their mean, since one "
                             "run's accuracy varies by about a point from seed to seed")
    parser.add_argument("--data-dir", default=str(DATA_DIR))
    args = parser.parse_args()
    torch_threads = args.threads if args.torch_threads is None else args.torch_threads
    if min(args.threads, torch_threads, args.train_epochs) < 1 or args.accuracy_epochs < 0:
        parser.error("thread counts and --train-epochs must be >= 1, --accuracy-epochs >= 0")

    import torch  # after argparse, so --help is fast; env is read at this import

    config = setup_threads(torch, args.threads, torch_threads)
    result = {"framework": "pytorch", "threads": args.threads}
    if args.probe:
        result["config"] = config
        print(json.dumps(result))
        return

    global MODEL, MEMORY_FORMAT, COMPILE
    MODEL, MEMORY_FORMAT = args.model, args.memory_format
    if args.compile and not hasattr(torch, "compile"):
        parser.error(f"--compile needs PyTorch 2.x; this is {torch.__version__}")
    COMPILE = args.compile
    x_train, y_train, x_test, y_test = (torch.from_numpy(a) for a in load_fashion_mnist(args.data_dir))
    if MODEL == "cnn":
        x_train, x_test = x_train.reshape(-1, 1, 28, 28), x_test.reshape(-1, 1, 28, 28)
        if MEMORY_FORMAT == "channels_last":
            x_train = x_train.contiguous(memory_format=torch.channels_last)
            x_test = x_test.contiguous(memory_format=torch.channels_last)
    x_timed, y_timed = x_train, y_train
    if args.train_samples:
        x_timed, y_timed = x_train[:args.train_samples], y_train[:args.train_samples]

    log(f"pytorch threads={args.threads} core={config['openblas_corename']}: training throughput")
    model, train_rate, train_seconds, train_samples = measure_training(
        torch, x_timed, y_timed, args.train_epochs, args.seed, args.max_train_seconds)
    log("  inference throughput")
    # The CNN is ~100x the MLP's work per sample: its inference passes use 2,048 test images.
    infer_x = x_test[:2048] if MODEL == "cnn" else x_test
    infer_rate, infer_passes = measure_inference(torch, model, infer_x)
    log("  latency")
    latency = measure_latency(torch, model, x_test, repetitions=1000 if MODEL == "cnn" else 3000)

    result.update({
        "train_samples_per_s": train_rate,
        "infer_samples_per_s": infer_rate,
        "latency_us": latency,
        "train_epochs": args.train_epochs,
        "train_seconds": train_seconds,
        "train_samples": train_samples,
        "train_complete": train_samples == args.train_epochs * len(x_timed),
        "model": MODEL,
        "memory_format": MEMORY_FORMAT,
        "compiled": COMPILE,
        "infer_batch": INFER_BATCH,
        "infer_passes": infer_passes,
    })
    if args.accuracy_epochs > 0:
        accuracies, seconds = [], 0.0
        for seed in range(args.accuracy_seeds):
            log(f"  accuracy: {args.accuracy_epochs} epochs, seed {seed}")
            accuracy, run_seconds = train_for_accuracy(
                torch, x_train, y_train, x_test, y_test, args.accuracy_epochs, seed)
            accuracies.append(accuracy)
            seconds += run_seconds
        result.update({
            "test_accuracy": sum(accuracies) / len(accuracies),
            "test_accuracies": accuracies,
            "accuracy_epochs": args.accuracy_epochs,
            "accuracy_train_seconds": seconds,
        })
    result["config"] = config
    print(json.dumps(result))


if __name__ == "__main__":
    main()
