"""The models of compare_variants.py: one definition, read by both sides' workers.

Each variant is a model and recipe not in benchmarks/ (other layer widths,
batch sizes, optimizers and layer types), so that a speed-up tuned to the
three benchmark models shows up as one that does not carry over.

Every model ends in Dense 10 softmax with categorical cross-entropy (PyTorch:
F.cross_entropy on the logits); kernels glorot_uniform, recurrent kernels
orthogonal, biases zero. Data are synthetic uniform [0, 1) inputs with random
labels of the input shape below: throughput does not depend on the values.

Fields:
  title          what the table prints
  layers         the hidden layers, in order, as (type, options) pairs:
                   ("dense", units)         Dense relu (Linear + ReLU)
                   ("dropout", rate)        Dropout
                   ("batchnorm", None)      BatchNormalization (Keras's momentum 0.99,
                                            epsilon 1e-3; torch momentum 0.01, eps 1e-3)
                   ("gru", units)           GRU, last output, reset_after=True, sigmoid gates
                   ("conv1d", (filters, kernel))  Conv1D relu, valid padding, stride 1
                   ("global_max_pool", None)      GlobalMaxPooling1D
  input_shape    one sample's shape as Keras sees it (channels last)
  batch          training batch size
  train_batches  batches timed (after WARMUP_BATCHES), about a second on one core
  optimizer      a key of OPTIMIZERS
  infer_samples  samples per timed inference pass, in batches of INFER_BATCH
"""

CLASSES = 10
INFER_BATCH = 1024
WARMUP_BATCHES = 10

# Keras's hyper-parameters; each worker spells them in its framework's names.
OPTIMIZERS = {
    "adam": {"lr": 1e-3, "beta_1": 0.9, "beta_2": 0.999, "epsilon": 1e-7},
    "sgd_nesterov": {"lr": 0.01, "momentum": 0.9, "nesterov": True},
    # Keras: a = rho a + (1 - rho) g^2; p -= lr g / (sqrt(a) + epsilon), as torch's RMSprop.
    "rmsprop": {"lr": 1e-3, "rho": 0.9, "epsilon": 1e-7},
}

_MLP_512 = [("dense", 512), ("dropout", 0.2), ("dense", 512), ("dropout", 0.2)]

VARIANTS = {
    "mlp_1024x2": dict(
        title="MLP 784-1024-1024-10, Adam, batch 128",
        layers=[("dense", 1024), ("dense", 1024)],
        input_shape=(784,), batch=128, train_batches=60, optimizer="adam", infer_samples=8192),
    "mlp_256x3": dict(
        title="MLP 784-256-256-256-10, Adam, batch 128",
        layers=[("dense", 256)] * 3,
        input_shape=(784,), batch=128, train_batches=300, optimizer="adam", infer_samples=8192),
    "mlp_256x3_b32": dict(
        title="MLP 784-256-256-256-10, Adam, batch 32",
        layers=[("dense", 256)] * 3,
        input_shape=(784,), batch=32, train_batches=800, optimizer="adam", infer_samples=8192),
    "mlp_256x3_b512": dict(
        title="MLP 784-256-256-256-10, Adam, batch 512",
        layers=[("dense", 256)] * 3,
        input_shape=(784,), batch=512, train_batches=75, optimizer="adam", infer_samples=8192),
    "mlp_sgd_nesterov": dict(
        title="MLP 784-512-512-10 + Dropout 0.2, SGD(0.01, momentum 0.9, nesterov), batch 128",
        layers=_MLP_512,
        input_shape=(784,), batch=128, train_batches=200, optimizer="sgd_nesterov",
        infer_samples=8192),
    "mlp_rmsprop": dict(
        title="MLP 784-512-512-10 + Dropout 0.2, RMSprop(1e-3, rho 0.9, eps 1e-7), batch 128",
        layers=_MLP_512,
        input_shape=(784,), batch=128, train_batches=200, optimizer="rmsprop", infer_samples=8192),
    "mlp_batchnorm": dict(
        title="MLP 784-(Dense 512 relu, BatchNorm, Dropout 0.2)x2-10, Adam, batch 128",
        layers=[("dense", 512), ("batchnorm", None), ("dropout", 0.2),
                ("dense", 512), ("batchnorm", None), ("dropout", 0.2)],
        input_shape=(784,), batch=128, train_batches=200, optimizer="adam", infer_samples=8192),
    "gru64": dict(
        title="GRU 64 over 50 steps x 32 features -> Dense 10, Adam, batch 128",
        layers=[("gru", 64)],
        input_shape=(50, 32), batch=128, train_batches=60, optimizer="adam", infer_samples=4096),
    "conv1d": dict(
        title="Conv1D 64x5 relu over 100 x 16 -> GlobalMaxPooling1D -> Dense 10, Adam, batch 128",
        layers=[("conv1d", (64, 5)), ("global_max_pool", None)],
        input_shape=(100, 16), batch=128, train_batches=150, optimizer="adam", infer_samples=4096),
}


def parse_names(text):
    """--variants "a,b" (or "all") as a list of known variant names."""
    names = list(VARIANTS) if text == "all" else [n.strip() for n in text.split(",") if n.strip()]
    unknown = [n for n in names if n not in VARIANTS]
    if unknown or not names:
        raise ValueError(f"unknown variant(s) {unknown or text!r}; known: {', '.join(VARIANTS)}")
    return names


def synthetic_data(np, variant, seed):
    """(x_train, labels_train, x_infer): float32 uniform [0, 1) and int64 labels in [0, CLASSES)."""
    rng = np.random.default_rng(seed)
    n_train = (WARMUP_BATCHES + variant["train_batches"]) * variant["batch"]
    x = rng.random((n_train, *variant["input_shape"]), dtype=np.float32)
    labels = rng.integers(0, CLASSES, size=n_train, dtype=np.int64)
    x_infer = rng.random((variant["infer_samples"], *variant["input_shape"]), dtype=np.float32)
    return x, labels, x_infer
