#!/usr/bin/env python3
"""Writes model files in Keras 1.2.2's and Keras 2.2.4's HDF5 layouts with h5py only, following
the layouts read from Keras's source (keras/models.py::save_model at 1.2.2,
keras/engine/saving.py::save_model at 2.2.4), plus the predictions numpy computes for them.

Usage: make_keras_fixtures.py OUT_DIR  -> OUT_DIR/keras1.h5, keras2.h5, keras2_weights.h5,
expected.json ({"x": [...], "y": [...]}: inputs (4, 5) and the model's outputs (4, 3)).
The model: Dense(6, relu, input_dim=5) -> Dropout -> Dense(3, softmax), compiled with SGD.

Also Keras 1 layers whose weights Keras 2.2.4's loader converts (preprocess_weights_for_loading):
keras1_lstm.h5 (LSTM(4) over (3, 2) inputs, its 12 per-gate arrays W_i, U_i, b_i, W_c, ..., in
Keras 1's order i, c, f, o) and keras1_th_conv.h5 (Convolution2D(3, 3, 3, dim_ordering='th') over
(2, 5, 5) inputs, kernel (nb_filter, stack, rows, cols)), with expected_keras1_layers.json holding
inputs and numpy's outputs ({"lstm_x", "lstm_y", "conv_x", "conv_y"}).

And weights saved from Keras 2.2.4's CuDNNLSTM (keras/layers/cudnn_recurrent.py), which Keras's
loader converts for LSTM (keras/engine/saving.py::_convert_rnn_weights): cudnn_lstm_weights.h5
(save_weights layout, layer cu_dnnlstm_1: CuDNNLSTM(3) over (4, 2) inputs) and cudnn_lstm.h5 (the
whole model, its CuDNNLSTM config included), with expected_cudnn.json ({"x", "y"}: inputs (2, 4, 2)
and the last hidden state (2, 3) computed with cuDNN's LSTM equations from cuDNN's own matrices).

Likewise CuDNNGRU (Keras 2.2.4's CuDNNGRU, which Keras loads into GRU(reset_after=True)):
cudnn_gru_weights.h5 (layer cu_dnngru_1: CuDNNGRU(3) over (4, 2) inputs) with expected_cudnn_gru.json.

And a Keras 3 archive of a compiled, trained model as Keras 3's saving_lib writes it
(keras/src/saving/saving_lib.py, optimizers/base_optimizer.py): keras3_adam.keras, a Sequential
InputLayer(5) -> Dense(3) with Adam, its optimizer variables at optimizer/vars/<i> (iteration as
int32, as the JAX backend writes it, learning_rate float32, then momentum and velocity weight by
weight), with
expected_keras3.json ({"iteration", "learning_rate", "kernel", "bias", "m", "v"}).
"""
import io
import zipfile
import json
import os
import sys

import h5py
import numpy as np

rng = np.random.RandomState(1234)
W1 = rng.uniform(-1, 1, (5, 6)).astype("float32")
b1 = rng.uniform(-1, 1, (6,)).astype("float32")
W2 = rng.uniform(-1, 1, (6, 3)).astype("float32")
b2 = rng.uniform(-1, 1, (3,)).astype("float32")
X = rng.uniform(-1, 1, (4, 5)).astype("float32")


