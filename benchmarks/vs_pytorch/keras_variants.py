#!/usr/bin/python3
"""keras.cpp side of compare_variants.py: the models of variants.py through keras_cpp's Python API.

Run with PYTHONPATH=<build>/python (the Python API costs nothing measurable per batch: see
benchmarks/README.md, "Python vs C++") and OMP_NUM_THREADS=N. For each variant: a warm-up
fit() of WARMUP_BATCHES batches, then one timed fit(epochs=1, shuffled) over train_batches
batches; a warm-up predict() at batch INFER_BATCH, then the median of timed predict() passes.

Usage:
    PYTHONPATH=build/python OMP_NUM_THREADS=1 /usr/bin/python3 keras_variants.py --threads 1 \\
        [--variants all|name,name]

KERAS_PROFILE=1 in the environment makes each compiled function print its per-op times when it
is destroyed (after each variant here). Prints progress on stderr and ONE JSON object on the
last line of stdout: {"framework", "threads", "variants": {name: {metrics} or {"error"}}}.
"""

import argparse
import json
import statistics
import sys
import time
import traceback
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
import variants as spec  # noqa: E402


def log(*parts):
    print(*parts, file=sys.stderr, flush=True)


def build_model(keras, variant):
    layers = keras.layers
    shape = {"input_shape": variant["input_shape"]}
    model = keras.models.Sequential()
    for kind, option in variant["layers"]:
        first = shape if not model.layers else {}
        if kind == "dense":
            model.add(layers.Dense(option, activation="relu", **first))
        elif kind == "dropout":
            model.add(layers.Dropout(option, **first))
        elif kind == "batchnorm":
            model.add(layers.BatchNormalization(momentum=0.99, epsilon=1e-3, **first))
        elif kind == "gru":
            # nn.GRU's formulation: reset gate applied after the recurrent product (Keras's
            # default is reset_after=False), sigmoid gates (Keras's default is hard_sigmoid).
            model.add(layers.GRU(option, reset_after=True, recurrent_activation="sigmoid", **first))
        elif kind == "conv1d":
            model.add(layers.Conv1D(option[0], option[1], activation="relu", **first))
        elif kind == "global_max_pool":
            model.add(layers.GlobalMaxPooling1D(**first))
        else:
            raise ValueError(f"variants.py layer type {kind!r} has no keras_cpp spelling here")
    model.add(layers.Dense(spec.CLASSES, activation="softmax"))
    return model


def build_optimizer(keras, name):
    hp = spec.OPTIMIZERS[name]
    if name == "adam":
        return keras.optimizers.Adam(**hp)
    if name == "sgd_nesterov":
        return keras.optimizers.SGD(**hp)
    if name == "rmsprop":
        return keras.optimizers.RMSprop(**hp)
    raise ValueError(f"variants.py optimizer {name!r} has no keras_cpp spelling here")


def measure_predict(model, x, min_seconds=0.5, min_passes=3):
    """Median samples/s of predict(x) passes at batch INFER_BATCH, after one warm-up pass."""
    model.predict(x, batch_size=spec.INFER_BATCH)
    rates = []
    begin = time.perf_counter()
    while len(rates) < min_passes or time.perf_counter() - begin < min_seconds:
        start = time.perf_counter()
        model.predict(x, batch_size=spec.INFER_BATCH)
        rates.append(len(x) / (time.perf_counter() - start))
    return statistics.median(rates), len(rates)


def run_variant(keras, name, seed):
    variant = spec.VARIANTS[name]
    x, labels, x_infer = spec.synthetic_data(np, variant, seed)
    y = np.eye(spec.CLASSES, dtype=np.float32)[labels]
    keras.utils.set_random_seed(seed)
    model = build_model(keras, variant)
    model.compile(loss="categorical_crossentropy", optimizer=build_optimizer(keras, variant["optimizer"]))
    batch = variant["batch"]
    warm = spec.WARMUP_BATCHES * batch
    model.fit(x[:warm], y[:warm], batch_size=batch, epochs=1, verbose=0)
    start = time.perf_counter()
    model.fit(x[warm:], y[warm:], batch_size=batch, epochs=1, verbose=0)
    train_seconds = time.perf_counter() - start
    infer_rate, infer_passes = measure_predict(model, x_infer)
    return {"train_samples_per_s": (len(x) - warm) / train_seconds, "train_seconds": train_seconds,
            "infer_samples_per_s": infer_rate, "infer_passes": infer_passes}


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--threads", type=int, required=True, help="recorded; OMP_NUM_THREADS sets them")
    parser.add_argument("--variants", default="all", help="comma-separated names of variants.py, or all")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    try:
        names = spec.parse_names(args.variants)
    except ValueError as e:
        parser.error(str(e))

    import keras_cpp as keras  # after argparse, so that --help works without a build

    results = {}
    for name in names:
        log(f"keras.cpp threads={args.threads}: {name}")
        try:
            results[name] = run_variant(keras, name, args.seed)
        except Exception as e:  # one variant keras_cpp cannot run is reported, the others still run
            log(traceback.format_exc())
            results[name] = {"error": f"{type(e).__name__}: {e}"}
            continue
        log(f"    train {results[name]['train_samples_per_s']:,.0f}/s"
            f"  infer {results[name]['infer_samples_per_s']:,.0f}/s")
    print(json.dumps({"framework": "keras.cpp", "threads": args.threads,
                      "keras_cpp": str(Path(keras.__file__).parent), "variants": results}))


if __name__ == "__main__":
    main()
