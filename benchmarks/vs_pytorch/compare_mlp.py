#!/usr/bin/python3
"""Compare keras.cpp against PyTorch on the same MLP (or, with --model cnn, the
same CNN: Keras's mnist_cnn), in one run.

For every thread count, PyTorch (torch_mlp.py) runs in fresh subprocesses
under several environment configurations, and the best result of each
metric is kept: Debian's torch computes with the system BLAS, and OpenBLAS's
speed depends on settings read when torch loads it:

  OPENBLAS_CORETYPE  unset, or SkylakeX (OpenBLAS can misdetect AVX-512 Xeons)
  OMP_WAIT_POLICY    unset, or passive (torch's OpenMP workers otherwise spin
                     against OpenBLAS's pthreads on the same cores)
  thread split       (N > 1 only) torch's OpenMP pool N or 1; OpenBLAS gets N

The keras.cpp benchmark binary runs once per thread count (before PyTorch,
so that a broken binary fails the run early):

  KERAS_BIN --threads N [--accuracy-epochs E]     (env OMP_NUM_THREADS=N)

With --model cnn, both sides get --model cnn (and --train-samples N when
given), and PyTorch is also tried in its channels_last memory format.

--python may be given several times: each PyTorch (Debian's 1.13 under
/usr/bin/python3, PyPI's 2.x in a virtualenv) is measured at its best and the
report gives keras.cpp's ratio to each. A PyTorch 2.x is also tried through
torch.compile (--no-compile skips that); one that links its own MKL (PyPI's
wheels) gets no OpenBLAS variants.

Both sides print one JSON object on the last line of stdout. Test accuracy
is measured once per framework, at the largest thread count (for PyTorch,
in its fastest training configuration).

Example:
  /usr/bin/python3 benchmarks/vs_pytorch/compare_mlp.py \\
      --keras-bin build/benchmarks/keras_mlp_bench --threads 1,2 --accuracy-epochs 5 \\
      --python /usr/bin/python3 --python /work/venv-torch/bin/python
"""

import argparse
import glob
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
TORCH_SCRIPT = HERE / "torch_mlp.py"
REQUIRED_KEYS = ("framework", "threads", "train_samples_per_s",
                 "infer_samples_per_s", "latency_us")
# A configuration still in its timed training epoch after this long is cut
# short (a good one needs a few seconds; a pathological one minutes).
MAX_TRAIN_SECONDS = 15
SUBPROCESS_TIMEOUT = 900
METRICS = (
    # key, label, higher_is_better
    ("train_samples_per_s", "train samples/s (batch 128)", True),
    ("infer_samples_per_s", "infer samples/s (batch 1024)", True),
    ("latency_us", "latency us (batch 1)", False),
    ("peak_rss_mb", "peak memory MB (process)", False),
)
# GNU time reports each benchmark process's peak resident memory (its training run's peak: the
# process also loads the data set, and PyTorch's includes the torch module itself).
GNU_TIME = "/usr/bin/time"


class RunFailed(Exception):
    pass


def log(*parts):
    print(*parts, file=sys.stderr, flush=True)


def run_json(cmd, env, what, required=REQUIRED_KEYS):
    """Run cmd, return the JSON object on its last stdout line."""
    load = os.getloadavg()[0]
    log(f"[{time.strftime('%H:%M:%S')}] {what}   (load {load:.2f})")
    rss_file = tempfile.NamedTemporaryFile(prefix="peak_rss_", delete=False)
    rss_file.close()
    timed = [GNU_TIME, "-f", "%M", "-o", rss_file.name, *map(str, cmd)]
    try:
        proc = subprocess.run(timed if os.access(GNU_TIME, os.X_OK) else cmd, env=env,
                              capture_output=True, text=True, timeout=SUBPROCESS_TIMEOUT)
    except subprocess.TimeoutExpired as e:
        stderr = e.stderr.decode(errors="replace") if isinstance(e.stderr, bytes) else e.stderr or ""
        raise RunFailed(f"{what}: timed out after {SUBPROCESS_TIMEOUT} s\n"
                        f"command: {' '.join(map(str, cmd))}\nstderr:\n{stderr[-4000:]}")
    except OSError as e:
        raise RunFailed(f"{what}: could not start {cmd[0]}: {e}")
    lines = [line for line in proc.stdout.splitlines() if line.strip()]
    if proc.returncode != 0 or not lines:
        raise RunFailed(f"{what}: exit status {proc.returncode}\n"
                        f"command: {' '.join(map(str, cmd))}\n"
                        f"stdout (tail):\n{proc.stdout[-2000:]}\nstderr:\n{proc.stderr[-4000:]}")
    try:
        result = json.loads(lines[-1])
    except json.JSONDecodeError as e:
        raise RunFailed(f"{what}: last stdout line is not JSON ({e}): {lines[-1][:500]}\n"
                        f"stderr:\n{proc.stderr[-4000:]}")
    try:
        with open(rss_file.name) as f:
            result["peak_rss_mb"] = int(f.read().split()[-1]) / 1024
    except (OSError, ValueError, IndexError):
        result["peak_rss_mb"] = None
    finally:
        os.unlink(rss_file.name)
    missing = [k for k in required if k not in result]
    if missing:
        raise RunFailed(f"{what}: JSON lacks {missing}: {lines[-1][:500]}")
    result["loadavg_before"] = load
    return result


