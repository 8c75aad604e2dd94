#!/usr/bin/env python3
"""Runs Keras's own test suite (the tests/ folder of Keras 2.2.4's source distribution, kept
outside this repository) against keras_cpp, unchanged: `keras` and its submodules are keras_cpp's
(an import alias installed by a sitecustomize), so `from keras.layers import Dense` in Keras's
tests imports keras_cpp.layers.Dense; `keras.backend.tensorflow_backend`, which Keras's backend
tests compare with numpy's reference operations, is keras_cpp.backend. Writes a table per test
file and the most frequent failure reasons.

    python3 tools/keras_tests/run.py KERAS_TESTS_DIR [--only a,b] [--build build]
                                     [--timeout S] [--report out.md] [--keep-output DIR]

Each test file runs in its own pytest process (a crash or a hang costs one file) in a scratch
copy of the folder, with /usr/bin/python3, PYTHONPATH=<build>/python and $KERAS_HOME in the
scratch folder. Keras's tests that skip themselves on backends other than TensorFlow, Theano or
CNTK (`K.backend() != 'tensorflow'`) skip here too: keras_cpp's backend() names its own backend.
"""
import argparse
import collections
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import xml.etree.ElementTree as ET

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

# `keras.X` is `keras_cpp.X` (the same module object), and numpy's aliases of 2018 (np.float,
# np.int, removed in numpy 1.24) exist for the tests' own code.
_SITECUSTOMIZE = '''import importlib
import importlib.abc
import importlib.util
import sys

import numpy as _np
for _name, _type in (('float', float), ('int', int), ('bool', bool), ('object', object)):
    if _name not in _np.__dict__:
        setattr(_np, _name, _type)


# Keras's backend tests compare "the TensorFlow backend" (keras.backend.tensorflow_backend) with
# numpy's reference operations: the backend they test is keras_cpp's.
class _KerasIsKerasCpp(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    def find_spec(self, name, path=None, target=None):
        if name == 'keras' or name.startswith('keras.'):
            return importlib.util.spec_from_loader(name, self)
        return None

    def create_module(self, spec):
        module = importlib.import_module('keras_cpp' + spec.name[len('keras'):])
        if spec.name == 'keras.backend':  # a module, not a package: an attribute, in this process
            module.tensorflow_backend = module
        return module

    def exec_module(self, module):
        pass


sys.meta_path.insert(0, _KerasIsKerasCpp())
'''

# Files that test Keras's own source tree rather than its API (its docs pages, its docstrings).
NOT_API = {'test_doc_auto_generation.py': "builds Keras's documentation pages from its sources",
           'test_documentation.py': "checks the docstrings of Keras's own functions"}


def test_files(tests_dir, only):
    found = []
    for root, _, files in os.walk(tests_dir):
        for f in files:
            if f.endswith('.py') and (f.startswith('test_') or f.endswith('_test.py')):
                rel = os.path.relpath(os.path.join(root, f), tests_dir)
                if f in NOT_API or (only and not any(o in rel for o in only)):
                    continue
                found.append(rel)
    return sorted(found)


def first_line(message):
    """A failure's reason, short and without the numbers that differ between tests."""
    line = next((l.strip() for l in (message or '').splitlines() if l.strip()), '')
    line = re.sub(r'0x[0-9a-f]+', '0x..', line)
    return line[:160]


