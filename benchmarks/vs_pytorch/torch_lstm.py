#!/usr/bin/python3
"""PyTorch side of the keras.cpp vs PyTorch LSTM benchmark.

Model and recipe (examples/fashion_mnist_lstm.cpp): each Fashion-MNIST image
is 28 timesteps of 28 features (x/255);
    LSTM 128 (last output) -> Dense 10 softmax
    categorical cross-entropy, Adam(lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-7),
    batch 128, shuffled every epoch.

PyTorch is written the way it is fastest: nn.LSTM(batch_first=True) (its fused
CPU kernel), nn.Linear, the softmax folded into F.cross_entropy on the logits.
nn.LSTM's gates are sigmoids; Keras's default recurrent activation is
hard_sigmoid (same cost class, slightly different model).

Everything else (data loading, thread and BLAS setup, timing, JSON output) is
torch_mlp.py's; this script only swaps the model. Usage as torch_mlp.py:
    torch_lstm.py --threads N [--accuracy-epochs E] [--train-epochs T]
"""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import torch_mlp as base  # noqa: E402


def build_model(torch):
    nn = torch.nn

    class LSTMClassifier(nn.Module):
        def __init__(self):
            super().__init__()
            self.lstm = nn.LSTM(28, 128, batch_first=True)
            self.fc = nn.Linear(128, 10)
            # Keras's initialisers: glorot_uniform kernels, orthogonal recurrent kernels, zero
            # biases with the forget gate's at one (PyTorch keeps two biases: one of them).
            for name, p in self.lstm.named_parameters():
                if name.startswith("weight_ih"):
                    for gate in p.data.chunk(4, 0):
                        nn.init.xavier_uniform_(gate)
                elif name.startswith("weight_hh"):
                    for gate in p.data.chunk(4, 0):
                        nn.init.orthogonal_(gate)
                else:
                    nn.init.zeros_(p)
            self.lstm.bias_ih_l0.data[128:256] = 1.0
            nn.init.xavier_uniform_(self.fc.weight)
            nn.init.zeros_(self.fc.bias)

        def forward(self, x):
            out, _ = self.lstm(x.view(-1, 28, 28))
            return self.fc(out[:, -1])

    return LSTMClassifier()


base.build_eager_model = build_model  # torch_mlp.build_model adds --compile

if __name__ == "__main__":
    base.main()
