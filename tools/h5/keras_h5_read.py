#!/usr/bin/env python3
"""Reads a Keras .h5 file with h5py only, following Keras 2.2.4's load procedure
(keras/engine/saving.py: load_model, load_weights_from_hdf5_group), and prints what it rebuilt
as JSON: versions, the model config, and for each layer with weights its weight values.

Usage: keras_h5_read.py FILE  -> JSON on stdout; exit 1 with a message if the file breaks the
layout Keras expects.
"""
import json
import sys

import h5py
import numpy as np


def text(value):
    # Keras 2.2.4 calls .decode on attributes; h5py 3 returns str for variable-length strings.
    return value.decode("utf8") if isinstance(value, (bytes, np.bytes_)) else str(value)


def load_attributes(group, name):
    # Keras's load_attributes_from_hdf5_group: name, or chunks name0, name1, ...
    if name in group.attrs:
        return [text(n) for n in group.attrs[name]]
    out, chunk = [], 0
    while "%s%d" % (name, chunk) in group.attrs:
        out.extend(text(n) for n in group.attrs["%s%d" % (name, chunk)])
        chunk += 1
    return out


def main(path):
    with h5py.File(path, "r") as f:
        result = {
            "keras_version": text(f.attrs.get("keras_version", b"1")),
            "backend": text(f.attrs["backend"]) if "backend" in f.attrs else None,
        }
        if "model_config" in f.attrs:
            result["model_config"] = json.loads(text(f.attrs["model_config"]))
        if "training_config" in f.attrs:
            result["training_config"] = json.loads(text(f.attrs["training_config"]))
        weights_group = f["model_weights"] if "layer_names" not in f.attrs and "model_weights" in f else f
        layers = []
        for name in load_attributes(weights_group, "layer_names"):
            g = weights_group[name]
            weight_names = load_attributes(g, "weight_names")
            values = [np.asarray(g[w]) for w in weight_names]
            layers.append({"name": name, "weight_names": weight_names,
                           "shapes": [list(v.shape) for v in values],
                           "dtypes": [str(v.dtype) for v in values],
                           "values": [v.astype(np.float64).ravel().tolist() for v in values]})
        result["layers"] = layers
        if "optimizer_weights" in f:
            g = f["optimizer_weights"]
            names = load_attributes(g, "weight_names")
            result["optimizer_weights"] = [
                {"name": n, "shape": list(np.asarray(g[n]).shape),
                 "values": np.asarray(g[n]).astype(np.float64).ravel().tolist()} for n in names]
    json.dump(result, sys.stdout)


if __name__ == "__main__":
    try:
        main(sys.argv[1])
    except Exception as e:  # a broken layout: say what, exit non-zero
        print("keras_h5_read: %s: %s" % (type(e).__name__, e), file=sys.stderr)
        sys.exit(1)
