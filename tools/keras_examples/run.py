#!/usr/bin/env python3
"""Runs Keras's own examples/ (a folder of Keras 2.2.4's example scripts, kept outside this
repository) on keras_cpp with only their `keras` import lines changed, and writes a table.

    python3 tools/keras_examples/run.py EXAMPLES_DIR [--only a,b] [--epochs N] [--train-samples N]
                                        [--timeout S]
                                        [--build build] [--table out.md] [--keep-output DIR]

Each script runs in its own scratch folder (the files it writes stay out of the working tree) with
/usr/bin/python3, PYTHONPATH=<build>/python and MPLBACKEND=Agg. MNIST is read from the four IDX
files of Fashion-MNIST (the Debian package dataset-fashion-mnist) through $KERAS_MNIST_DIR, and
$KERAS_HOME points into the scratch folder, so nothing outside it is read or written.

--epochs N (or $KERAS_EXAMPLES_EPOCHS) caps the epoch counts written as literals in the script:
`epochs = 20`, `nb_epoch=5`, `'epochs': [3, 6]`, and a training loop `for i in range(1, 200):`
whose body fits one epoch at a time (`epochs=1`). --train-samples N (or
$KERAS_EXAMPLES_TRAIN_SAMPLES) caps the literal slices of the arrays a fit call trains on
(conv_lstm's `noisy_movies[:1000]`). Nothing else in the script changes.
"""
import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
FASHION_MNIST = '/usr/share/datasets/fashion-mnist'

# The download-free examples of Keras 2.2.4 (MNIST ones read Fashion-MNIST from local files).
DOWNLOAD_FREE = [
    'addition_rnn', 'antirectifier', 'conv_lstm', 'lstm_stateful', 'mnist_acgan', 'mnist_cnn',
    'mnist_denoising_autoencoder', 'mnist_hierarchical_rnn', 'mnist_irnn', 'mnist_mlp',
    'mnist_net2net', 'mnist_siamese', 'mnist_sklearn_wrapper', 'mnist_swwae',
    'mnist_transfer_cnn', 'variational_autoencoder', 'variational_autoencoder_deconv',
]

# What the 2018 scripts relied on in numpy and matplotlib of their time, restored for the script
# only through a sitecustomize in the scratch folder: numpy's np.float/np.int/np.bool aliases
# (removed in numpy 1.24; conv_lstm uses np.float), and matplotlib < 3.5 taking fewer tick labels
# than ticks (the rest blank; variational_autoencoder gives 30 labels for 31 ticks).
_COMPAT = '''import numpy as _np
for _name, _type in (('float', float), ('int', int), ('bool', bool), ('object', object)):
    if _name not in _np.__dict__:
        setattr(_np, _name, _type)
try:
    import matplotlib.axis as _axis
except ImportError:
    _axis = None
if _axis is not None:
    _set_ticklabels = _axis.Axis.set_ticklabels

    def _padded_set_ticklabels(self, labels, *args, **kwargs):
        labels = list(labels)
        ticks = len(self.get_ticklocs(minor=kwargs.get('minor', False)))
        return _set_ticklabels(self, labels + [''] * (ticks - len(labels)), *args, **kwargs)

    _axis.Axis.set_ticklabels = _padded_set_ticklabels
'''

_FROM_IMPORT = re.compile(r'^(\s*from\s+)keras((?:\.[\w.]+)?\s+import\s)')
_IMPORT = re.compile(r'^(\s*import\s+)(.*)$')


def _rewrite_import_names(names):
    """`keras`, `keras.backend as K`, ... of one `import` statement, renamed to keras_cpp."""
    out = []
    for part in names.split(','):
        m = re.match(r'^(\s*)keras((?:\.[\w.]+)?)(\s+as\s+\w+)?(\s*)$', part)
        if not m:
            out.append(part)
            continue
        lead, sub, alias, trail = m.group(1), m.group(2), m.group(3), m.group(4)
        if alias:
            out.append(lead + 'keras_cpp' + sub + alias + trail)
        elif sub:  # `import keras.layers` binds `keras`: import the submodule, bind the package
            out.append(lead + 'keras_cpp' + sub + ', keras_cpp as keras' + trail)
        else:
            out.append(lead + 'keras_cpp as keras' + trail)
    return ','.join(out)