# ---------------------------------------------------------------- PyTorch configurations


def torch_env(threads, torch_threads, coretype, wait_policy, blas):
    """Environment for one torch_mlp.py run.

    coretype None means: OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE both unset
    (whatever the calling environment had), so OpenBLAS detects the CPU itself.
    blas is {} for the system's BLAS, or LD_PRELOAD/LD_LIBRARY_PATH settings
    that put a given OpenBLAS under torch.
    """
    env = dict(os.environ)
    for key in ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE", "OMP_WAIT_POLICY",
                "LD_PRELOAD", "LD_LIBRARY_PATH"):
        if coretype is not None and key == "OPENBLAS_L2_SIZE":
            continue  # keep the machine's L2 setting, if any, with a forced core
        env.pop(key, None)
    if coretype is not None:
        env["OPENBLAS_CORETYPE"] = coretype
    if wait_policy is not None:
        env["OMP_WAIT_POLICY"] = wait_policy
    env["OMP_NUM_THREADS"] = str(torch_threads)
    env["OPENBLAS_NUM_THREADS"] = str(threads)
    env.update(blas)
    return env


def describe(cfg):
    parts = [f"OPENBLAS_CORETYPE={cfg['coretype'] or 'unset'}",
             f"OMP_WAIT_POLICY={cfg['wait_policy'] or 'unset'}",
             f"threads torch={cfg['torch_threads']} BLAS={cfg['threads']}"]
    if cfg["blas"]:
        parts.append(f"preload {Path(cfg['blas']['LD_LIBRARY_PATH']).name}")
    if cfg.get("memory_format"):
        parts.append(f"memory_format={cfg['memory_format']}")
    if cfg.get("compile"):
        parts.append("torch.compile")
    return " ".join(parts)


PYTHON = sys.executable  # set from --python in main()
MODEL_ARGS = []  # --model / --train-samples, for both sides; set in main()


def torch_cmd(cfg, extra=()):
    fmt = ["--memory-format", cfg["memory_format"]] if cfg.get("memory_format") else []
    compiled = ["--compile"] if cfg.get("compile") else []
    return [PYTHON, str(TORCH_SCRIPT), "--threads", str(cfg["threads"]),
            "--torch-threads", str(cfg["torch_threads"]), *MODEL_ARGS, *fmt, *compiled, *extra]


def probe(coretype, blas):
    cfg = dict(threads=1, torch_threads=1, coretype=coretype, wait_policy=None, blas=blas)
    env = torch_env(1, 1, coretype, None, blas)
    what = "probe PyTorch BLAS: " + describe(cfg)
    return run_json(torch_cmd(cfg, ["--probe"]), env, what, required=("config",))["config"]