def run_file(rel, scratch, python_dir, args):
    """{'passed','failed','skipped','seconds','reasons': [(test, reason)], 'status'}."""
    xml = os.path.join(scratch, 'report_' + re.sub(r'\W', '_', rel) + '.xml')
    env = dict(os.environ)
    env.update({'PYTHONPATH': python_dir + os.pathsep + os.path.join(scratch, '_site'),
                'KERAS_HOME': os.path.join(scratch, 'keras_home'), 'MPLBACKEND': 'Agg',
                'PYTHONDONTWRITEBYTECODE': '1'})
    command = [args.python, '-m', 'pytest', '-q', '-p', 'no:cacheprovider', '--junitxml', xml,
               '-o', 'junit_family=xunit1', os.path.join('tests', rel)]
    start = time.monotonic()
    result = {'passed': 0, 'failed': 0, 'skipped': 0, 'reasons': [], 'status': ''}
    try:
        proc = subprocess.run(command, cwd=scratch, env=env, stdout=subprocess.PIPE,
                              stderr=subprocess.STDOUT, timeout=args.timeout)
        output = proc.stdout.decode('utf-8', 'replace')
    except subprocess.TimeoutExpired as e:
        output = (e.stdout or b'').decode('utf-8', 'replace')
        result['status'] = 'timeout (%ds)' % args.timeout
    result['seconds'] = time.monotonic() - start
    if args.keep_output:
        with open(os.path.join(args.keep_output, re.sub(r'\W', '_', rel) + '.log'), 'w') as f:
            f.write(output)
    if not os.path.exists(xml):
        tail = [l for l in output.splitlines() if l.strip()]
        result['status'] = result['status'] or 'no report: ' + (tail[-1] if tail else 'crashed')
        return result
    for case in ET.parse(xml).getroot().iter('testcase'):
        bad = case.find('failure')
        if bad is None:
            bad = case.find('error')
        if bad is not None:
            result['failed'] += 1
            result['reasons'].append((case.get('name'), first_line(bad.get('message'))))
        elif case.find('skipped') is not None:
            result['skipped'] += 1
        else:
            result['passed'] += 1
    return result


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    parser.add_argument('tests_dir', help="Keras 2.2.4's tests/ folder")
    parser.add_argument('--only', default='', help='comma-separated parts of test file paths')
    parser.add_argument('--build', default=os.path.join(REPO, 'build'),
                        help='the build folder holding python/keras_cpp')
    parser.add_argument('--python', default='/usr/bin/python3')
    parser.add_argument('--timeout', type=int, default=900, help='seconds per test file')
    parser.add_argument('--report', default='', help='also write the report (markdown) here')
    parser.add_argument('--keep-output', default='', help="write each file's pytest output here")
    args = parser.parse_args(argv)

    python_dir = os.path.join(os.path.abspath(args.build), 'python')
    if not os.path.isdir(os.path.join(python_dir, 'keras_cpp')):
        parser.error("no keras_cpp package under '%s': build the target keras_cpp_python first"
                     % python_dir)
    if not os.path.isfile(os.path.join(args.tests_dir, 'conftest.py')):
        parser.error("'%s' is not Keras's tests/ folder (no conftest.py)" % args.tests_dir)
    if args.keep_output:
        os.makedirs(args.keep_output, exist_ok=True)
    scratch = tempfile.mkdtemp(prefix='keras_tests_')
    try:
        shutil.copytree(args.tests_dir, os.path.join(scratch, 'tests'),
                        ignore=shutil.ignore_patterns('__pycache__', '*.pyc'))
        os.makedirs(os.path.join(scratch, '_site'))
        with open(os.path.join(scratch, '_site', 'sitecustomize.py'), 'w') as f:
            f.write(_SITECUSTOMIZE)
        rows = ['| test file | passed | failed | skipped | time (s) | note |',
                '|---|---|---|---|---|---|']
        totals = collections.Counter()
        reasons = collections.Counter()
        for rel in test_files(args.tests_dir, [o for o in args.only.split(',') if o]):
            print('running %s ...' % rel, flush=True)
            r = run_file(rel, scratch, python_dir, args)
            for key in ('passed', 'failed', 'skipped'):
                totals[key] += r[key]
            for _, reason in r['reasons']:
                reasons[reason] += 1
            rows.append('| %s | %d | %d | %d | %.0f | %s |' % (
                rel, r['passed'], r['failed'], r['skipped'], r['seconds'],
                r['status'].replace('|', '/')[:120]))
            print(rows[-1], flush=True)
            for test, reason in r['reasons']:
                print('    FAILED %s: %s' % (test, reason), flush=True)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    rows.append('| **all** | %d | %d | %d | | |' % (totals['passed'], totals['failed'],
                                                    totals['skipped']))
    report = '\n'.join(rows) + '\n\nMost frequent failure reasons:\n\n' + '\n'.join(
        '- %d × `%s`' % (n, reason.replace('`', "'")) for reason, n in reasons.most_common(25))
    print(report)
    if args.report:
        with open(args.report, 'w') as f:
            f.write(report + '\n')
    return 0 if totals['failed'] == 0 else 1


if __name__ == '__main__':
    sys.exit(main())
