#!/usr/bin/python3
"""Compare keras.cpp against PyTorch on the Fashion-MNIST LSTM, in one run.

Same rules, configurations and report as compare_mlp.py (whose machinery this
reuses): PyTorch at its best over OpenBLAS settings and thread splits, keras.cpp
once per thread count, ratios printed. The model is examples/fashion_mnist_lstm:
28 timesteps of 28 features -> LSTM 128 -> Dense 10 softmax, Adam, batch 128.

Example:
  /usr/bin/python3 benchmarks/vs_pytorch/compare_lstm.py \\
      --keras-bin build/benchmarks/keras_lstm_bench --threads 1,2 --accuracy-epochs 5
"""

import builtins
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import compare_mlp as base  # noqa: E402

base.TORCH_SCRIPT = HERE / "torch_lstm.py"
MLP_TITLE = "Fashion-MNIST MLP 784-512-512-10"
LSTM_TITLE = "Fashion-MNIST LSTM (28x28 -> LSTM 128 -> Dense 10)"


def _print(*parts, **kwargs):
    """compare_mlp's report, retitled for this model."""
    parts = [p.replace(MLP_TITLE, LSTM_TITLE) if isinstance(p, str) else p for p in parts]
    builtins.print(*parts, **kwargs)


base.print = _print

if __name__ == "__main__":
    sys.exit(base.main())