def openblas_candidates(args):
    """BLAS setups to try under torch, and notes on how they were chosen.

    The system's BLAS if torch picks up OpenBLAS by itself; else an OpenBLAS
    found on disk (Debian's libopenblas0-* install one per directory) put in
    place with LD_PRELOAD; else, only with --allow-slow-blas, whatever torch has.
    """
    notes = []
    system = probe(None, {})
    candidates = []
    if system["torch_blas_info"] == "mkl":
        # PyPI's torch 2.x links its own MKL (and oneDNN): OpenBLAS settings do not apply.
        notes.append(f"torch {system['torch_version']} computes with its own MKL")
        return [{}], notes, system
    if system["openblas_library"]:
        candidates.append({})
    else:
        notes.append(f"torch's default BLAS is not OpenBLAS: {system['blas_libraries']}")
    dirs = list(args.openblas_dir)
    if not candidates and not dirs:
        dirs = sorted(glob.glob("/usr/lib/*/openblas-*/libblas.so.3"))
        dirs = [str(Path(p).parent) for p in dirs]
    for d in dirs:
        lib = Path(d) / "libblas.so.3"
        if not lib.exists():
            raise RunFailed(f"--openblas-dir {d}: no libblas.so.3 there")
        candidates.append({"LD_PRELOAD": str(lib), "LD_LIBRARY_PATH": str(d)})
        notes.append(f"using OpenBLAS from {d} via LD_PRELOAD")
    if not candidates:
        if not args.allow_slow_blas:
            raise RunFailed(
                "torch does not use OpenBLAS here and none was found on disk, so PyTorch "
                "would run on the reference BLAS (~50x slower) and the comparison would "
                "not be against PyTorch at its best.\n"
                "Install it (apt-get install libopenblas0-pthread), or pass "
                "--openblas-dir DIR (a directory holding OpenBLAS's libblas.so.3), "
                "or --allow-slow-blas to measure anyway.")
        candidates.append({})
        notes.append("measuring on the slow system BLAS (--allow-slow-blas)")
    return candidates, notes, system


MEMORY_FORMATS = (None,)  # the CNN adds ("contiguous", "channels_last"); set in main()


COMPILE_VARIANTS = (False,)  # (False, True) for a PyTorch 2.x peer; set per peer in run_peer()


def torch_configs(threads, blas_candidates, coretypes):
    configs = []
    for blas in blas_candidates:
        for coretype in coretypes:
            for wait_policy in (None, "passive"):
                splits = (threads, 1) if threads > 1 else (threads,)
                for torch_threads in splits:
                    for memory_format in MEMORY_FORMATS:
                        for compile_model in COMPILE_VARIANTS:
                            configs.append(dict(threads=threads, torch_threads=torch_threads,
                                                coretype=coretype, wait_policy=wait_policy,
                                                blas=blas, memory_format=memory_format,
                                                compile=compile_model))
    return configs


def run_torch(cfg, accuracy_epochs=0):
    extra = ["--max-train-seconds", str(MAX_TRAIN_SECONDS)]
    if accuracy_epochs:
        extra += ["--accuracy-epochs", str(accuracy_epochs)]
    env = torch_env(cfg["threads"], cfg["torch_threads"], cfg["coretype"],
                    cfg["wait_policy"], cfg["blas"])
    what = f"PyTorch threads={cfg['threads']}: {describe(cfg)}"
    if accuracy_epochs:
        what += f" + accuracy ({accuracy_epochs} epochs)"
    result = run_json(torch_cmd(cfg, extra), env, what)
    result["setting"] = describe(cfg)
    log(f"    train {result['train_samples_per_s']:,.0f}/s  infer {result['infer_samples_per_s']:,.0f}/s"
        f"  latency {result['latency_us']:.1f} us  core {result['config']['openblas_corename']}")
    return result


def best_of(runs, metrics=METRICS):
    """Best value of each metric over runs, with the run it came from."""
    best = {}
    for key, _, higher in metrics:
        pick = max if higher else min
        measured = [r for r in runs if r.get(key) is not None]
        if not measured:
            best[key] = best[key + "_setting"] = best[key + "_core"] = None
            continue
        run = pick(measured, key=lambda r: r[key])
        best[key] = run[key]
        best[key + "_setting"] = run["setting"]
        best[key + "_core"] = run["config"]["openblas_corename"]
    return best


# ---------------------------------------------------------------- keras.cpp


def run_keras(keras_bin, threads, accuracy_epochs):
    cmd = [keras_bin, "--threads", str(threads), *MODEL_ARGS]
    if accuracy_epochs:
        cmd += ["--accuracy-epochs", str(accuracy_epochs)]
    env = dict(os.environ, OMP_NUM_THREADS=str(threads))
    what = f"keras.cpp threads={threads}" + (f" + accuracy ({accuracy_epochs} epochs)" if accuracy_epochs else "")
    result = run_json(cmd, env, what)
    log(f"    train {result['train_samples_per_s']:,.0f}/s  infer {result['infer_samples_per_s']:,.0f}/s"
        f"  latency {result['latency_us']:.1f} us")
    return result


# ---------------------------------------------------------------- report


def fmt(value, key):
    if value is None:
        return "-"
    return f"{value:,.1f}" if key == "latency_us" else f"{value:,.0f}"


