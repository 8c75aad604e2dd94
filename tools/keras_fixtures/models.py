"""The fixture models, written once for both real Kerases.

Each builder takes the Keras module (`tf_keras`, Keras 2's API, or `keras`, Keras 3) and returns
(model, loss, inputs, targets): `inputs`/`targets` are the fixed training data (lists of arrays,
one per model input/output). Only layers keras.cpp's registry (src/layers/serialization.cpp)
loads are used; README.md lists the real layers it does not.
"""
import numpy as np


def rng(seed):
    return np.random.RandomState(seed)


def floats(seed, *shape):
    return rng(seed).uniform(-1.0, 1.0, size=shape).astype("float32")


def one_hot(seed, n, classes):
    labels = rng(seed).randint(0, classes, size=n)
    return np.eye(classes, dtype="float32")[labels]


N = 8  # samples: two batches of 4 for fit, and the fixed batch of the extra step


def dense_bn(K):
    L = K.layers
    model = K.Sequential([
        K.Input(shape=(6,)),
        L.Dense(8, activation="relu", name="dense_a"),
        L.BatchNormalization(name="bn"),
        L.Dense(3, activation="softmax", name="dense_b"),
    ])
    return model, "categorical_crossentropy", [floats(1, N, 6)], [one_hot(2, N, 3)]


def dense_dropout(K):
    L = K.layers
    model = K.Sequential([
        K.Input(shape=(5,)),
        L.Dense(7, activation="tanh", name="dense_a"),
        L.Dropout(0.3, name="drop"),
        L.Dense(2, name="dense_b"),
    ])
    return model, "mse", [floats(3, N, 5)], [floats(4, N, 2)]


def conv2d(K):
    L = K.layers
    model = K.Sequential([
        K.Input(shape=(8, 8, 3)),
        L.Conv2D(4, 3, padding="same", activation="relu", name="conv"),
        L.MaxPooling2D(2, name="maxpool"),
        L.SeparableConv2D(4, 3, padding="same", depth_multiplier=2, name="sepconv"),
        L.Conv2DTranspose(3, 2, strides=2, name="deconv"),
        L.AveragePooling2D(2, name="avgpool"),
        L.ZeroPadding2D(1, name="pad"),
        L.Cropping2D(((1, 0), (0, 1)), name="crop"),
        L.UpSampling2D(2, name="upsample"),
        L.GlobalAveragePooling2D(name="gap"),
        L.Dense(2, name="out"),
    ])
    return model, "mse", [floats(5, N, 8, 8, 3)], [floats(6, N, 2)]


def conv1d(K):
    L = K.layers
    model = K.Sequential([
        K.Input(shape=(12, 3)),
        L.Conv1D(4, 3, dilation_rate=2, activation="relu", name="conv_a"),
        L.MaxPooling1D(2, name="maxpool"),
        L.Conv1D(3, 2, strides=1, padding="causal", name="conv_b"),
        L.UpSampling1D(2, name="upsample"),
        L.AveragePooling1D(2, name="avgpool"),
        L.GlobalMaxPooling1D(name="gmp"),
        L.Dense(2, name="out"),
    ])
    return model, "mse", [floats(7, N, 12, 3)], [floats(8, N, 2)]


def conv3d(K):
    L = K.layers
    model = K.Sequential([
        K.Input(shape=(5, 5, 5, 2)),
        L.Conv3D(3, 2, activation="relu", name="conv"),
        L.MaxPooling3D(2, name="maxpool"),
        L.Flatten(name="flat"),
        L.Dense(2, name="out"),
    ])
    return model, "mse", [floats(9, N, 5, 5, 5, 2)], [floats(10, N, 2)]


def embedding_rnn(K):
    L = K.layers
    model = K.Sequential([
        K.Input(shape=(6,), dtype="int32"),
        L.Embedding(10, 4, mask_zero=True, name="embed"),
        L.SimpleRNN(5, return_sequences=True, name="rnn"),
        L.LSTM(3, name="lstm"),
        L.Dense(2, name="out"),
    ])
    tokens = rng(11).randint(1, 10, size=(N, 6))
    for i in range(N):  # trailing padding of different lengths
        tokens[i, 6 - (i % 4):] = 0
    return model, "mse", [tokens.astype("int32")], [floats(12, N, 2)]


def gru(K):
    L = K.layers
    model = K.Sequential([
        K.Input(shape=(5, 3)),
        L.GRU(4, reset_after=False, return_sequences=True, name="gru_v1"),
        L.GRU(3, reset_after=True, name="gru_v3"),
        L.Dense(2, name="out"),
    ])
    return model, "mse", [floats(13, N, 5, 3)], [floats(14, N, 2)]


def bidirectional(K):
    L = K.layers
    model = K.Sequential([
        K.Input(shape=(5, 3)),
        L.Bidirectional(L.LSTM(3, return_sequences=True), merge_mode="concat", name="bidi"),
        L.TimeDistributed(L.Dense(2), name="td"),
    ])
    return model, "mse", [floats(15, N, 5, 3)], [floats(16, N, 5, 2)]


