#!/bin/sh
# Makes build-py/keras_cpp: this worktree's python/keras_cpp (symlinked, so edits show at once)
# over the compiled _keras_cpp module of another build (default /work/wt/integ/build/python), for
# running python tests without a C++ build: PYTHONPATH=build-py /usr/bin/python3 -m pytest ...
set -e
root=$(cd "$(dirname "$0")/../.." && pwd)
compiled=${1:-/work/wt/integ/build/python}/keras_cpp
rm -rf "$root/build-py"
mkdir -p "$root/build-py"
cp -rs "$root/python/keras_cpp" "$root/build-py/keras_cpp"
ln -s "$compiled"/_keras_cpp.*.so "$root/build-py/keras_cpp/"
