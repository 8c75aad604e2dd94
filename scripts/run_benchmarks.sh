#!/usr/bin/env bash
# Sets everything up (the build, plus PyTorch and OpenBLAS for the side-by-side runs) and runs the
# keras.cpp vs PyTorch benchmarks of benchmarks/README.md. Extra arguments go to each comparison.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh release

packages=(python3-torch python3-numpy libopenblas0-pthread time)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  sudo_cmd=""
  [ "$(id -u)" -ne 0 ] && sudo_cmd="sudo"
  echo "Installing: ${missing[*]}"
  $sudo_cmd apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

/usr/bin/python3 benchmarks/vs_pytorch/compare_mlp.py --keras-bin build/benchmarks/keras_mlp_bench "$@"
/usr/bin/python3 benchmarks/vs_pytorch/compare_mlp.py --model cnn \
    --keras-bin build/benchmarks/keras_mlp_bench "$@"
/usr/bin/python3 benchmarks/vs_pytorch/compare_lstm.py --keras-bin build/benchmarks/keras_lstm_bench "$@"
