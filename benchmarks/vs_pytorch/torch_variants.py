#!/usr/bin/python3
"""PyTorch side of compare_variants.py: the models of variants.py, written the way PyTorch is fastest.

nn modules (nn.Linear, nn.GRU(batch_first=True), nn.Conv1d on (N, C, L) inputs: torch's own
layout for the synthetic data), the softmax folded into F.cross_entropy on the logits, foreach
optimizers, zero_grad(set_to_none=True), torch.inference_mode() with softmax outputs for
inference. Thread and BLAS setup, the training loop and the inference timing are torch_mlp.py's.

For each variant: WARMUP_BATCHES batches, then one timed shuffled epoch of train_batches batches
(cut short after --max-train-seconds, so that a pathological configuration cannot eat the run's
time); inference is the median of passes at batch INFER_BATCH after a warm-up pass (one pass
only where the training was cut short).

Usage:
    torch_variants.py --threads N [--torch-threads M] [--variants all|name,name] [--compile]
    torch_variants.py --threads 1 --probe      (the BLAS / thread setup only, as torch_mlp.py)

Environment variables that steer torch's BLAS must be set before it starts (compare_variants.py
does that). Prints progress on stderr and ONE JSON object on the last line of stdout.
"""

import argparse
import json
import sys
import time
import traceback
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
import torch_mlp  # noqa: E402
import variants as spec  # noqa: E402

COMPILE = False  # --compile: torch.compile (PyTorch 2.x), compiled during the warm-up batches


def build_model(torch, variant):
    nn = torch.nn

    class Classifier(nn.Module):
        def __init__(self):
            super().__init__()
            layers = []
            features = variant["input_shape"][-1]
            for kind, option in variant["layers"]:
                if kind == "dense":
                    layers += [nn.Linear(features, option), nn.ReLU()]
                    features = option
                elif kind == "dropout":
                    layers.append(nn.Dropout(option))
                elif kind == "batchnorm":
                    # Keras's momentum 0.99 (weight of the old moving average) is torch's 0.01.
                    layers.append(nn.BatchNorm1d(features, eps=1e-3, momentum=0.01))
                elif kind == "gru":
                    layers.append(GRULastOutput(features, option))
                    features = option
                elif kind == "conv1d":
                    layers += [nn.Conv1d(features, option[0], option[1]), nn.ReLU()]
                    features = option[0]
                elif kind == "global_max_pool":
                    layers.append(GlobalMaxPool1d())
                else:
                    raise ValueError(f"variants.py layer type {kind!r} has no torch spelling here")
            layers.append(nn.Linear(features, spec.CLASSES))  # softmax in F.cross_entropy / predict
            self.layers = nn.Sequential(*layers)
            for module in self.modules():
                if isinstance(module, (nn.Linear, nn.Conv1d)):
                    nn.init.xavier_uniform_(module.weight)  # Keras glorot_uniform (same fans)
                    nn.init.zeros_(module.bias)

        def forward(self, x):
            return self.layers(x)

    class GRULastOutput(nn.Module):
        def __init__(self, features, units):
            super().__init__()
            self.gru = nn.GRU(features, units, batch_first=True)
            # Keras's initialisers per gate: glorot_uniform kernels, orthogonal recurrent kernels.
            for name, p in self.gru.named_parameters():
                for gate in p.data.chunk(3, 0):
                    if name.startswith("weight_ih"):
                        nn.init.xavier_uniform_(gate)
                    elif name.startswith("weight_hh"):
                        nn.init.orthogonal_(gate)
                    else:
                        nn.init.zeros_(gate)

        def forward(self, x):
            out, _ = self.gru(x)
            return out[:, -1]

    class GlobalMaxPool1d(nn.Module):
        def forward(self, x):
            return torch.amax(x, dim=2)

    model = Classifier()
    return torch.compile(model) if COMPILE else model


