#!/usr/bin/env bash
# The GPU benchmark: keras.cpp's cuda backend, its plans replayed as CUDA graphs (with and without
# the next batch copied during each step: KERAS_CUDA_OVERLAP=0) and step by step
# (KERAS_CUDA_GRAPHS=0), against PyTorch eager and PyTorch's whole-step CUDA graph, MLP / CNN /
# LSTM at batch 128, training samples/s and batch-1 latency, one JSON line each. Under 5 minutes
# on an H100 or H200. PyTorch's side is skipped, with a message, where `import torch` fails or
# sees no GPU.
# Usage: benchmarks/gpu/run.sh [build dir (default build)] [steps per model (default 200)]
set -uo pipefail
cd "$(dirname "$0")/../.."
build="${1:-build}"
steps="${2:-200}"
nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader || true
echo "== keras.cpp (cuda backend, CUDA graphs)"
KERAS_BACKEND=cuda timeout 120 "$build/benchmarks/keras_gpu_bench" --steps "$steps"
keras_status=$?
echo "== keras.cpp (cuda backend, CUDA graphs, no copy ahead: KERAS_CUDA_OVERLAP=0)"
KERAS_BACKEND=cuda KERAS_CUDA_OVERLAP=0 timeout 120 "$build/benchmarks/keras_gpu_bench" --steps "$steps"
[ $? -eq 0 ] || keras_status=1
echo "== keras.cpp (cuda backend, step by step: KERAS_CUDA_GRAPHS=0)"
KERAS_BACKEND=cuda KERAS_CUDA_GRAPHS=0 timeout 120 "$build/benchmarks/keras_gpu_bench" --steps "$steps"
[ $? -eq 0 ] || keras_status=1
echo "== PyTorch (eager and whole-step CUDA graph)"
if /usr/bin/python3 -c "import torch, sys; sys.exit(0 if torch.cuda.is_available() else 1)" 2>/dev/null; then
  timeout 120 /usr/bin/python3 benchmarks/gpu/torch_gpu.py --steps "$steps"
else
  echo "skipped: PyTorch with CUDA is not installed here (pip install torch in a virtualenv)"
fi
exit $keras_status
