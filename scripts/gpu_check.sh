#!/usr/bin/env bash
# The cuda backend's checks, in one go, for a machine with an NVIDIA GPU (run it as soon as one is
# available; CI and the build machines have none): configures a build with -DKERAS_WITH_CUDA=ON for
# the present GPU's architecture only, builds the library, the GPU tests and the GPU benchmark,
# runs the GPU tests (every op case against the reference kernels, forward and gradients, and the
# float64 gradchecks on the GPU: tests/kernels/cuda_vs_reference_test.cpp; the plans replayed as
# CUDA graphs: tests/kernels/cuda_graph_test.cpp; the variables' device copies:
# tests/kernels/cuda_device_values_test.cpp; fit with the next batch copied ahead:
# tests/kernels/cuda_copy_ahead_test.cpp), then the benchmark (benchmarks/gpu/run.sh:
# keras.cpp with and without CUDA graphs vs PyTorch eager and CUDA-graph step). Logs go to
# $OUT (or gpu_check/) as well as the terminal.
# Usage: scripts/gpu_check.sh [build dir (default build-gpu)]
set -uo pipefail
cd "$(dirname "$0")/.."
build="${1:-build-gpu}"
logs="${OUT:-gpu_check}"
mkdir -p "$logs"
export PATH="/usr/local/cuda/bin:$PATH"
command -v nvidia-smi >/dev/null && nvidia-smi | tee "$logs/nvidia-smi.txt" || {
  echo "gpu_check: no nvidia-smi: this machine has no NVIDIA driver"; exit 1; }
launcher=()
command -v ccache >/dev/null && launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache -DCMAKE_CUDA_COMPILER_LAUNCHER=ccache)
start=$(date +%s)
cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DKERAS_WITH_CUDA=ON \
  -DCMAKE_CUDA_ARCHITECTURES=native -DKERAS_BUILD_PYTHON=OFF -DKERAS_BUILD_EXAMPLES=OFF \
  -DKERAS_SANITIZER_TESTS=OFF -DKERAS_FUZZ=OFF -DKERAS_WITH_MPI=OFF "${launcher[@]}" \
  > "$logs/configure.txt" 2>&1 || { tail -30 "$logs/configure.txt"; exit 1; }
cmake --build "$build" -j "$(nproc)" --target kernels_cuda_vs_reference_test \
  kernels_cuda_graph_test kernels_cuda_device_values_test kernels_cuda_copy_ahead_test \
  keras_gpu_bench \
  > "$logs/build.txt" 2>&1 || { grep -m 20 -B 2 -A 8 "error" "$logs/build.txt"; exit 1; }
echo "gpu_check: configured and built in $(( $(date +%s) - start )) s"

status=0
# One GPU test binary: its title, its name under tests/, its time limit in seconds, its log.
run_gpu_tests() {
  echo "== $1"
  KERAS_HOME="$PWD/$build/keras_home" timeout "$3" "$build/tests/$2" --gtest_brief=1 2>&1 |
    tee "$logs/$4" | tail -40
  [ "${PIPESTATUS[0]}" -eq 0 ] || status=1
}
run_gpu_tests "GPU tests" kernels_cuda_vs_reference_test 300 gpu_tests.txt
run_gpu_tests "CUDA graph tests" kernels_cuda_graph_test 240 gpu_graph_tests.txt
run_gpu_tests "Variables on the device" kernels_cuda_device_values_test 120 \
  gpu_device_values_tests.txt
run_gpu_tests "The next batch copied ahead" kernels_cuda_copy_ahead_test 120 \
  gpu_copy_ahead_tests.txt
echo "== GPU benchmark"
KERAS_HOME="$PWD/$build/keras_home" benchmarks/gpu/run.sh "$build" 200 2>&1 | tee "$logs/gpu_bench.txt"
[ "${PIPESTATUS[0]}" -eq 0 ] || status=1
echo "gpu_check: done in $(( $(date +%s) - start )) s, status $status"
exit $status
