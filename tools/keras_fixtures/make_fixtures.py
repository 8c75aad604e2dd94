"""Writes the real-Keras fixtures of tests/fixtures/real_keras (run by hand through run.sh).

For every model of models.py and both real Kerases (tf_keras: Keras 2's API and .h5 layout, with
its legacy optimizers; keras: Keras 3 on the TensorFlow backend) it trains two batches, saves the
model in each of that Keras's file kinds and writes <name>.data.h5 beside them:
  /inputs/<i>, /targets/<i>   the fixed data (8 samples); the extra step uses the first 4
  /predictions/<i>            predict(inputs, batch_size=4) right after saving
  /predictions_again/<i>      stateful models only: the same call again, states carried on
  /next_weights/<layer>/<j>   every layer's get_weights() after reset_states() and
                              train_on_batch(inputs[:4], targets[:4]) from the saved state
and manifest.json (versions, files, models) at the top.
"""
import argparse
import json
import os
import platform
import sys

os.environ.setdefault("KERAS_BACKEND", "tensorflow")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
os.environ.setdefault("CUDA_VISIBLE_DEVICES", "")

import h5py  # noqa: E402
import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402
import tf_keras  # noqa: E402
import keras  # noqa: E402

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import models  # noqa: E402

STEP_BATCH = 4


def version_table():
    table = {
        "python": platform.python_version(),
        "tensorflow": tf.__version__,
        "tf_keras": tf_keras.__version__,
        "keras": keras.__version__,
        "keras_backend": keras.backend.backend(),
        "numpy": np.__version__,
        "h5py": h5py.__version__,
    }
    try:
        import jax
        table["jax"] = jax.__version__
    except ImportError:
        table["jax"] = None
    return table


def write_list(group, name, arrays):
    g = group.create_group(name)
    for i, a in enumerate(arrays):
        g.create_dataset(str(i), data=np.asarray(a))


def as_list(x):
    return x if isinstance(x, list) else [x]


def unlist(arrays):
    return arrays if len(arrays) > 1 else arrays[0]


def reset_states(model):
    for layer in model.layers:
        if getattr(layer, "stateful", False):
            layer.reset_states()


def make_one(K, kind, name, out_dir):
    builder, opt_name, deterministic_step = models.MODELS[name]
    K.utils.set_random_seed(1234)
    model, loss, x, y = builder(K)
    model.compile(optimizer=models.optimizer(K, opt_name, legacy=(kind == "tfk")), loss=loss)
    stateful = any(getattr(layer, "stateful", False) for layer in model.layers)
    model.fit(unlist(x), unlist(y), batch_size=STEP_BATCH, epochs=1, shuffle=False, verbose=0)
    reset_states(model)

    files = []
    stem = os.path.join(out_dir, name)
    if kind == "tfk":
        model.save(stem + ".h5", save_format="h5")
        # Keras 2's weights layout: tf_keras 2.13+ writes Keras 3's for names ending .weights.h5.
        model.save_weights(stem + "_weights.h5", save_format="h5")
        files += [name + ".h5", name + "_weights.h5"]
    else:
        model.save(stem + ".keras")
        model.save(stem + ".h5")  # Keras 3's legacy HDF5 writer
        model.save_weights(stem + ".weights.h5")  # Keras 3's own weights layout
        files += [name + ".keras", name + ".h5", name + ".weights.h5"]
    with open(stem + ".json", "w") as f:
        f.write(model.to_json())
    files.append(name + ".json")

    with h5py.File(stem + ".data.h5", "w") as data:
        data.attrs["optimizer"] = opt_name
        data.attrs["loss"] = json.dumps(loss)
        data.attrs["stateful"] = stateful
        data.attrs["deterministic_step"] = deterministic_step
        data.attrs["step_batch"] = STEP_BATCH
        write_list(data, "inputs", x)
        write_list(data, "targets", y)
        write_list(data, "predictions", as_list(model.predict(unlist(x), batch_size=STEP_BATCH, verbose=0)))
        if stateful:
            write_list(data, "predictions_again",
                       as_list(model.predict(unlist(x), batch_size=STEP_BATCH, verbose=0)))
        reset_states(model)
        if deterministic_step:
            model.train_on_batch(unlist([a[:STEP_BATCH] for a in x]),
                                 unlist([a[:STEP_BATCH] for a in y]))
            g = data.create_group("next_weights")
            for layer in model.layers:
                write_list(g, layer.name, layer.get_weights())
    files.append(name + ".data.h5")
    return {"optimizer": opt_name, "loss": loss, "stateful": stateful,
            "deterministic_step": deterministic_step, "files": files}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", help="the fixture folder (tests/fixtures/real_keras)")
    parser.add_argument("--only", nargs="*", help="model names (default: all)")
    args = parser.parse_args()
    tf.config.threading.set_intra_op_parallelism_threads(1)
    tf.config.threading.set_inter_op_parallelism_threads(1)
    tf.config.experimental.enable_op_determinism()
    manifest = {"versions": version_table(), "writers": {
        "tfk": "tf_keras (Keras 2 API): model.save(.h5), save_weights(.weights.h5), to_json; "
               "legacy optimizers (tf_keras.optimizers.legacy)",
        "k3": "keras 3 (TensorFlow backend): model.save(.keras), model.save(.h5) (legacy "
              "HDF5), save_weights(.weights.h5, Keras 3 layout), to_json"}, "models": {}}
    names = args.only or list(models.MODELS)
    for kind, K in (("tfk", tf_keras), ("k3", keras)):
        out_dir = os.path.join(args.out, kind)
        os.makedirs(out_dir, exist_ok=True)
        for name in names:
            print(kind, name, flush=True)
            manifest["models"].setdefault(name, {})[kind] = make_one(K, kind, name, out_dir)
    with open(os.path.join(args.out, "manifest.json"), "w") as f:
        json.dump(manifest, f, indent=1, sort_keys=True)
        f.write("\n")


if __name__ == "__main__":
    main()
