#!/usr/bin/python3
"""Compare keras.cpp against PyTorch on models that are not in benchmarks/, in one run.

The variants (variants.py) are other layer widths and depths, batch sizes, optimizers and layer
types than the three benchmark models: a speed-up tuned to those shows up here as one that does
not carry over. For each variant and thread count: training samples/s over a fixed number of
batches after a warm-up, and inference samples/s at batch 1024.

keras.cpp runs keras_variants.py (keras_cpp's Python API, from --keras-python-path) once per
thread count, with OMP_NUM_THREADS=N. PyTorch runs torch_variants.py in fresh processes under
compare_mlp.py's configurations (OpenBLAS core type, OMP_WAIT_POLICY, torch's intra-op threads
N or 1 beside OpenBLAS's N, an OpenBLAS put under torch with LD_PRELOAD where torch's own BLAS
is not one), all variants in each process, and the best result of each metric of each variant is
kept. --python may be repeated, as for compare_mlp.py. torch.compile is tried only with
--compile (a PyTorch 2.x): compiling nine models per configuration would take the run far past
its ~10 minutes, and it won no training cell in compare_mlp.py's runs.

Example:
  /usr/bin/python3 benchmarks/vs_pytorch/compare_variants.py --threads 1,2 \\
      --keras-python-path build/python --json-out /tmp/variants.json
"""

import argparse
import os
import re
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import compare_mlp as base  # noqa: E402
import variants as spec  # noqa: E402

KERAS_SCRIPT = HERE / "keras_variants.py"
METRICS = (
    # key, label, higher_is_better
    ("train_samples_per_s", "train samples/s", True),
    ("infer_samples_per_s", "infer samples/s (batch 1024)", True),
)
# A variant's training takes 1-2 s in a good configuration; one with torch's OpenMP workers
# spinning against OpenBLAS's threads can take 50x that, and is cut short after this long.
MAX_TRAIN_SECONDS = 5
# keras_cpp's build folder may be in the middle of a rebuild (a module that does not import, or
# one whose library was replaced under it and crashes): such a run is retried.
REBUILD_RETRIES = 5
REBUILD_RETRY_SECONDS = 30


def maybe_rebuilding(error):
    status = re.search(r"exit status (-?\d+)", str(error))
    crashed = status is not None and not 0 <= int(status.group(1)) <= 128  # a signal
    return crashed or "ImportError" in str(error) or "ModuleNotFoundError" in str(error)


def run_keras(args, threads, names):
    cmd = [sys.executable, str(KERAS_SCRIPT), "--threads", str(threads), "--variants", ",".join(names)]
    env = dict(os.environ, OMP_NUM_THREADS=str(threads), PYTHONPATH=os.pathsep.join(
        filter(None, [args.keras_python_path, os.environ.get("PYTHONPATH")])))
    for attempt in range(REBUILD_RETRIES + 1):
        try:
            return base.run_json(cmd, env, f"keras.cpp threads={threads}",
                                 required=("framework", "variants"))
        except base.RunFailed as e:
            if not maybe_rebuilding(e) or attempt == REBUILD_RETRIES:
                raise
            base.log(f"    keras_cpp failed to import or crashed (its build being rebuilt?): "
                     f"{str(e).strip().splitlines()[-1]}; retrying in {REBUILD_RETRY_SECONDS} s")
            time.sleep(REBUILD_RETRY_SECONDS)


def run_torch_config(cfg, names):
    """One fresh torch_variants.py process: {variant: result} of this configuration."""
    extra = ["--variants", ",".join(names), "--max-train-seconds", str(MAX_TRAIN_SECONDS)]
    env = base.torch_env(cfg["threads"], cfg["torch_threads"], cfg["coretype"],
                         cfg["wait_policy"], cfg["blas"])
    what = f"PyTorch threads={cfg['threads']}: {base.describe(cfg)}"
    result = base.run_json(base.torch_cmd(cfg, extra), env, what, required=("framework", "variants"))
    return {name: dict(r, setting=base.describe(cfg), config=result["config"])
            for name, r in result["variants"].items()}


def keras_best(runs):
    """{variant: best of each metric over keras_variants.py's runs}; an error if none measured it."""
    best = {}
    for name in runs[0]:
        measured = [run[name] for run in runs if "error" not in run[name]]
        best[name] = ({key: max(r[key] for r in measured) for key, _, _ in METRICS} if measured
                      else runs[0][name])
        best[name]["runs"] = len(measured)
    return best


def run_peer(args, thread_counts, names, report):
    """PyTorch's side for base.PYTHON's PyTorch, best per variant and metric, into report."""
    blas_candidates, coretypes = base.torch_search_space(args, report)
    base.COMPILE_VARIANTS = (False, True) if args.compile else (False,)
    for n in thread_counts:
        runs = {name: [] for name in names}
        for cfg in base.torch_configs(n, blas_candidates, coretypes):
            try:
                for name, result in run_torch_config(cfg, names).items():
                    runs[name].append(result)
            except base.RunFailed as e:
                first_line = str(e).splitlines()[0]
                base.log(f"    skipped: {first_line}")
                report["notes"].append(f"threads={n}: a PyTorch configuration failed: {first_line}")
        for name in names:
            failed = [r for r in runs[name] if "error" in r]
            for r in failed[:1]:
                report["notes"].append(f"threads={n} {name}: PyTorch failed in {len(failed)} "
                                       f"configuration(s), e.g. {r['setting']}: {r['error']}")
            measured = [r for r in runs[name] if "error" not in r]
            report["rows"].append({"variant": name, "threads": n, "pytorch_runs": runs[name],
                                   "pytorch_best": base.best_of(measured, METRICS)})


