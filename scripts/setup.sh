#!/usr/bin/env bash
# Installs keras.cpp's build dependencies (Debian 12 packages), configures and builds.
# Usage: scripts/setup.sh [preset]   (preset: release (default) or ci)
set -euo pipefail
cd "$(dirname "$0")/.."
preset="${1:-release}"

packages=(cmake ninja-build g++ pkg-config libdnnl-dev ocl-icd-opencl-dev nlohmann-json3-dev zlib1g-dev
          libhdf5-dev libzip-dev libyaml-cpp-dev libicu-dev libssl-dev graphviz python3-h5py
          libprotobuf-dev protobuf-compiler python3-protobuf
          libgtest-dev libgmock-dev libbenchmark-dev dataset-fashion-mnist
          pybind11-dev python3-dev python3-numpy python3-sklearn python3-scipy python3-pytest
          python3-requests
          locales
          libpng-dev libjpeg62-turbo-dev liblapack-dev  # keras.preprocessing.image
          clang libclang-rt-14-dev libomp-dev  # the fuzzers (fuzz/) and the sanitizer tests
          libopenmpi-dev openmpi-bin python3-mpi4py)  # keras::distributed and its tests
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

cmake --preset "$preset" >/dev/null
cmake --build --preset "$preset" -j "$(nproc)"