def print_report(report, skip_keras):
    print()
    print(f"keras.cpp vs PyTorch {report.get('torch_version', '')}, Fashion-MNIST MLP 784-512-512-10 -- "
          f"{report['machine']['cpu']}, {report['machine']['cpus']} CPUs")
    for note in report["notes"]:
        print(f"note: {note}")
    for entry in report["per_threads"]:
        n = entry["threads"]
        best = entry["pytorch_best"]
        keras = entry.get("keras")
        print()
        print(f"threads = {n}   ({len(entry['pytorch_runs'])} PyTorch configurations tried, best kept)")
        print(f"  {'metric':<30} {'keras.cpp':>12} {'PyTorch':>12} {'keras/PyTorch':>14}")
        for key, label, higher in METRICS:
            k = keras[key] if keras else None
            ratio = entry["ratios"].get(key)
            ratio_text = f"{ratio:.2f}x" if ratio is not None else "-"
            note = "  (higher is better)" if higher else "  (lower is better)"
            print(f"  {label:<30} {fmt(k, key):>12} {fmt(best[key], key):>12} {ratio_text:>14}{note}")
        print("  PyTorch winning configuration:")
        for key, label, _ in METRICS:
            print(f"    {label:<28} {best[key + '_setting']}  [BLAS core {best[key + '_core']}]")
        print("  all PyTorch configurations:")
        for run in entry["pytorch_runs"]:
            cut = "" if run.get("train_complete", True) else " (epoch cut short)"
            if "test_accuracy" in run:
                cut += " (accuracy run)"
            print(f"    train {run['train_samples_per_s']:>9,.0f}/s{cut}  infer {run['infer_samples_per_s']:>9,.0f}/s"
                  f"  latency {run['latency_us']:>8.1f} us  <- {run['setting']}")
    acc = report.get("accuracy")
    if acc:
        print()
        print(f"test accuracy after {acc['epochs']} epochs (threads = {acc['threads']}, mean over fixed seeds):")
        k = acc.get("keras")
        t = acc["pytorch"]
        def seeds(values):
            return "   (seeds: " + ", ".join(f"{v:.4f}" for v in values) + ")" if values else ""
        print(f"  keras.cpp {k:.4f}{seeds(acc.get('keras_all'))}" if k is not None
              else "  keras.cpp -" + (" (skipped)" if skip_keras else ""))
        print(f"  PyTorch   {t:.4f}{seeds(acc.get('pytorch_all'))}   ({acc['pytorch_setting']})")
        if k is not None:
            print(f"  difference keras.cpp - PyTorch: {100 * (k - t):+.2f} points")
    print()
    print(f"total run time: {report['elapsed_s']:.0f} s")


# ---------------------------------------------------------------- main


def machine_info():
    cpu = platform.processor() or "unknown CPU"
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    return {"cpu": cpu, "cpus": os.cpu_count(), "loadavg_at_start": os.getloadavg(),
            "python": PYTHON}


def torch_search_space(args, report):
    """(BLAS setups, OPENBLAS_CORETYPE values) to try for PYTHON's PyTorch.

    Records the torch version, its BLAS and notes on the choices in report.
    """
    blas_candidates, notes, system_blas = openblas_candidates(args)
    report["notes"] += notes
    report["pytorch_system_blas"] = system_blas
    report["torch_version"] = system_blas.get("torch_version")

    # OPENBLAS_CORETYPE variants; if OpenBLAS already picks SkylakeX on its
    # own, forcing it changes nothing and the variant is not run twice.
    coretypes = [None, "SkylakeX"]
    first = system_blas if not blas_candidates[0] else probe(None, blas_candidates[0])
    detected = first["openblas_corename"]
    if detected == "SkylakeX" or system_blas["torch_blas_info"] == "mkl":
        coretypes = [None]
        if detected == "SkylakeX":
            report["notes"].append("OpenBLAS detects SkylakeX by itself: the "
                                   "OPENBLAS_CORETYPE=SkylakeX variant would be the same run, skipped")
    elif detected is not None:
        report["notes"].append(f"OpenBLAS detects core {detected} by itself")
    return blas_candidates, coretypes