def rewrite_imports(source):
    """The script with its `keras` import lines (and only those) turned into keras_cpp's."""
    lines = []
    for line in source.splitlines(keepends=True):
        body = line.rstrip('\r\n')
        ending = line[len(body):]
        m = _FROM_IMPORT.match(body)
        if m:
            body = m.group(1) + 'keras_cpp' + body[len(m.group(1)) + len('keras'):]
        else:
            m = _IMPORT.match(body)
            if m and re.search(r'\bkeras\b', m.group(2)):
                body = m.group(1) + _rewrite_import_names(m.group(2))
        lines.append(body + ending)
    return ''.join(lines)


def cap_epochs(source, cap):
    """The script with its literal epoch counts capped at `cap` (see the module's doc)."""
    def cap_number(m):
        return m.group(1) + str(min(int(m.group(2)), cap))

    source = re.sub(r'(\b(?:epochs|nb_epoch|num_epochs|n_epochs)\s*=\s*)(\d+)\b', cap_number,
                    source)
    source = re.sub(r"(['\"](?:epochs|nb_epoch)['\"]\s*:\s*\[)([\d,\s]+)(\])",
                    lambda m: m.group(1) + ', '.join(
                        str(min(int(v), cap)) for v in m.group(2).split(',') if v.strip()) +
                    m.group(3), source)
    lines = source.splitlines(keepends=True)
    for i, line in enumerate(lines):
        m = re.match(r'^(\s*for\s+\w+\s+in\s+range\()(\d+),\s*(\d+)(\)\s*:.*)$', line, re.S)
        if m and any(re.search(r'\bepochs\s*=\s*1\b', later) for later in lines[i + 1:i + 10]):
            start, stop = int(m.group(2)), int(m.group(3))
            lines[i] = m.group(1) + '%d, %d' % (start, min(stop, start + cap)) + m.group(4)
    return ''.join(lines)


def cap_training_samples(source, cap):
    """The script with the literal slices of its fit calls' arrays (`x[:1000]` on a line with
    `.fit(`, as conv_lstm's `seq.fit(noisy_movies[:1000], shifted_movies[:1000], ...)`) capped
    at `cap` samples; the data it generates, and its test on sample 1004, stay as written."""
    def cap_slice(m):
        return m.group(1) + str(min(int(m.group(2)), cap)) + ']'

    lines = source.splitlines(keepends=True)
    for i, line in enumerate(lines):
        if re.search(r'\.fit(?:_generator)?\(', line):
            lines[i] = re.sub(r'(\[:)(\d+)\]', cap_slice, line)
    return ''.join(lines)


_METRIC = re.compile(r'([A-Za-z_][A-Za-z_ ]{0,40}?(?:acc|accuracy|loss|score|mse))\s*[:=]\s*'
                     r'\[?\s*(-?\d+(?:\.\d+)?(?:e[-+]?\d+)?)', re.I)


def last_metrics(output):
    """'name=value' for the last value printed of each accuracy/loss-like quantity (at most 4,
    accuracies first), from the script's output (progress bars' \\r and \\b handled)."""
    text = re.sub(r'[^\n]*\x08+', '', output).replace('\r', '\n')
    last = {}
    for m in _METRIC.finditer(text):
        name = re.sub(r'\s+', ' ', m.group(1).strip().strip('-').strip())
        last.pop(name, None)
        last[name] = m.group(2)
    names = list(last)
    ordered = [n for n in reversed(names) if 'acc' in n.lower()][:2]
    ordered += [n for n in reversed(names) if n not in ordered][:4 - len(ordered)]
    return ', '.join('%s=%s' % (n, last[n]) for n in ordered)