def conv_lstm(K):
    L = K.layers
    model = K.Sequential([
        K.Input(shape=(3, 5, 5, 2)),
        L.ConvLSTM2D(3, 3, padding="same", name="convlstm"),
        L.Flatten(name="flat"),
        L.Dense(2, name="out"),
    ])
    return model, "mse", [floats(17, N, 3, 5, 5, 2)], [floats(18, N, 2)]


def merge(K):
    L = K.layers
    a = K.Input(shape=(4,), name="in_a")
    b = K.Input(shape=(4,), name="in_b")
    da = L.Dense(4, activation="tanh", name="dense_a")(a)
    db = L.Dense(4, activation="tanh", name="dense_b")(b)
    merged = [
        L.Add(name="add")([da, db]),
        L.Subtract(name="sub")([da, db]),
        L.Multiply(name="mul")([da, db]),
        L.Average(name="avg")([da, db]),
        L.Maximum(name="max")([da, db]),
        L.Minimum(name="min")([da, db]),
    ]
    cat = L.Concatenate(name="cat")(merged)
    dot = L.Dot(axes=1, name="dot")([da, db])
    out_class = L.Dense(3, activation="softmax", name="out_class")(cat)
    out_value = L.Dense(1, name="out_value")(L.Concatenate(name="cat2")([cat, dot]))
    model = K.Model([a, b], [out_class, out_value], name="merge_model")
    loss = ["categorical_crossentropy", "mse"]
    return model, loss, [floats(19, N, 4), floats(20, N, 4)], [one_hot(21, N, 3), floats(22, N, 1)]


def nested(K):
    L = K.layers
    inner = K.Sequential([K.Input(shape=(4,)), L.Dense(5, activation="relu", name="inner_dense"),
                          L.Dense(3, name="inner_out")], name="inner")
    x = K.Input(shape=(4,), name="x")
    h = inner(x)
    y = L.Dense(2, name="head")(L.Concatenate(name="cat")([h, x]))
    model = K.Model(x, y, name="outer")
    return model, "mse", [floats(23, N, 4)], [floats(24, N, 2)]


def stateful(K):
    L = K.layers
    model = K.Sequential([
        K.Input(shape=(3, 2), batch_size=4),
        L.LSTM(3, stateful=True, name="lstm"),
        L.Dense(1, name="out"),
    ])
    return model, "mse", [floats(25, N, 3, 2)], [floats(26, N, 1)]


def small_dense(K):
    L = K.layers
    model = K.Sequential([
        K.Input(shape=(4,)),
        L.Dense(5, activation="tanh", name="hidden"),
        L.Dense(2, name="out"),
    ])
    return model, "mse", [floats(27, N, 4)], [floats(28, N, 2)]


# name -> (builder, optimizer, whether the next training step is deterministic)
MODELS = {
    "dense_bn": (dense_bn, "adam", True),
    "dense_dropout": (dense_dropout, "sgd_nesterov", False),  # Dropout draws random masks
    "conv2d": (conv2d, "adam", True),
    "conv1d": (conv1d, "rmsprop", True),
    "conv3d": (conv3d, "sgd_nesterov", True),
    "embedding_rnn": (embedding_rnn, "adam", True),
    "gru": (gru, "nadam", True),
    "bidirectional": (bidirectional, "adamax", True),
    "conv_lstm": (conv_lstm, "adam", True),
    "merge": (merge, "adam", True),
    "nested": (nested, "sgd_nesterov", True),
    "stateful": (stateful, "adam", True),
}
for _opt in ["sgd", "sgd_nesterov", "rmsprop", "adagrad", "adadelta", "adam", "adamax", "nadam"]:
    MODELS["optimizer_" + _opt] = (small_dense, _opt, True)


def optimizer(K, name, legacy):
    """The optimizer `name`, its settings written out so that both sides read the same numbers.
    For tf_keras, the legacy (Keras 2) optimizers: their state is Keras 2's weight list."""
    O = K.optimizers.legacy if legacy else K.optimizers
    if name == "sgd":
        return O.SGD(learning_rate=0.05)
    if name == "sgd_nesterov":
        return O.SGD(learning_rate=0.05, momentum=0.9, nesterov=True)
    if name == "rmsprop":
        return O.RMSprop(learning_rate=0.01, rho=0.9, epsilon=1e-7)
    if name == "adagrad":
        return O.Adagrad(learning_rate=0.05, initial_accumulator_value=0.0, epsilon=1e-7)
    if name == "adadelta":
        return O.Adadelta(learning_rate=1.0, rho=0.95, epsilon=1e-7)
    if name == "adam":
        return O.Adam(learning_rate=0.01, beta_1=0.9, beta_2=0.999, epsilon=1e-7)
    if name == "adamax":
        return O.Adamax(learning_rate=0.01, beta_1=0.9, beta_2=0.999, epsilon=1e-7)
    if name == "nadam":
        return O.Nadam(learning_rate=0.01, beta_1=0.9, beta_2=0.999, epsilon=1e-7)
    raise ValueError(name)
