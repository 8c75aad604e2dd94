"""keras.cpp against itself: the same benchmarks from two builds (e.g. before and after a change),
interleaved in one run on the same machine, as the median of several repetitions per build.

  /usr/bin/python3 benchmarks/compare_builds.py --before OLD/build/benchmarks \
      --after build/benchmarks [--threads 1,2] [--repeats 3]

Prints, per model and thread count, each build's training and inference samples/s and batch-1
latency, and after/before (above 1: the new build is faster; for latency, below 1)."""
import argparse
import json
import os
import statistics
import subprocess

MODELS = {'mlp': ('keras_mlp_bench', ['--model', 'mlp']),
          'cnn': ('keras_mlp_bench', ['--model', 'cnn']),
          'lstm': ('keras_lstm_bench', [])}
METRICS = ('train_samples_per_s', 'infer_samples_per_s', 'latency_us')


def run(folder, model, threads):
    binary, args = MODELS[model]
    cmd = [os.path.join(folder, binary), '--threads', str(threads), '--accuracy-epochs', '0', *args]
    out = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout
    return json.loads(out.strip().splitlines()[-1])


def main():
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('--before', required=True, help='benchmarks folder of the old build')
    parser.add_argument('--after', required=True, help='benchmarks folder of the new build')
    parser.add_argument('--threads', default='1,2')
    parser.add_argument('--models', default=','.join(MODELS))
    parser.add_argument('--repeats', type=int, default=3)
    args = parser.parse_args()
    print('%-5s %-3s %-22s %12s %12s %8s' % ('model', 'thr', 'metric', 'before', 'after',
                                            'after/before'))
    for model in args.models.split(','):
        for threads in (int(t) for t in args.threads.split(',')):
            results = {'before': [], 'after': []}
            for _ in range(args.repeats):  # interleaved, so drift hits both builds alike
                for side in ('before', 'after'):
                    results[side].append(run(getattr(args, side), model, threads))
            for metric in METRICS:
                before = statistics.median(r[metric] for r in results['before'])
                after = statistics.median(r[metric] for r in results['after'])
                print('%-5s %-3d %-22s %12.1f %12.1f %8.3f' % (model, threads, metric, before,
                                                              after, after / before), flush=True)


if __name__ == '__main__':
    main()
