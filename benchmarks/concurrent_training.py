"""Two trainings at once on one machine: each one's throughput against one training alone.

  /usr/bin/python3 benchmarks/concurrent_training.py --keras-bin build/benchmarks/keras_mlp_bench \
      [--threads 2] [--model mlp] [--repeats 3]

Runs the benchmark alone, then two copies of it at the same time, `--repeats` times, with the
library's adaptive thread budget on (the default) and off (KERAS_ADAPTIVE_THREADS=0), and prints
the median training samples/s of each and the ratio concurrent/alone (issue 15's target: >= 0.45
with two 2-thread trainings on 2 cores)."""
import argparse
import json
import os
import statistics
import subprocess


def command(args):
    return [args.keras_bin, '--model', args.model, '--threads', str(args.threads),
            '--accuracy-epochs', '0', '--train-samples', str(args.train_samples)]


def samples_per_s(output):
    return json.loads(output.strip().splitlines()[-1])['train_samples_per_s']


def run(args, adaptive):
    env = dict(os.environ, KERAS_ADAPTIVE_THREADS='1' if adaptive else '0')
    alone = samples_per_s(subprocess.run(command(args), env=env, check=True, capture_output=True,
                                         text=True).stdout)
    pair = [subprocess.Popen(command(args), env=env, stdout=subprocess.PIPE, text=True)
            for _ in range(2)]
    together = [samples_per_s(p.communicate()[0]) for p in pair]
    if any(p.returncode for p in pair):
        raise SystemExit('a concurrent benchmark process failed')
    return alone, together


def main():
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('--keras-bin', required=True)
    parser.add_argument('--model', default='mlp')
    parser.add_argument('--threads', type=int, default=2)
    parser.add_argument('--train-samples', type=int, default=20000)
    parser.add_argument('--repeats', type=int, default=3)
    args = parser.parse_args()
    print('%-10s %12s %24s %10s' % ('threads', 'alone', 'two at once (each)', 'ratio'))
    for adaptive in (True, False):
        runs = [run(args, adaptive) for _ in range(args.repeats)]
        alone = statistics.median(r[0] for r in runs)
        each = statistics.median(x for r in runs for x in r[1])
        print('%-10s %12.1f %24.1f %10.3f' % ('adaptive' if adaptive else 'fixed', alone, each,
                                            each / alone))


if __name__ == '__main__':
    main()
