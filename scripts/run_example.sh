#!/usr/bin/env bash
# Sets everything up and runs the main job: the Fashion-MNIST MLP (Keras's mnist_mlp), 5 epochs.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh release
./build/examples/fashion_mnist_mlp "${@:-5}"
