#!/usr/bin/env python3
"""Data-parallel training throughput of keras.cpp (keras::distributed on MPI), and what it would
be on 8 machines.

Runs keras_distributed_bench (the MLP and CNN of benchmarks/, global batch 128, one OpenMP
thread per process) on 1 and 2 processes of this machine under mpirun, prints samples/s and the
fraction of the step spent in collectives (allreduce), then a paper calculation of 8 machines on
25 Gb/s Ethernet from the gradient bucket sizes the 2-process run measured: a ring allreduce
moves 2(N-1)/N x bytes through each machine's link, so it takes 2(N-1)/N x bytes / bandwidth
(latency and the switch ignored).

    cmake --build build --target keras_distributed_bench
    /usr/bin/python3 benchmarks/distributed/run_distributed_bench.py --bin build/benchmarks/keras_distributed_bench
"""
import argparse
import json
import os
import subprocess
import sys


def run(binary, model, processes, samples):
    env = dict(os.environ, OMP_NUM_THREADS='1', OMPI_ALLOW_RUN_AS_ROOT='1',
               OMPI_ALLOW_RUN_AS_ROOT_CONFIRM='1', OMPI_MCA_btl='self,tcp',
               OMPI_MCA_btl_tcp_if_include='lo', OMPI_MCA_oob_tcp_if_include='lo')
    command = ['mpirun', '-np', str(processes), '--oversubscribe', '--bind-to', 'none', binary,
               '--model', model, '--train-samples', str(samples)]
    out = subprocess.run(command, env=env, check=True, capture_output=True, text=True).stdout
    return json.loads([line for line in out.splitlines() if line.startswith('{')][-1])


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--bin', default='build/benchmarks/keras_distributed_bench')
    parser.add_argument('--mlp-samples', type=int, default=30720)
    parser.add_argument('--cnn-samples', type=int, default=3840)
    parser.add_argument('--machines', type=int, default=8)
    parser.add_argument('--gbit', type=float, default=25.0, help='link bandwidth, Gb/s')
    args = parser.parse_args()

    results = {}
    print('| model | processes | training samples/s | step (ms) | time in allreduce '
          '(rank 0; min-max over ranks) | gradient buckets |')
    print('| --- | --- | --- | --- | --- | --- |')
    for model, samples in (('mlp', args.mlp_samples), ('cnn', args.cnn_samples)):
        for processes in (1, 2):
            r = run(args.bin, model, processes, samples)
            results[(model, processes)] = r
            buckets = ', '.join('%.2f MB' % (b / 2**20) for b in r['bucket_bytes']) or '-'
            print('| %s | %d | %.0f | %.2f | %.1f%% (%.1f-%.1f%%) | %s |' % (
                model, processes, r['train_samples_per_s'], r['step_ms'],
                100 * r['allreduce_fraction_rank0'], 100 * r['allreduce_fraction_min'],
                100 * r['allreduce_fraction_max'], buckets))
        one, two = results[(model, 1)], results[(model, 2)]
        print('|  | 2 vs 1 | %.2fx |  |  |  |' % (
            two['train_samples_per_s'] / one['train_samples_per_s']))

    n, bandwidth = args.machines, args.gbit * 1e9 / 8  # bytes/s
    print()
    print('Paper calculation: %d machines, %g Gb/s Ethernet, ring allreduce '
          '2(N-1)/N x bytes / bandwidth per step; compute per step from the 1-process run.' %
          (n, args.gbit))
    print()
    print('| model | gradient bytes per step | allreduce per step | 1-machine step (batch 128) '
          '| %d machines, 128 each (global %d): samples/s, efficiency | %d machines, global 128 '
          '(%d each): samples/s, speedup |' % (n, 128 * n, n, 128 // n))
    print('| --- | --- | --- | --- | --- | --- |')
    for model in ('mlp', 'cnn'):
        one, two = results[(model, 1)], results[(model, 2)]
        gradient_bytes = sum(two['bucket_bytes'])
        comm = 2 * (n - 1) / n * gradient_bytes / bandwidth
        step = 128 / one['train_samples_per_s']
        # Without overlap (upper bound of the cost): step + allreduce.
        weak_rate = n * 128 / (step + comm)
        strong_step = step / n + comm
        print('| %s | %.2f MB | %.2f ms | %.2f ms | %.0f, %.0f%% | %.0f, %.2fx |' % (
            model, gradient_bytes / 2**20, comm * 1e3, step * 1e3, weak_rate,
            100 * step / (step + comm), 128 / strong_step, step / strong_step))
    print()
    print('Both columns assume no overlap of the allreduce with the backward pass (its upper '
          'bound) and perfect compute scaling; "global 128" splits the batch 8 ways, where '
          'small per-process batches compute less efficiently in practice.')
    return 0


if __name__ == '__main__':
    sys.exit(main())
