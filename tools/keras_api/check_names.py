#!/usr/bin/python3
"""Prints, per Keras module, the Keras public names that keras_cpp's corresponding module lacks.

Usage: check_names.py [--all] [--json]
Reads keras_1_2_2.json and keras_2_2_4.json (written by extract_names.py) next to this file and
imports keras_cpp (put its package on PYTHONPATH, e.g. PYTHONPATH=build/python). Names listed in
missing.json are shown with their reason; --all also lists the modules with nothing missing.
keras_cpp mirrors Keras's layout: `keras.layers.core.Dense` is `keras_cpp.layers.core.Dense`.
"""
import importlib
import json
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
VERSIONS = ('1.2.2', '2.2.4')


def keras_names(version):
    path = os.path.join(HERE, 'keras_%s.json' % version.replace('.', '_'))
    with open(path, encoding='utf-8') as f:
        return json.load(f)


def known_missing():
    """{module: {name: reason}} from missing.json."""
    with open(os.path.join(HERE, 'missing.json'), encoding='utf-8') as f:
        return json.load(f)['missing']


def cpp_module_name(keras_module):
    return 'keras_cpp' + keras_module[len('keras'):]


def missing_names(module, names):
    """The names of `names` that keras_cpp's counterpart of Keras module `module` lacks (all of
    them when that module does not import)."""
    try:
        cpp = importlib.import_module(cpp_module_name(module))
    except ImportError:
        return list(names)
    return [n for n in names if not hasattr(cpp, n)]


def union_of_versions():
    """{module: {name: [versions]}} over both Keras versions."""
    union = {}
    for version in VERSIONS:
        for module, names in keras_names(version).items():
            for name in names:
                union.setdefault(module, {}).setdefault(name, []).append(version)
    return union


def main(argv):
    importlib.import_module('keras_cpp')  # fails loudly when the package itself does not import
    show_all, as_json = '--all' in argv, '--json' in argv
    reasons = known_missing()
    report, total, absent = {}, 0, 0
    for module, names in sorted(union_of_versions().items()):
        total += len(names)
        missing = missing_names(module, sorted(names))
        absent += len(missing)
        report[module] = {n: {'versions': names[n],
                              'reason': reasons.get(module, {}).get(n, 'NOT IN missing.json')}
                          for n in missing}
        if as_json:
            continue
        if missing or show_all:
            print('%s -> %s: %d of %d missing' % (module, cpp_module_name(module), len(missing),
                                                   len(names)))
        for n in missing:
            print('    %-32s %-12s %s' % (n, '/'.join(names[n]), report[module][n]['reason']))
    if as_json:
        json.dump(report, sys.stdout, indent=1, sort_keys=True)
        print()
    else:
        print('%d names (both versions, per module), %d present, %d missing'
              % (total, total - absent, absent))


if __name__ == '__main__':
    main(sys.argv[1:])