def run_peer(args, thread_counts, keras_results, report):
    """The PyTorch side of the comparison for one Python (one PyTorch), into report."""
    global COMPILE_VARIANTS
    blas_candidates, coretypes = torch_search_space(args, report)
    major = int(str(report["torch_version"]).split(".")[0]) if report["torch_version"] else 1
    # torch.compile (PyTorch 2.x) is one more configuration to try, kept where it is faster.
    COMPILE_VARIANTS = (False, True) if major >= 2 and not args.no_compile else (False,)

    for n in thread_counts:
        runs = []
        for index, cfg in enumerate(torch_configs(n, blas_candidates, coretypes)):
            # One configuration PyTorch cannot run (torch 1.13's channels_last CNN fails in
            # its first convolution here) is reported and skipped; the others still compete.
            try:
                runs.append(dict(run_torch(cfg), config_index=index))
            except RunFailed as e:
                first_line = str(e).splitlines()[0]
                log(f"    skipped: {first_line}")
                report["notes"].append(f"threads={n}: a PyTorch configuration failed and was "
                                       f"skipped: {first_line}")
        if not runs:
            raise RunFailed(f"PyTorch threads={n}: every configuration failed")
        entry = {"threads": n, "pytorch_runs": runs}
        if n in keras_results:
            entry["keras"] = keras_results[n]
        report["per_threads"].append(entry)

    # PyTorch accuracy: once, at the largest thread count, in the
    # configuration that trained fastest; its timings count as one more sample.
    largest = report["per_threads"][-1]
    if args.accuracy_epochs > 0:
        fastest = max(range(len(largest["pytorch_runs"])),
                      key=lambda i: largest["pytorch_runs"][i]["train_samples_per_s"])
        cfg = torch_configs(largest["threads"], blas_candidates,
                            coretypes)[largest["pytorch_runs"][fastest]["config_index"]]
        run = run_torch(cfg, args.accuracy_epochs)
        largest["pytorch_runs"].append(run)
        keras = largest.get("keras")
        report["accuracy"] = {"epochs": args.accuracy_epochs, "threads": largest["threads"],
                              "pytorch": run["test_accuracy"], "pytorch_setting": run["setting"],
                              "keras": keras["test_accuracy"] if keras else None,
                              "pytorch_all": run.get("test_accuracies"),
                              "keras_all": keras.get("test_accuracies") if keras else None}

    for entry in report["per_threads"]:
        entry["pytorch_best"] = best_of(entry["pytorch_runs"])
        keras = entry.get("keras")
        entry["ratios"] = {key: keras[key] / entry["pytorch_best"][key]
                           for key, _, _ in METRICS
                           if keras and keras.get(key) and entry["pytorch_best"][key]}


def print_summary(reports):
    """keras.cpp / PyTorch for every PyTorch compared, side by side."""
    print()
    print("keras.cpp / PyTorch (>1 is keras.cpp ahead for throughput, behind for latency and memory)")
    header = "".join(f" {'torch ' + str(r['torch_version']):>16}" for r in reports)
    print(f"  {'threads':<8} {'metric':<30}{header}")
    for i, entry in enumerate(reports[0]["per_threads"]):
        for key, label, _ in METRICS:
            cells = []
            for r in reports:
                ratio = r["per_threads"][i]["ratios"].get(key)
                cells.append(f" {ratio:>15.2f}x" if ratio is not None else f" {'-':>16}")
            print(f"  {entry['threads']:<8} {label:<30}{''.join(cells)}")


def add_pytorch_arguments(parser):
    """The options that choose the PyTorches compared against and their BLAS."""
    parser.add_argument("--threads", default="1,2", help="comma-separated thread counts (default 1,2)")
    parser.add_argument("--json-out", help="also write the results as JSON to this file")
    parser.add_argument("--openblas-dir", action="append", default=[],
                        help="directory with OpenBLAS's libblas.so.3 to put under torch with "
                             "LD_PRELOAD (repeatable; default: torch's own BLAS if it is "
                             "OpenBLAS, else /usr/lib/*/openblas-*/)")
    parser.add_argument("--python", action="append", default=[],
                        help="Python with torch and numpy for the PyTorch side (default: this "
                             "one); repeat it to compare against several PyTorches, e.g. "
                             "Debian's 1.13 and PyPI's 2.x in a virtualenv")
    parser.add_argument("--allow-slow-blas", action="store_true",
                        help="measure PyTorch even if no OpenBLAS can be put under it")


def write_json(path, reports):
    """The report of each PyTorch compared (one, or {"peers": [...]}) as JSON."""
    with open(path, "w") as f:
        json.dump(reports[0] if len(reports) == 1 else {"peers": reports}, f, indent=2)
        f.write("\n")
    print(f"results written to {path}")


