"""Writes tests/fixtures/real_keras/layers_float64.h5: one layer at a time, in float64, tf_keras's
forward pass and gradients (tf.GradientTape) on random inputs (run by hand through run.sh).

TensorFlow has no float64 MaxPool3D, so 3D max pooling is left out. For each case a group <name> holds:
  attrs["config"]   the layer's tf_keras serialization ({"class_name", "config"}) as JSON
  weights/<i>       the layer's get_weights(), set to random values first (biases included)
  x                 the input (batch included)
  y                 layer(x, training=False)
  r                 random weights of the scalar loss sum(y * r)
  grads/x           d loss / d x
  grads/<i>         d loss / d weights[i] (BatchNormalization's moving statistics included)
"""
import argparse
import json
import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
os.environ.setdefault("CUDA_VISIBLE_DEVICES", "")

import h5py  # noqa: E402
import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402
import tf_keras  # noqa: E402

L = tf_keras.layers

CASES = {
    "dense": (lambda: L.Dense(4, activation="tanh"), (3, 5)),
    "dense_softmax": (lambda: L.Dense(4, activation="softmax"), (3, 5)),
    "conv1d_causal_dilated": (lambda: L.Conv1D(3, 2, padding="causal", dilation_rate=2,
                                               activation="sigmoid"), (2, 7, 3)),
    "conv1d_strided": (lambda: L.Conv1D(2, 3, strides=2), (2, 9, 3)),
    "conv2d_same": (lambda: L.Conv2D(3, (2, 3), strides=(1, 2), padding="same"), (2, 5, 6, 2)),
    "conv2d_dilated": (lambda: L.Conv2D(2, 2, dilation_rate=2, activation="elu"), (2, 6, 6, 2)),
    "conv3d": (lambda: L.Conv3D(2, 2, strides=(1, 2, 1)), (2, 4, 4, 3, 2)),
    "conv2d_transpose": (lambda: L.Conv2DTranspose(2, 3, strides=2, padding="same"), (2, 3, 3, 2)),
    "conv2d_transpose_valid": (lambda: L.Conv2DTranspose(3, 2, strides=1), (2, 3, 4, 2)),
    "separable_conv2d": (lambda: L.SeparableConv2D(3, 2, depth_multiplier=2), (2, 5, 5, 2)),
    "max_pooling2d": (lambda: L.MaxPooling2D(2, padding="same"), (2, 5, 5, 2)),
    "average_pooling2d": (lambda: L.AveragePooling2D(2, strides=1), (2, 4, 4, 2)),
    "average_pooling1d_same": (lambda: L.AveragePooling1D(3, strides=2, padding="same"), (2, 7, 2)),
    "global_average_pooling1d": (lambda: L.GlobalAveragePooling1D(), (2, 5, 3)),
    "global_max_pooling2d": (lambda: L.GlobalMaxPooling2D(), (2, 4, 3, 2)),
    "batch_normalization": (lambda: L.BatchNormalization(), (3, 4)),
    "batch_normalization_conv": (lambda: L.BatchNormalization(axis=1), (2, 3, 4, 2)),
    "simple_rnn": (lambda: L.SimpleRNN(3, return_sequences=True), (2, 4, 3)),
    "gru_reset_before": (lambda: L.GRU(3, reset_after=False), (2, 4, 3)),
    "gru_reset_after": (lambda: L.GRU(3, reset_after=True, return_sequences=True), (2, 4, 3)),
    "lstm": (lambda: L.LSTM(3, return_sequences=True), (2, 4, 3)),
    "lstm_go_backwards": (lambda: L.LSTM(2, go_backwards=True), (2, 4, 3)),
    "bidirectional_lstm": (lambda: L.Bidirectional(L.LSTM(2), merge_mode="sum"), (2, 4, 3)),
    "conv_lstm2d": (lambda: L.ConvLSTM2D(2, 3, padding="same"), (2, 3, 4, 4, 2)),
    "time_distributed_dense": (lambda: L.TimeDistributed(L.Dense(2)), (2, 3, 4)),
    "locally_connected1d": (lambda: L.LocallyConnected1D(2, 3), (2, 6, 3)),
    "locally_connected2d": (lambda: L.LocallyConnected2D(2, 2), (2, 4, 4, 2)),
    # TensorFlow applies LeakyReLU's alpha as a float32 even in float64: one exact in float32.
    "leaky_relu": (lambda: L.LeakyReLU(0.25), (3, 5)),
    "elu": (lambda: L.ELU(0.7), (3, 5)),
    "prelu": (lambda: L.PReLU(), (3, 5)),
    "thresholded_relu": (lambda: L.ThresholdedReLU(0.3), (3, 5)),
    "upsampling2d": (lambda: L.UpSampling2D((2, 3)), (2, 2, 3, 2)),
    "zero_padding1d": (lambda: L.ZeroPadding1D((1, 2)), (2, 3, 2)),
    "cropping2d": (lambda: L.Cropping2D(((1, 0), (1, 1))), (2, 4, 5, 2)),
    "flatten": (lambda: L.Flatten(), (2, 3, 2, 2)),
    "permute": (lambda: L.Permute((2, 1)), (2, 3, 4)),
    "repeat_vector": (lambda: L.RepeatVector(3), (2, 4)),
}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out")
    args = parser.parse_args()
    tf_keras.backend.set_floatx("float64")
    rng = np.random.RandomState(17)
    with h5py.File(args.out, "w") as f:
        f.attrs["tensorflow"] = tf.__version__
        f.attrs["tf_keras"] = tf_keras.__version__
        for name, (make, shape) in CASES.items():
            layer = make()
            x = tf.constant(rng.uniform(-1, 1, size=shape))
            layer(x)  # builds the weights
            weights = [rng.uniform(-0.5, 0.5, size=w.shape) for w in layer.get_weights()]
            if isinstance(layer, L.BatchNormalization):  # a positive moving variance
                weights[3] = rng.uniform(0.5, 1.5, size=weights[3].shape)
            layer.set_weights(weights)
            with tf.GradientTape() as tape:
                tape.watch(x)
                for w in layer.weights:  # the non-trainable ones too (moving statistics)
                    tape.watch(w)
                y = layer(x, training=False)
                r = tf.constant(rng.uniform(-1, 1, size=y.shape))
                loss = tf.reduce_sum(y * r)
            grads = tape.gradient(loss, [x] + list(layer.weights),
                                  unconnected_gradients=tf.UnconnectedGradients.ZERO)
            g = f.create_group(name)
            g.attrs["config"] = json.dumps(tf_keras.layers.serialize(layer))
            for i, w in enumerate(weights):
                g.create_dataset("weights/%d" % i, data=w)
            g.create_dataset("x", data=x.numpy())
            g.create_dataset("y", data=y.numpy())
            g.create_dataset("r", data=r.numpy())
            g.create_dataset("grads/x", data=grads[0].numpy())
            for i, gw in enumerate(grads[1:]):
                g.create_dataset("grads/%d" % i, data=gw.numpy())
            print(name, y.shape, flush=True)


if __name__ == "__main__":
    main()
