#!/usr/bin/env bash
# A CMake <LANG>_COMPILER_LAUNCHER / <LANG>_LINKER_LAUNCHER that builds a target with another
# compiler than the project's (CMake has one C++ compiler per build; the sanitized copy of the
# library and the fuzzers are built with clang while the rest is built with the project's):
#   compile_with.sh [ccache] clang++ -- <the project's compiler> <arguments>
# runs `[ccache] clang++ <arguments>`.
set -euo pipefail
command=()
while [ "$#" -gt 0 ] && [ "$1" != "--" ]; do
  command+=("$1")
  shift
done
shift 2  # "--" and the project's compiler
exec "${command[@]}" "$@"