def parse_thread_counts(parser, text):
    """--threads "1,2" as a sorted list of positive integers."""
    try:
        thread_counts = sorted({int(t) for t in text.split(",") if t.strip()})
    except ValueError:
        parser.error("--threads takes comma-separated integers, e.g. 1,2")
    if not thread_counts or thread_counts[0] < 1:
        parser.error("--threads needs positive integers")
    return thread_counts


def main():
    parser = argparse.ArgumentParser(
        description="Compare keras.cpp against PyTorch on the same MLP.",
        epilog=__doc__.split("\n\n", 1)[1], formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--keras-bin", help="keras.cpp benchmark binary (keras_mlp_bench)")
    parser.add_argument("--accuracy-epochs", type=int, default=5,
                        help="epochs for the test-accuracy run, 0 to skip (default 5)")
    parser.add_argument("--skip-keras", action="store_true", help="only run PyTorch")
    add_pytorch_arguments(parser)
    parser.add_argument("--no-compile", action="store_true",
                        help="do not try torch.compile with PyTorch 2.x")
    parser.add_argument("--model", choices=("mlp", "cnn"), default="mlp",
                        help="the MLP (default) or Keras's mnist_cnn")
    parser.add_argument("--train-samples", type=int, default=None,
                        help="time training epochs over the first N samples only (both sides)")
    args = parser.parse_args()

    thread_counts = parse_thread_counts(parser, args.threads)
    if not args.skip_keras:
        if not args.keras_bin:
            parser.error("--keras-bin is required unless --skip-keras")
        if not os.access(args.keras_bin, os.X_OK):
            parser.error(f"--keras-bin {args.keras_bin}: not an executable file "
                         "(build it: cmake --build build --target keras_mlp_bench)")
        args.keras_bin = str(Path(args.keras_bin).resolve())

    global PYTHON, MODEL_ARGS, MEMORY_FORMATS
    MODEL_ARGS = ["--model", args.model]
    if args.train_samples:
        MODEL_ARGS += ["--train-samples", str(args.train_samples)]
    if args.model == "cnn":
        MEMORY_FORMATS = ("contiguous", "channels_last")
    start = time.perf_counter()
    recipe = {
        "model": "784 -> Dense 512 relu -> Dropout 0.2 -> Dense 512 relu -> Dropout 0.2 -> Dense 10 softmax"
                 if args.model == "mlp" else
                 "28x28x1 -> Conv2D 32 3x3 relu -> Conv2D 64 3x3 relu -> MaxPooling 2x2 -> Dropout 0.25 "
                 "-> Flatten -> Dense 128 relu -> Dropout 0.5 -> Dense 10 softmax",
        "loss": "categorical cross-entropy", "optimizer": "Adam lr=1e-3 b1=0.9 b2=0.999 eps=1e-7",
        "train_batch": 128, "infer_batch": 1024, "data": "Fashion-MNIST, x/255"}
    reports = []
    try:
        load = os.getloadavg()[0]
        load_note = (f"load average {load:.2f} at start: other processes are using the CPUs, "
                     "timings will be low and noisy") if load > 0.5 else None

        # keras.cpp first, so that a broken binary fails the run early.
        keras_results = {}
        if not args.skip_keras:
            for n in thread_counts:
                acc_epochs = args.accuracy_epochs if n == thread_counts[-1] else 0
                keras_results[n] = run_keras(args.keras_bin, n, acc_epochs)
                if acc_epochs and "test_accuracy" not in keras_results[n]:
                    raise RunFailed("keras.cpp: --accuracy-epochs given but its JSON has no test_accuracy")

        for python in args.python or [sys.executable]:
            PYTHON = python
            report = {"machine": machine_info(), "recipe": recipe, "thread_counts": thread_counts,
                      "per_threads": [], "notes": [load_note] if load_note else []}
            run_peer(args, thread_counts, keras_results, report)
            reports.append(report)
    except RunFailed as e:
        print(f"error: {e}", file=sys.stderr)
        return 1

    elapsed = time.perf_counter() - start
    for report in reports:
        report["elapsed_s"] = elapsed
        print_report(report, args.skip_keras)
    if len(reports) > 1 and not args.skip_keras:
        print_summary(reports)
    if args.json_out:
        write_json(args.json_out, reports)
    return 0


if __name__ == "__main__":
    sys.exit(main())
