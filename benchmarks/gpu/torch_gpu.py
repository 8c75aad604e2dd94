#!/usr/bin/python3
"""PyTorch's side of the GPU benchmark (benchmarks/gpu/run.sh).

The MLP, CNN and LSTM of benchmarks/models/ at batch 128, Adam(lr=1e-3, eps=1e-7), categorical
cross-entropy on the logits (the softmax folded in, PyTorch's fastest form), synthetic
Fashion-MNIST-shaped data already on the GPU. Two ways of running the training step:
  eager  -- the usual loop: forward, backward, optimizer.step();
  graph  -- the whole step (forward, backward, Adam with capturable=True) captured once as one
            CUDA graph (torch.cuda.graphs) and replayed per batch, inputs copied into static
            buffers outside it.
Prints one JSON line per (model, mode): training samples/s, and the median batch-1 inference
latency (eager, no_grad).
Usage: torch_gpu.py [--models mlp,cnn,lstm] [--steps N]
"""

import argparse
import json
import time

import torch
import torch.nn as nn
import torch.nn.functional as F


class LSTMClassifier(nn.Module):
    def __init__(self):
        super().__init__()
        self.lstm = nn.LSTM(28, 128, batch_first=True)
        self.fc = nn.Linear(128, 10)

    def forward(self, x):
        out, _ = self.lstm(x)
        return self.fc(out[:, -1])


def build(name):
    if name == "mlp":
        return nn.Sequential(nn.Flatten(), nn.Linear(784, 512), nn.ReLU(), nn.Dropout(0.2),
                             nn.Linear(512, 512), nn.ReLU(), nn.Dropout(0.2), nn.Linear(512, 10))
    if name == "cnn":
        return nn.Sequential(nn.Conv2d(1, 32, 3), nn.ReLU(), nn.Conv2d(32, 64, 3), nn.ReLU(),
                             nn.MaxPool2d(2), nn.Dropout(0.25), nn.Flatten(),
                             nn.Linear(64 * 12 * 12, 128), nn.ReLU(), nn.Dropout(0.5),
                             nn.Linear(128, 10))
    return LSTMClassifier()


def sample_shape(name):
    return {"mlp": (784,), "cnn": (1, 28, 28), "lstm": (28, 28)}[name]


def run(name, mode, steps, device):
    torch.manual_seed(1)
    model = build(name).to(device)
    capturable = mode == "graph"
    opt = torch.optim.Adam(model.parameters(), lr=1e-3, eps=1e-7, capturable=capturable)
    batch = 128
    xs = torch.rand((steps, batch) + sample_shape(name), device=device)
    ys = torch.randint(0, 10, (steps, batch), device=device)

    def step(x, y):
        opt.zero_grad(set_to_none=False)
        loss = F.cross_entropy(model(x), y)
        loss.backward()
        opt.step()
        return loss

    if mode == "eager":
        for i in range(10):
            step(xs[i], ys[i])
        torch.cuda.synchronize()
        start = time.perf_counter()
        for i in range(steps):
            step(xs[i], ys[i])
        torch.cuda.synchronize()
    else:
        static_x, static_y = xs[0].clone(), ys[0].clone()
        side = torch.cuda.Stream()
        side.wait_stream(torch.cuda.current_stream())
        with torch.cuda.stream(side):  # warm-up outside the capture, as torch.cuda.graphs asks
            for _ in range(3):
                step(static_x, static_y)
        torch.cuda.current_stream().wait_stream(side)
        graph = torch.cuda.CUDAGraph()
        with torch.cuda.graph(graph):
            step(static_x, static_y)
        torch.cuda.synchronize()
        start = time.perf_counter()
        for i in range(steps):
            static_x.copy_(xs[i], non_blocking=True)
            static_y.copy_(ys[i], non_blocking=True)
            graph.replay()
        torch.cuda.synchronize()
    rate = steps * batch / (time.perf_counter() - start)

    model.eval()
    one = xs[0][:1].clone()
    times = []
    with torch.no_grad():
        for i in range(550):
            t0 = time.perf_counter()
            model(one)
            torch.cuda.synchronize()
            if i >= 50:
                times.append((time.perf_counter() - t0) * 1e6)
    times.sort()
    return {"framework": "pytorch", "mode": mode, "model": name, "batch": batch,
            "device": torch.cuda.get_device_name(0), "train_samples_per_s": round(rate, 1),
            "latency_us": round(times[len(times) // 2], 2)}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--models", default="mlp,cnn,lstm")
    parser.add_argument("--steps", type=int, default=200)
    args = parser.parse_args()
    if not torch.cuda.is_available():
        raise SystemExit("torch_gpu.py: PyTorch sees no CUDA device")
    torch.backends.cudnn.benchmark = True
    for name in args.models.split(","):
        for mode in ("eager", "graph"):
            print(json.dumps(run(name, mode, args.steps, torch.device("cuda"))), flush=True)


if __name__ == "__main__":
    main()