def run_one(path, args, python_dir, keep_dir):
    """(status, metrics, seconds, epochs note, last error line) of one example."""
    name = os.path.splitext(os.path.basename(path))[0]
    with open(path, encoding='utf-8') as f:
        source = rewrite_imports(f.read())
    if args.epochs:
        source = cap_epochs(source, args.epochs)
    if args.train_samples:
        source = cap_training_samples(source, args.train_samples)
    scratch = tempfile.mkdtemp(prefix='keras_example_' + name + '_')
    try:
        with open(os.path.join(scratch, name + '.py'), 'w', encoding='utf-8') as f:
            f.write(source)
        with open(os.path.join(scratch, 'sitecustomize.py'), 'w', encoding='utf-8') as f:
            f.write(_COMPAT)
        env = dict(os.environ)
        env.update({'PYTHONPATH': python_dir + os.pathsep + scratch,
                    'MPLBACKEND': 'Agg', 'KERAS_HOME': os.path.join(scratch, 'keras_home'),
                    'KERAS_MNIST_DIR': args.mnist_dir, 'PYTHONUNBUFFERED': '1'})
        command = ['nice', '-n', str(args.nice), args.python, name + '.py']
        start = time.monotonic()
        try:
            proc = subprocess.run(command, cwd=scratch, env=env, stdout=subprocess.PIPE,
                                  stderr=subprocess.STDOUT, timeout=args.timeout)
            output, code = proc.stdout.decode('utf-8', 'replace'), proc.returncode
            status = 'completes' if code == 0 else 'error (exit %d)' % code
        except subprocess.TimeoutExpired as e:
            output = (e.stdout or b'').decode('utf-8', 'replace')
            status = 'timeout (%ds)' % args.timeout
        seconds = time.monotonic() - start
        if keep_dir:
            with open(os.path.join(keep_dir, name + '.log'), 'w', encoding='utf-8') as f:
                f.write(output)
        error = ''
        if not status.startswith('completes'):
            tail = [l for l in output.replace('\r', '\n').splitlines() if l.strip()]
            error = tail[-1].strip() if tail else ''
        return status, last_metrics(output), seconds, error
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    parser.add_argument('examples_dir', help="a folder of Keras's example scripts")
    parser.add_argument('--only', default='',
                        help='comma-separated example names (default: the download-free ones)')
    parser.add_argument('--epochs', type=int,
                        default=int(os.environ.get('KERAS_EXAMPLES_EPOCHS', '0') or 0),
                        help='cap literal epoch counts at N (0: as written)')
    parser.add_argument('--train-samples', type=int,
                        default=int(os.environ.get('KERAS_EXAMPLES_TRAIN_SAMPLES', '0') or 0),
                        help="cap the literal slices of fit's arrays (x[:1000]) at N (0: as "
                             "written)")
    parser.add_argument('--timeout', type=int, default=3600, help='seconds per example')
    parser.add_argument('--build', default=os.path.join(REPO, 'build'),
                        help='the build folder holding python/keras_cpp')
    parser.add_argument('--python', default='/usr/bin/python3')
    parser.add_argument('--mnist-dir', default=FASHION_MNIST,
                        help='the four IDX files mnist.load_data reads (default: Fashion-MNIST)')
    parser.add_argument('--nice', type=int, default=10)
    parser.add_argument('--table', default='', help='also write the table (markdown) here')
    parser.add_argument('--keep-output', default='', help='write each example\'s output here')
    args = parser.parse_args(argv)

    python_dir = os.path.join(os.path.abspath(args.build), 'python')
    if not os.path.isdir(os.path.join(python_dir, 'keras_cpp')):
        parser.error("no keras_cpp package under '%s': build the target keras_cpp_python first"
                     % python_dir)
    names = [n for n in args.only.split(',') if n] or DOWNLOAD_FREE
    if args.keep_output:
        os.makedirs(args.keep_output, exist_ok=True)
    rows = ['| example | status | last reported | epochs | time (s) |', '|---|---|---|---|---|']
    for name in names:
        path = os.path.join(args.examples_dir, name + '.py')
        if not os.path.isfile(path):
            parser.error("'%s' not found" % path)
        print('running %s ...' % name, flush=True)
        status, metrics, seconds, error = run_one(path, args, python_dir, args.keep_output)
        shown = status + (': ' + error[:120] if error else '')
        caps = (['cap %d' % args.epochs] if args.epochs else []) + (
            ['%d samples' % args.train_samples] if args.train_samples else [])
        rows.append('| %s | %s | %s | %s | %.0f |' % (
            name, shown.replace('|', '/'), metrics, ', '.join(caps) or 'as written', seconds))
        print(rows[-1], flush=True)
    table = '\n'.join(rows) + '\n'
    print(table)
    if args.table:
        with open(args.table, 'w', encoding='utf-8') as f:
            f.write(table)
    return 0 if all('| completes' in r for r in rows[2:]) else 1


if __name__ == '__main__':
    sys.exit(main())