def predict(x):
    h = np.maximum(x @ W1 + b1, 0)
    z = h @ W2 + b2
    e = np.exp(z - z.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


def strings(values):
    return np.array([v.encode("utf8") for v in values])


def write_keras1(path):
    # Keras 1.2.2: Sequential config is a list; Keras 1 argument names; weights "<layer>_W".
    config = {"class_name": "Sequential", "config": [
        {"class_name": "Dense", "config": {
            "name": "dense_1", "trainable": True, "batch_input_shape": [None, 5],
            "input_dtype": "float32", "output_dim": 6, "init": "glorot_uniform",
            "activation": "relu", "W_regularizer": None, "b_regularizer": None,
            "activity_regularizer": None, "W_constraint": None, "b_constraint": None,
            "bias": True, "input_dim": 5}},
        {"class_name": "Dropout", "config": {"name": "dropout_1", "trainable": True, "p": 0.5}},
        {"class_name": "Dense", "config": {
            "name": "dense_2", "trainable": True, "output_dim": 3, "init": "glorot_uniform",
            "activation": "softmax", "W_regularizer": None, "b_regularizer": None,
            "activity_regularizer": None, "W_constraint": None, "b_constraint": None,
            "bias": True, "input_dim": None}}]}
    training = {"optimizer_config": {"class_name": "SGD", "config": {
        "lr": 0.01, "momentum": 0.0, "decay": 0.0, "nesterov": False}},
        "loss": "categorical_crossentropy", "metrics": ["accuracy"],
        "sample_weight_mode": None, "loss_weights": None}
    with h5py.File(path, "w") as f:
        f.attrs["keras_version"] = b"1.2.2"
        f.attrs["model_config"] = json.dumps(config).encode("utf8")
        f.attrs["training_config"] = json.dumps(training).encode("utf8")
        g = f.create_group("model_weights")
        g.attrs["layer_names"] = strings(["dense_1", "dropout_1", "dense_2"])
        for name, weights in [("dense_1", [W1, b1]), ("dropout_1", []), ("dense_2", [W2, b2])]:
            lg = g.create_group(name)
            names = ["%s_W" % name, "%s_b" % name][:len(weights)]
            lg.attrs["weight_names"] = strings(names)
            for n, w in zip(names, weights):
                lg.create_dataset(n, data=w)


def keras2_config():
    def dense(name, units, activation, first):
        c = {"name": name, "trainable": True, "units": units, "activation": activation,
             "use_bias": True,
             "kernel_initializer": {"class_name": "VarianceScaling", "config": {
                 "scale": 1.0, "mode": "fan_avg", "distribution": "uniform", "seed": None}},
             "bias_initializer": {"class_name": "Zeros", "config": {}},
             "kernel_regularizer": None, "bias_regularizer": None, "activity_regularizer": None,
             "kernel_constraint": None, "bias_constraint": None}
        if first:
            c["batch_input_shape"] = [None, 5]
            c["dtype"] = "float32"
        return {"class_name": "Dense", "config": c}
    return {"class_name": "Sequential", "config": {"name": "sequential_1", "layers": [
        dense("dense_1", 6, "relu", True),
        {"class_name": "Dropout", "config": {"name": "dropout_1", "trainable": True, "rate": 0.5,
                                             "noise_shape": None, "seed": None}},
        dense("dense_2", 3, "softmax", False)]}}


def write_keras2_weights(group):
    group.attrs["layer_names"] = strings(["dense_1", "dropout_1", "dense_2"])
    group.attrs["backend"] = b"tensorflow"
    group.attrs["keras_version"] = b"2.2.4"
    for name, weights in [("dense_1", [W1, b1]), ("dropout_1", []), ("dense_2", [W2, b2])]:
        lg = group.create_group(name)
        names = ["%s/kernel:0" % name, "%s/bias:0" % name][:len(weights)]
        lg.attrs["weight_names"] = strings(names) if names else np.array([])
        for n, w in zip(names, weights):
            lg.create_dataset(n, data=w)


def write_keras2(path):
    training = {"optimizer_config": {"class_name": "SGD", "config": {
        "lr": 0.01, "momentum": 0.9, "decay": 0.0, "nesterov": False}},
        "loss": "categorical_crossentropy", "metrics": ["accuracy"],
        "sample_weight_mode": None, "loss_weights": None}
    with h5py.File(path, "w") as f:
        f.attrs["keras_version"] = b"2.2.4"
        f.attrs["backend"] = b"tensorflow"
        f.attrs["model_config"] = json.dumps(keras2_config()).encode("utf8")
        f.attrs["training_config"] = json.dumps(training).encode("utf8")
        write_keras2_weights(f.create_group("model_weights"))


def write_keras2_weights_file(path):
    with h5py.File(path, "w") as f:
        write_keras2_weights(f)


LSTM_GATES = {g: (rng.uniform(-1, 1, (2, 4)).astype("float32"),
                  rng.uniform(-1, 1, (4, 4)).astype("float32"),
                  rng.uniform(-1, 1, (4,)).astype("float32")) for g in "icfo"}
LSTM_X = rng.uniform(-1, 1, (2, 3, 2)).astype("float32")
CONV_W = rng.uniform(-1, 1, (3, 2, 3, 3)).astype("float32")
CONV_B = rng.uniform(-1, 1, (3,)).astype("float32")
CONV_X = rng.uniform(-1, 1, (2, 2, 5, 5)).astype("float32")


def hard_sigmoid(x):
    return np.clip(0.2 * x + 0.5, 0, 1)


def lstm_predict(x):
    # Keras 1's LSTM step (consume_less='cpu'), gate by gate.
    h = np.zeros((x.shape[0], 4))
    c = np.zeros((x.shape[0], 4))
    for t in range(x.shape[1]):
        z = {g: x[:, t] @ W + h @ U + b for g, (W, U, b) in LSTM_GATES.items()}
        c = hard_sigmoid(z["f"]) * c + hard_sigmoid(z["i"]) * np.tanh(z["c"])
        h = hard_sigmoid(z["o"]) * np.tanh(c)
    return h


def conv_predict(x):
    # Correlation (TensorFlow's convolution) with a (filters, stack, rows, cols) kernel, 'valid'.
    y = np.zeros((x.shape[0], 3, 3, 3))
    for i in range(3):
        for j in range(3):
            patch = x[:, :, i:i + 3, j:j + 3]
            y[:, :, i, j] = np.einsum("ncuv,ocuv->no", patch, CONV_W) + CONV_B
    return y


def write_keras1_model(path, layer_config, weight_names, weights):
    config = {"class_name": "Sequential", "config": [layer_config]}
    name = layer_config["config"]["name"]
    with h5py.File(path, "w") as f:
        f.attrs["keras_version"] = b"1.2.2"
        f.attrs["model_config"] = json.dumps(config).encode("utf8")
        g = f.create_group("model_weights")
        g.attrs["layer_names"] = strings([name])
        lg = g.create_group(name)
        lg.attrs["weight_names"] = strings(weight_names)
        for n, w in zip(weight_names, weights):
            lg.create_dataset(n, data=w)


def write_keras1_lstm(path):
    layer = {"class_name": "LSTM", "config": {
        "name": "lstm_1", "trainable": True, "batch_input_shape": [None, 3, 2],
        "input_dtype": "float32", "return_sequences": False, "go_backwards": False,
        "stateful": False, "unroll": False, "consume_less": "cpu", "output_dim": 4,
        "init": "glorot_uniform", "inner_init": "orthogonal", "forget_bias_init": "one",
        "activation": "tanh", "inner_activation": "hard_sigmoid", "W_regularizer": None,
        "U_regularizer": None, "b_regularizer": None, "dropout_W": 0.0, "dropout_U": 0.0}}
    names, weights = [], []
    for g in "icfo":  # Keras 1.2.2's LSTM.trainable_weights order
        for kind, w in zip("WUb", LSTM_GATES[g]):
            names.append("lstm_1_%s_%s" % (kind, g))
            weights.append(w)
    write_keras1_model(path, layer, names, weights)


def write_keras1_th_conv(path):
    layer = {"class_name": "Convolution2D", "config": {
        "name": "convolution2d_1", "trainable": True, "batch_input_shape": [None, 2, 5, 5],
        "input_dtype": "float32", "nb_filter": 3, "nb_row": 3, "nb_col": 3,
        "init": "glorot_uniform", "activation": "linear", "border_mode": "valid",
        "subsample": [1, 1], "dim_ordering": "th", "W_regularizer": None, "b_regularizer": None,
        "activity_regularizer": None, "W_constraint": None, "b_constraint": None, "bias": True}}
    write_keras1_model(path, layer, ["convolution2d_1_W", "convolution2d_1_b"], [CONV_W, CONV_B])


# cuDNN's canonical LSTM parameters, per gate (i, f, c, o): input matrix W (units, input_dim),
# recurrent matrix R (units, units), input bias bW and recurrent bias bR; h' = o * tanh(c'),
# c' = f * c + i * tanh(W_c x + R_c h + bW_c + bR_c), gates with the logistic sigmoid.
CUDNN_UNITS, CUDNN_INPUT = 3, 2
CUDNN = {g: (rng.uniform(-1, 1, (CUDNN_UNITS, CUDNN_INPUT)).astype("float32"),
             rng.uniform(-1, 1, (CUDNN_UNITS, CUDNN_UNITS)).astype("float32"),
             rng.uniform(-1, 1, (CUDNN_UNITS,)).astype("float32"),
             rng.uniform(-1, 1, (CUDNN_UNITS,)).astype("float32")) for g in "ifco"}
CUDNN_X = rng.uniform(-1, 1, (2, 4, CUDNN_INPUT)).astype("float32")


def sigmoid(x):
    return 1 / (1 + np.exp(-x))


def cudnn_lstm_predict(x):
    x = x.astype(np.float64)
    h = np.zeros((x.shape[0], CUDNN_UNITS))
    c = np.zeros((x.shape[0], CUDNN_UNITS))
    for t in range(x.shape[1]):
        z = {g: x[:, t] @ W.T + h @ R.T + bW + bR for g, (W, R, bW, bR) in CUDNN.items()}
        c = sigmoid(z["f"]) * c + sigmoid(z["i"]) * np.tanh(z["c"])
        h = sigmoid(z["o"]) * np.tanh(c)
    return h


def cudnn_lstm_arrays():
    # Keras 2.2.4's CuDNNLSTM: kernel (input_dim, 4 * units), recurrent_kernel (units, 4 * units),
    # bias (8 * units); gate g's blocks kernel[:, g*units:(g+1)*units] and likewise, and
    # _canonical_to_params hands cuDNN each block flattened in C order (tf.reshape(x, (-1,))) as
    # that gate's matrix, then the 4 input biases and the 4 recurrent biases: so each kernel block
    # holds W's row-major values, each recurrent block R itself.
    kernel = np.hstack([W.reshape(-1).reshape(CUDNN_INPUT, CUDNN_UNITS)
                        for W, _, _, _ in CUDNN.values()])
    recurrent = np.hstack([R for _, R, _, _ in CUDNN.values()])
    bias = np.concatenate([bW for _, _, bW, _ in CUDNN.values()] +
                          [bR for _, _, _, bR in CUDNN.values()])
    return [kernel, recurrent, bias]


def write_cudnn_lstm_weights(group):
    name = "cu_dnnlstm_1"
    group.attrs["layer_names"] = strings([name])
    group.attrs["backend"] = b"tensorflow"
    group.attrs["keras_version"] = b"2.2.4"
    lg = group.create_group(name)
    names = ["%s/%s:0" % (name, w) for w in ("kernel", "recurrent_kernel", "bias")]
    lg.attrs["weight_names"] = strings(names)
    for n, w in zip(names, cudnn_lstm_arrays()):
        lg.create_dataset(n, data=w)


def write_cudnn_lstm_weights_file(path):
    with h5py.File(path, "w") as f:
        write_cudnn_lstm_weights(f)


def write_cudnn_lstm_model(path):
    # CuDNNLSTM.get_config in Keras 2.2.4 (the _CuDNNRNN base adds return_sequences,
    # return_state, go_backwards and stateful).
    initializer = {"class_name": "VarianceScaling", "config": {
        "scale": 1.0, "mode": "fan_avg", "distribution": "uniform", "seed": None}}
    config = {"class_name": "Sequential", "config": {"name": "sequential_1", "layers": [
        {"class_name": "CuDNNLSTM", "config": {
            "name": "cu_dnnlstm_1", "trainable": True, "batch_input_shape": [None, 4, 2],
            "dtype": "float32", "return_sequences": False, "return_state": False,
            "go_backwards": False, "stateful": False, "units": CUDNN_UNITS,
            "kernel_initializer": initializer,
            "recurrent_initializer": {"class_name": "Orthogonal", "config": {
                "gain": 1.0, "seed": None}},
            "bias_initializer": {"class_name": "Zeros", "config": {}},
            "unit_forget_bias": True, "kernel_regularizer": None,
            "recurrent_regularizer": None, "bias_regularizer": None,
            "activity_regularizer": None, "kernel_constraint": None,
            "recurrent_constraint": None, "bias_constraint": None}}]}}
    with h5py.File(path, "w") as f:
        f.attrs["keras_version"] = b"2.2.4"
        f.attrs["backend"] = b"tensorflow"
        f.attrs["model_config"] = json.dumps(config).encode("utf8")
        write_cudnn_lstm_weights(f.create_group("model_weights"))


# cuDNN's canonical GRU parameters, per gate (z, r, h, Keras's column order): W, R, bW, bR;
# r and z with the sigmoid, h~ = tanh(W_h x + bW_h + r * (R_h h + bR_h)), h' = z * h + (1 - z) * h~.
GRU_CUDNN = {g: (rng.uniform(-1, 1, (CUDNN_UNITS, CUDNN_INPUT)).astype("float32"),
                 rng.uniform(-1, 1, (CUDNN_UNITS, CUDNN_UNITS)).astype("float32"),
                 rng.uniform(-1, 1, (CUDNN_UNITS,)).astype("float32"),
                 rng.uniform(-1, 1, (CUDNN_UNITS,)).astype("float32")) for g in "zrh"}


def cudnn_gru_predict(x):
    x = x.astype(np.float64)
    h = np.zeros((x.shape[0], CUDNN_UNITS))
    for t in range(x.shape[1]):
        xs = {g: x[:, t] @ W.T + bW for g, (W, R, bW, bR) in GRU_CUDNN.items()}
        hs = {g: h @ R.T + bR for g, (W, R, bW, bR) in GRU_CUDNN.items()}
        z = sigmoid(xs["z"] + hs["z"])
        r = sigmoid(xs["r"] + hs["r"])
        h = z * h + (1 - z) * np.tanh(xs["h"] + r * hs["h"])
    return h


def cudnn_gru_arrays():
    # Keras 2.2.4's CuDNNGRU: kernel (input_dim, 3 * units) in z, r, h blocks holding cuDNN's
    # row-major matrices (as for CuDNNLSTM), recurrent_kernel blocks R, bias (6 * units): input
    # biases z, r, h, then recurrent biases z, r, h.
    kernel = np.hstack([W.reshape(-1).reshape(CUDNN_INPUT, CUDNN_UNITS)
                        for W, _, _, _ in GRU_CUDNN.values()])
    recurrent = np.hstack([R for _, R, _, _ in GRU_CUDNN.values()])
    bias = np.concatenate([bW for _, _, bW, _ in GRU_CUDNN.values()] +
                          [bR for _, _, _, bR in GRU_CUDNN.values()])
    return [kernel, recurrent, bias]


def keras_gru_reset_after_predict(x, kernel, recurrent, bias):
    # Keras 2.2.4's GRU(reset_after=True, recurrent_activation='sigmoid') step, for the check below.
    u = CUDNN_UNITS
    x = x.astype(np.float64)
    h = np.zeros((x.shape[0], u))
    for t in range(x.shape[1]):
        xm = x[:, t] @ kernel + bias[0]
        hm = h @ recurrent + bias[1]
        z = sigmoid(xm[:, :u] + hm[:, :u])
        r = sigmoid(xm[:, u:2 * u] + hm[:, u:2 * u])
        h = z * h + (1 - z) * np.tanh(xm[:, 2 * u:] + r * hm[:, 2 * u:])
    return h


def check_cudnn_gru_fixture():
    # The stored arrays, converted as Keras's _convert_rnn_weights converts them (per gate: kernel
    # block k -> k.T.reshape(k.shape, order='F'), recurrent block -> its transpose, bias ->
    # (2, 3 * units)), give in Keras's GRU what cuDNN's equations give: the fixture is consistent.
    kernel, recurrent, bias = cudnn_gru_arrays()
    kernel = np.hstack([k.T.reshape(k.shape, order="F") for k in np.hsplit(kernel, 3)])
    recurrent = np.hstack([k.T for k in np.hsplit(recurrent, 3)])
    bias = bias.reshape((2, -1))
    ours = keras_gru_reset_after_predict(CUDNN_X, kernel, recurrent, bias)
    assert np.allclose(ours, cudnn_gru_predict(CUDNN_X), atol=1e-6), "CuDNNGRU fixture inconsistent"


def write_cudnn_gru_weights_file(path):
    name = "cu_dnngru_1"
    with h5py.File(path, "w") as f:
        f.attrs["layer_names"] = strings([name])
        f.attrs["backend"] = b"tensorflow"
        f.attrs["keras_version"] = b"2.2.4"
        lg = f.create_group(name)
        names = ["%s/%s:0" % (name, w) for w in ("kernel", "recurrent_kernel", "bias")]
        lg.attrs["weight_names"] = strings(names)
        for n, w in zip(names, cudnn_gru_arrays()):
            lg.create_dataset(n, data=w)


K3_KERNEL = rng.uniform(-1, 1, (5, 3)).astype("float32")
K3_BIAS = rng.uniform(-1, 1, (3,)).astype("float32")
K3_M = [rng.uniform(-1, 1, w.shape).astype("float32") for w in (K3_KERNEL, K3_BIAS)]
K3_V = [rng.uniform(0, 1, w.shape).astype("float32") for w in (K3_KERNEL, K3_BIAS)]


def write_keras3_archive(path):
    dtype = {"module": "keras", "class_name": "DTypePolicy", "config": {"name": "float32"},
             "registered_name": None}
    config = {"module": "keras", "class_name": "Sequential", "config": {
        "name": "sequential", "trainable": True, "dtype": dtype, "layers": [
            {"module": "keras.layers", "class_name": "InputLayer", "config": {
                "batch_shape": [None, 5], "dtype": "float32", "sparse": False,
                "name": "input_layer"}, "registered_name": None},
            {"module": "keras.layers", "class_name": "Dense", "config": {
                "name": "dense", "trainable": True, "dtype": dtype, "units": 3,
                "activation": "softmax", "use_bias": True,
                "kernel_initializer": {"module": "keras.initializers", "class_name": "GlorotUniform",
                                       "config": {"seed": None}, "registered_name": None},
                "bias_initializer": {"module": "keras.initializers", "class_name": "Zeros",
                                     "config": {}, "registered_name": None},
                "kernel_regularizer": None, "bias_regularizer": None, "kernel_constraint": None,
                "bias_constraint": None}, "registered_name": None,
             "build_config": {"input_shape": [None, 5]}}]},
        "registered_name": None, "build_config": {"input_shape": [None, 5]},
        "compile_config": {
            "optimizer": {"module": "keras.optimizers", "class_name": "Adam", "config": {
                "name": "adam", "learning_rate": 0.003000000026077032, "weight_decay": None,
                "clipnorm": None, "global_clipnorm": None, "clipvalue": None, "use_ema": False,
                "ema_momentum": 0.99, "ema_overwrite_frequency": None, "loss_scale_factor": None,
                "gradient_accumulation_steps": None, "beta_1": 0.9, "beta_2": 0.999,
                "epsilon": 1e-07, "amsgrad": False}, "registered_name": None},
            "loss": "categorical_crossentropy", "loss_weights": None, "metrics": ["accuracy"],
            "weighted_metrics": None, "run_eagerly": False, "steps_per_execution": 1,
            "jit_compile": False}}
    weights = io.BytesIO()
    with h5py.File(weights, "w") as f:
        f.create_group("layers").create_group("dense").create_group("vars")
        f["layers/dense/vars"]["0"] = K3_KERNEL
        f["layers/dense/vars"]["1"] = K3_BIAS
        opt = f.create_group("optimizer").create_group("vars")
        # Keras 3 creates each weight's momentum and velocity together (keras-team/keras#21247).
        slots = [slot for m, v in zip(K3_M, K3_V) for slot in (m, v)]
        values = [np.array(7, dtype="int32"), np.array(0.003, dtype="float32")] + slots
        for i, v in enumerate(values):
            opt[str(i)] = v
        f.create_group("vars")
    metadata = {"keras_version": "3.3.3", "date_saved": "2024-05-01@12:00:00"}
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("metadata.json", json.dumps(metadata))
        zf.writestr("config.json", json.dumps(config))
        zf.writestr("model.weights.h5", weights.getvalue())


def main(out):
    os.makedirs(out, exist_ok=True)
    write_keras1(os.path.join(out, "keras1.h5"))
    write_keras2(os.path.join(out, "keras2.h5"))
    write_keras2_weights_file(os.path.join(out, "keras2_weights.h5"))
    with open(os.path.join(out, "expected.json"), "w") as f:
        json.dump({"x": X.ravel().tolist(), "y": predict(X).ravel().tolist()}, f)
    write_keras1_lstm(os.path.join(out, "keras1_lstm.h5"))
    write_keras1_th_conv(os.path.join(out, "keras1_th_conv.h5"))
    with open(os.path.join(out, "expected_keras1_layers.json"), "w") as f:
        json.dump({"lstm_x": LSTM_X.ravel().tolist(), "lstm_y": lstm_predict(LSTM_X).ravel().tolist(),
                   "conv_x": CONV_X.ravel().tolist(), "conv_y": conv_predict(CONV_X).ravel().tolist()},
                  f)
    write_keras3_archive(os.path.join(out, "keras3_adam.keras"))
    with open(os.path.join(out, "expected_keras3.json"), "w") as f:
        json.dump({"iteration": 7, "learning_rate": float(np.float32(0.003)),
                   "kernel": K3_KERNEL.ravel().tolist(), "bias": K3_BIAS.ravel().tolist(),
                   "m": [m.ravel().tolist() for m in K3_M],
                   "v": [v.ravel().tolist() for v in K3_V]}, f)
    check_cudnn_gru_fixture()
    write_cudnn_gru_weights_file(os.path.join(out, "cudnn_gru_weights.h5"))
    with open(os.path.join(out, "expected_cudnn_gru.json"), "w") as f:
        json.dump({"x": CUDNN_X.ravel().tolist(), "y": cudnn_gru_predict(CUDNN_X).ravel().tolist()},
                  f)
    write_cudnn_lstm_weights_file(os.path.join(out, "cudnn_lstm_weights.h5"))
    write_cudnn_lstm_model(os.path.join(out, "cudnn_lstm.h5"))
    with open(os.path.join(out, "expected_cudnn.json"), "w") as f:
        json.dump({"x": CUDNN_X.ravel().tolist(), "y": cudnn_lstm_predict(CUDNN_X).ravel().tolist()},
                  f)


if __name__ == "__main__":
    main(sys.argv[1])
