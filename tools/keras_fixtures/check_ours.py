"""Loads keras.cpp's files in real Keras and compares the predictions (run by hand through run.sh).

The folder is what the C++ test RealKerasFixtures.WritesOurFilesOfTheSameModels writes with
KERAS_REAL_KERAS_OUT set: for each fixture model <m>.h5, <m>.keras, <m>.json + <m>.weights.h5 and
<m>.ours.h5 (inputs and keras.cpp's predictions). Each file kind is loaded by the real Keras that
reads it (tf_keras: .h5 and json + weights; Keras 3: .keras and .h5), predicts on the same inputs,
and the outcome table replaces the one between the markers of README.md.
"""
import argparse
import json
import os
import sys

os.environ.setdefault("KERAS_BACKEND", "tensorflow")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
os.environ.setdefault("CUDA_VISIBLE_DEVICES", "")

import h5py  # noqa: E402
import numpy as np  # noqa: E402
import tf_keras  # noqa: E402
import keras  # noqa: E402

BEGIN = "<!-- ours-in-real-keras:begin -->"
END = "<!-- ours-in-real-keras:end -->"


def read_list(group):
    return [group[str(i)][()] for i in range(len(group))]


def loaders(folder, name):
    stem = os.path.join(folder, name)

    def tfk_json():
        with open(stem + ".json") as f:
            model = tf_keras.models.model_from_json(f.read())
        # tf_keras 2.13+ reads a name ending in .weights.h5 in Keras 3's layout; keras.cpp's
        # save_weights writes Keras 2's, which tf_keras reads under another name.
        legacy_name = stem + "_weights.h5"
        if not os.path.exists(legacy_name):
            os.symlink(os.path.abspath(stem + ".weights.h5"), legacy_name)
        model.load_weights(legacy_name)
        return model

    return [
        ("tf_keras .h5", lambda: tf_keras.models.load_model(stem + ".h5")),
        ("tf_keras json + weights", tfk_json),
        ("Keras 3 .keras", lambda: keras.models.load_model(stem + ".keras")),
        ("Keras 3 .h5", lambda: keras.models.load_model(stem + ".h5")),
    ]


def check(load, inputs, expected):
    try:
        model = load()
    except Exception as e:  # noqa: BLE001  (every refusal is a finding)
        return "refused: " + short(e)
    try:
        for layer in model.layers:
            if getattr(layer, "stateful", False):
                layer.reset_states()
        x = inputs if len(inputs) > 1 else inputs[0]
        got = model.predict(x, batch_size=inputs[0].shape[0] // 2, verbose=0)
        got = got if isinstance(got, list) else [got]
        worst = max(float(np.max(np.abs(g - e))) for g, e in zip(got, expected))
        if len(got) == len(expected) and worst <= 1e-5:
            return "loads, predictions equal"
        return "loads, predictions differ (max |diff| %.3g)" % worst
    except Exception as e:  # noqa: BLE001
        return "loads, predict fails: " + short(e)


def short(e):
    text = " ".join(str(e).split())
    return (type(e).__name__ + ": " + text)[:160].replace("|", "/")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder")
    parser.add_argument("--readme", default=os.path.join(os.path.dirname(__file__), "README.md"))
    args = parser.parse_args()
    with open(os.path.join(args.folder, "sources.json")) as f:
        sources = json.load(f)
    rows = []
    kinds = [k for k, _ in loaders(args.folder, "")]
    for name in sources:
        with h5py.File(os.path.join(args.folder, name + ".ours.h5"), "r") as data:
            inputs = read_list(data["inputs"])
            expected = read_list(data["predictions"])
        cells = []
        for kind, load in loaders(args.folder, name):
            print(name, kind, flush=True)
            cells.append(check(load, inputs, expected))
        rows.append((name, sources[name], cells))
    lines = [BEGIN, "", "| model (loaded by keras.cpp from) | " + " | ".join(kinds) + " |",
             "|" + " --- |" * (len(kinds) + 1)]
    for name, source, cells in rows:
        lines.append("| %s (%s) | %s |" % (name, source, " | ".join(cells)))
    lines += ["", END]
    table = "\n".join(lines)
    print(table)
    with open(args.readme) as f:
        readme = f.read()
    if BEGIN in readme and END in readme:
        head, rest = readme.split(BEGIN, 1)
        readme = head + table + rest.split(END, 1)[1]
    else:
        readme += "\n" + table + "\n"
    with open(args.readme, "w") as f:
        f.write(readme)


if __name__ == "__main__":
    sys.exit(main())
