#!/usr/bin/env python3
"""Reads a Keras .h5 file with h5py only, following Keras 2.2.4's load procedure
(keras/engine/saving.py: load_model, load_weights_from_hdf5_group), and prints what it rebuilt
as JSON: versions, the model config, and for each layer with weights its weight values.

A Keras 3 archive (FILE ending in .keras) is read as Keras 3's saving_lib reads it: config.json,
metadata.json and model.weights.h5 from the zip, the weights of each layer of the model's
"layers" list at layers/<snake_case class name>[_<n>]/vars/<i> and the optimizer's variables at
optimizer/vars/<i> (iteration, learning_rate, then its slots).

Usage: keras_h5_read.py FILE  -> JSON on stdout; exit 1 with a message if the file breaks the
layout Keras expects.
"""
import io
import json
import re
import sys
import zipfile

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


def snake_case(name):
    # Keras 3's naming.to_snake_case.
    name = re.sub(r"\W+", "", name)
    name = re.sub("(.)([A-Z][a-z]+)", r"\1_\2", name)
    name = re.sub("([a-z])([A-Z])", r"\1_\2", name).lower()
    return name


def read_vars(group):
    # An H5Entry's variables: datasets "0", "1", ... in order, every one of them.
    names = sorted(group.keys(), key=int)
    if names != [str(i) for i in range(len(names))]:
        raise ValueError("%s: variables are not named 0..%d: %s" % (group.name, len(names) - 1, names))
    return [np.asarray(group[n]) for n in names]


def main_keras(path):
    with zipfile.ZipFile(path, "r") as zf:
        config = json.loads(zf.read("config.json"))
        metadata = json.loads(zf.read("metadata.json"))
        weights = io.BytesIO(zf.read("model.weights.h5"))
    result = {"metadata": metadata, "config": config, "layers": []}
    used = {}
    with h5py.File(weights, "r") as f:
        sequential = config["class_name"] == "Sequential"
        for layer in config["config"]["layers"]:
            if sequential and layer["class_name"] == "InputLayer":  # not in Sequential.layers
                continue
            name = snake_case(layer["class_name"])
            if name in used:
                used[name] += 1
                name = "%s_%d" % (name, used[name])
            else:
                used[name] = 0
            key = "layers/" + name
            values = read_vars(f[key]["vars"]) if key in f and "vars" in f[key] else []
            result["layers"].append({
                "name": layer["config"]["name"], "path": key,
                "shapes": [list(v.shape) for v in values],
                "dtypes": [str(v.dtype) for v in values],
                "values": [v.astype(np.float64).ravel().tolist() for v in values]})
        if "optimizer" in f:
            values = read_vars(f["optimizer"]["vars"])
            result["optimizer_vars"] = [
                {"shape": list(v.shape), "dtype": str(v.dtype),
                 "values": v.astype(np.float64).ravel().tolist()} for v in values]
    json.dump(result, sys.stdout)


def main(path):
    if path.endswith(".keras"):
        main_keras(path)
        return
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
