#!/usr/bin/env bash
# Runs every libFuzzer harness of fuzz/ for SECONDS each (default 60), one after the other, with
# the settings CTest's fuzz tests use (their commands, read from CTest) but a time limit in
# place of a fixed number of inputs. What the fuzzers find that is new is kept in
# BUILD/fuzz/corpus/<fuzzer>/ for the next run; crashing inputs are written to
# BUILD/fuzz/crash-<fuzzer>-*. Needs a build configured with -DKERAS_FUZZ=ON (the ci preset).
# Usage: scripts/fuzz.sh [SECONDS] [FUZZER...]    (BUILD_DIR=build by default)
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-60}"
shift || true
build="${BUILD_DIR:-build}"

if ! grep -q '^KERAS_FUZZ:BOOL=ON' "$build/CMakeCache.txt" 2>/dev/null || [ ! -d "$build/fuzz" ]; then
  echo "scripts/fuzz.sh: $build has no fuzzers: configure with cmake --preset ci (clang and" \
       "libclang-rt-14-dev installed), or -DKERAS_FUZZ=ON" >&2
  exit 2
fi
all=(model_from_json model_from_yaml load_model_h5 load_model_keras load_weights)
fuzzers=("${@:-${all[@]}}")
cmake --build "$build" --target fuzz_make_seed_corpus "${fuzzers[@]/#/fuzz_}"
ctest --test-dir "$build" -R '^fuzz\.seed_corpus$' --output-on-failure >/dev/null

status=0
for name in "${fuzzers[@]}"; do
  # CTest's command and environment of fuzz.<name>, its fixed -runs=N replaced by the time limit
  # and a folder of its own in front of the seeds.
  mapfile -t run < <(ctest --test-dir "$build" --show-only=json-v1 | /usr/bin/python3 -c '
import json, sys
name, seconds, corpus = sys.argv[1:]
test = next(t for t in json.load(sys.stdin)["tests"] if t["name"] == "fuzz." + name)
env = next((p["value"] for p in test["properties"] if p["name"] == "ENVIRONMENT"), [])
command = [a for a in test["command"] if not a.startswith("-runs=")]
command[-1:-1] = ["-max_total_time=" + seconds, corpus]
print("\n".join(["env"] + env + command))' "$name" "$seconds" "$build/fuzz/corpus/$name")
  mkdir -p "$build/fuzz/corpus/$name"
  log="$build/fuzz/$name.log"
  echo "== fuzz_$name for ${seconds}s (log: $log)"
  if "${run[@]}" >"$log" 2>&1; then result="no crash"; else result="FAILED"; status=1; fi
  executions=$(grep -oE 'stat::number_of_executed_units: *[0-9]+' "$log" | grep -o '[0-9]*$' || echo "?")
  peak=$(grep -oE 'stat::peak_rss_mb: *[0-9]+' "$log" | grep -o '[0-9]*$' || echo "?")
  echo "   $result: $executions inputs, peak RSS ${peak} MB"
  [ "$result" = "FAILED" ] && grep -m1 -A3 -E '==ERROR|runtime error|deadly signal|out-of-memory|timeout' "$log" || true
done
exit $status