def build_optimizer(torch, model, name):
    hp = spec.OPTIMIZERS[name]
    if name == "adam":
        cls, kwargs = torch.optim.Adam, dict(lr=hp["lr"], betas=(hp["beta_1"], hp["beta_2"]),
                                             eps=hp["epsilon"])
    elif name == "sgd_nesterov":
        # Keras's v = m v - lr g; p += m v - lr g is torch's b = m b + g; p -= lr (g + m b).
        cls, kwargs = torch.optim.SGD, dict(lr=hp["lr"], momentum=hp["momentum"], nesterov=hp["nesterov"])
    elif name == "rmsprop":
        cls, kwargs = torch.optim.RMSprop, dict(lr=hp["lr"], alpha=hp["rho"], eps=hp["epsilon"])
    else:
        raise ValueError(f"variants.py optimizer {name!r} has no torch spelling here")
    try:
        return cls(model.parameters(), foreach=True, **kwargs)
    except TypeError:  # torch without the foreach option
        return cls(model.parameters(), **kwargs)


def run_variant(torch, name, seed, max_train_seconds):
    variant = spec.VARIANTS[name]
    x, labels, x_infer = (torch.from_numpy(a) for a in spec.synthetic_data(np, variant, seed))
    if variant["layers"][0][0] == "conv1d":  # nn.Conv1d's own layout: (N, channels, length)
        x, x_infer = x.transpose(1, 2).contiguous(), x_infer.transpose(1, 2).contiguous()
    torch.manual_seed(seed)
    generator = torch.Generator().manual_seed(seed)
    model = build_model(torch, variant)
    model.train()
    opt = build_optimizer(torch, model, variant["optimizer"])
    batch = variant["batch"]
    warm = spec.WARMUP_BATCHES * batch
    torch_mlp.train_batches(torch, model, opt, x, labels, 0, warm, batch=batch)
    start = time.perf_counter()
    deadline = None if max_train_seconds is None else start + max_train_seconds
    samples = torch_mlp.train_epoch(torch, model, opt, x[warm:], labels[warm:], generator,
                                    deadline, batch=batch)
    train_seconds = time.perf_counter() - start
    complete = samples == len(x) - warm
    # A configuration too slow to finish its training in time gets one inference pass, not three.
    infer_rate, infer_passes = torch_mlp.measure_inference(
        torch, model, x_infer, min_seconds=0.5 if complete else 0, min_passes=3 if complete else 1,
        batch=spec.INFER_BATCH)
    return {"train_samples_per_s": samples / train_seconds, "train_seconds": train_seconds,
            "train_complete": complete,
            "infer_samples_per_s": infer_rate, "infer_passes": infer_passes}


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    torch_mlp.add_runner_arguments(parser)
    parser.add_argument("--variants", default="all", help="comma-separated names of variants.py, or all")
    args = parser.parse_args()
    torch_threads = args.threads if args.torch_threads is None else args.torch_threads
    if min(args.threads, torch_threads) < 1:
        parser.error("thread counts must be >= 1")
    try:
        names = spec.parse_names(args.variants)
    except ValueError as e:
        parser.error(str(e))

    import torch  # after argparse, so --help is fast; env is read at this import

    config = torch_mlp.setup_threads(torch, args.threads, torch_threads)
    result = {"framework": "pytorch", "threads": args.threads, "config": config}
    if args.probe:
        print(json.dumps(result))
        return
    global COMPILE
    if args.compile and not hasattr(torch, "compile"):
        parser.error(f"--compile needs PyTorch 2.x; this is {torch.__version__}")
    COMPILE = args.compile

    results = {}
    for name in names:
        log_line = f"pytorch threads={args.threads} torch={torch_threads}: {name}"
        torch_mlp.log(log_line)
        try:
            results[name] = run_variant(torch, name, args.seed, args.max_train_seconds)
        except Exception as e:  # one variant this torch cannot run is reported, the others still run
            torch_mlp.log(traceback.format_exc())
            results[name] = {"error": f"{type(e).__name__}: {e}"}
            continue
        torch_mlp.log(f"    train {results[name]['train_samples_per_s']:,.0f}/s"
                      f"  infer {results[name]['infer_samples_per_s']:,.0f}/s")
    result["variants"] = results
    print(json.dumps(result))


if __name__ == "__main__":
    main()
