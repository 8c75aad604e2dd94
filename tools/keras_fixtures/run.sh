#!/bin/sh
# Regenerates the real-Keras fixtures and checks keras.cpp's files in real Keras. Run by hand
# (not by CI, which never needs TensorFlow): ./tools/keras_fixtures/run.sh [build folder]
#  1. a virtualenv ($KERAS_FIXTURES_VENV, default /work/venv-keras or build/venv-keras) with the
#     pinned TensorFlow, tf_keras and Keras 3 of requirements.txt;
#  2. make_fixtures.py writes tests/fixtures/real_keras (commit it);
#  3. the C++ test writes our files of the same models, check_ours.py loads them in real Keras
#     and writes the outcome table into README.md.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
build=${1:-$root/build}
venv=${KERAS_FIXTURES_VENV:-$build/venv-keras}
if [ ! -x "$venv/bin/python" ]; then
  /usr/bin/python3 -m venv "$venv"
  "$venv/bin/pip" install --no-cache-dir -r "$here/requirements.txt"
fi
"$venv/bin/python" "$here/make_fixtures.py" "$root/tests/fixtures/real_keras"
"$venv/bin/python" "$here/make_layer_parity.py" "$root/tests/fixtures/real_keras/layers_float64.h5"
cmake --build "$build" --target saving_real_keras_fixtures_test
ours=$(mktemp -d)
KERAS_REAL_KERAS_OUT=$ours "$build/tests/saving_real_keras_fixtures_test" \
  --gtest_filter='RealKerasFixtures.WritesOurFilesOfTheSameModels'
"$venv/bin/python" "$here/check_ours.py" "$ours"
rm -rf "$ours"