def add_keras(report, keras):
    """keras.cpp's results ({threads: {variant: metrics}}) and the ratios into report's rows."""
    for row in report["rows"]:
        k, best = keras.get(row["threads"], {}).get(row["variant"], {}), row["pytorch_best"]
        row["keras"] = k
        row["ratios"] = {key: k[key] / best[key] for key, _, _ in METRICS if k.get(key) and best.get(key)}


def print_report(report):
    print()
    print(f"keras.cpp vs PyTorch {report.get('torch_version', '')} on models not in benchmarks/ -- "
          f"{report['machine']['cpu']}, {report['machine']['cpus']} CPUs")
    for note in report["notes"]:
        print(f"note: {note}")
    print("(ratio keras.cpp / PyTorch's best: above 1 is keras.cpp faster; '<' marks a variant "
          "where keras.cpp is slower)")
    print()
    header = (f"{'variant':<17} {'thr':>3} {'metric':<29} {'keras.cpp':>10} {'PyTorch':>10} "
              f"{'ratio':>7}  PyTorch's winning configuration")
    print(header)
    print("-" * len(header))
    order = list(report["variants"])
    for row in sorted(report["rows"], key=lambda r: (order.index(r["variant"]), r["threads"])):
        for key, label, _ in METRICS:
            k, t = row["keras"].get(key), row["pytorch_best"].get(key)
            ratio = row["ratios"].get(key)
            ratio_text = f"{ratio:.2f}x" if ratio is not None else "-"
            flag = " <" if ratio is not None and ratio < 1 else "  "
            setting = row["pytorch_best"].get(key + "_setting") or ""
            print(f"{row['variant']:<17} {row['threads']:>3} {label:<29} {base.fmt(k, key):>10} "
                  f"{base.fmt(t, key):>10} {ratio_text:>7}{flag} {setting}")
        if "error" in row["keras"]:
            print(f"{'':<17} {'':>3} keras.cpp failed: {row['keras']['error']}")
    print()
    print("variants:")
    for name in order:
        print(f"  {name:<17} {spec.VARIANTS[name]['title']}")
    print()
    print(f"total run time: {report['elapsed_s']:.0f} s")


def main():
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0],
        epilog=__doc__.split("\n\n", 1)[1], formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--keras-python-path", default="build/python",
                        help="the build's python folder that holds keras_cpp (default build/python)")
    parser.add_argument("--variants", default="all",
                        help=f"comma-separated variants, or all (default): {', '.join(spec.VARIANTS)}")
    parser.add_argument("--skip-keras", action="store_true", help="only run PyTorch")
    parser.add_argument("--keras-repeats", type=int, default=2,
                        help="keras.cpp runs per thread count, best kept: one before PyTorch's, "
                             "the others after (default 2; PyTorch gets one per configuration)")
    parser.add_argument("--compile", action="store_true",
                        help="also try torch.compile (PyTorch 2.x only; slow: compiles every model)")
    base.add_pytorch_arguments(parser)
    args = parser.parse_args()
    thread_counts = base.parse_thread_counts(parser, args.threads)
    if args.keras_repeats < 1:
        parser.error("--keras-repeats needs a positive integer")
    try:
        names = spec.parse_names(args.variants)
    except ValueError as e:
        parser.error(str(e))
    args.keras_python_path = str(Path(args.keras_python_path).resolve())
    if not args.skip_keras and not (Path(args.keras_python_path) / "keras_cpp").is_dir():
        parser.error(f"--keras-python-path {args.keras_python_path}: no keras_cpp there "
                     "(build it: cmake --build build --target _keras_cpp)")

    start = time.perf_counter()
    reports = []
    try:
        load = os.getloadavg()[0]
        load_note = (f"load average {load:.2f} at start: other processes are using the CPUs, "
                     "timings will be low and noisy") if load > 0.5 else None
        # keras.cpp first, so that a broken build fails the run early; its further runs come
        # after PyTorch's, so that a machine whose speed drifts during the run favours neither.
        keras_runs = {n: [] for n in thread_counts}
        if not args.skip_keras:
            for n in thread_counts:
                keras_runs[n].append(run_keras(args, n, names)["variants"])
        for python in args.python or [sys.executable]:
            base.PYTHON = python
            base.TORCH_SCRIPT = HERE / "torch_variants.py"
            base.MODEL_ARGS = []
            report = {"machine": base.machine_info(), "thread_counts": thread_counts,
                      "variants": {name: spec.VARIANTS[name] for name in names},
                      "optimizers": spec.OPTIMIZERS, "keras_python_path": args.keras_python_path,
                      "rows": [], "notes": [load_note] if load_note else []}
            run_peer(args, thread_counts, names, report)
            reports.append(report)
        if not args.skip_keras:
            for _ in range(args.keras_repeats - 1):
                for n in thread_counts:
                    try:
                        keras_runs[n].append(run_keras(args, n, names)["variants"])
                    except base.RunFailed as e:  # the first run's results still stand
                        base.log(f"error: {e}")
                        for report in reports:
                            report["notes"].append(f"a repeated keras.cpp run (threads={n}) failed, "
                                                   f"its first run kept: {str(e).splitlines()[0]}")
        keras = {n: keras_best(runs) for n, runs in keras_runs.items() if runs}
        for report in reports:
            add_keras(report, keras)
            report["keras_runs"] = keras_runs
    except base.RunFailed as e:
        print(f"error: {e}", file=sys.stderr)
        return 1

    elapsed = time.perf_counter() - start
    for report in reports:
        report["elapsed_s"] = elapsed
        print_report(report)
    if args.json_out:
        base.write_json(args.json_out, reports)
    return 0


if __name__ == "__main__":
    sys.exit(main())
