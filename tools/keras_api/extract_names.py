#!/usr/bin/env python3
"""Lists the names a user can import from each public Keras module, read from Keras's source.

Usage: extract_names.py KERAS_SOURCE_DIR OUTPUT.json
KERAS_SOURCE_DIR holds the `keras` package of one release (for example /work/keras-src-2.2.4, the
unpacked `keras/` directory of Keras-2.2.4.tar.gz); nothing of it is copied into this repository.

A module's public names are what it defines at top level (classes, functions, and aliases such as
`mse = mean_squared_error` or `pad_sequences = sequence.pad_sequences`), not starting with `_`,
plus what it re-exports: `from .x import y` and `from .x import *` (resolved to x's own public
names) in a package `__init__.py`, and in the modules of REEXPORTING_MODULES from the modules
Keras means them to forward (keras.models forwards keras.engine's Model, keras.metrics the
losses). Conditional blocks (`if _BACKEND == 'theano': from .theano_backend import *`) count every
branch except the CNTK backend's, so keras.backend is the TensorFlow and Theano backends' union.
Plain imports of modules (`from . import backend as K`, `import numpy as np`) are not names.
Reported: the public modules (keras.layers.core, keras.utils.np_utils, ...), keras.applications
included; not Keras's internal modules (backend implementations, engine.training_utils, ...).
"""
import ast
import builtins
import json
import os
import sys

# Modules whose relative `from .x import y` lines from the given package are part of their public
# API although they are not package __init__ files (keras.models re-exports Model, keras.objectives
# the losses, ...); their imports of helpers from elsewhere (has_arg, func_dump) are not.
REEXPORTING_MODULES = {
    'keras.models': 'keras.engine', 'keras.objectives': 'keras.losses',
    'keras.metrics': 'keras.losses', 'keras.engine.topology': 'keras.engine',
    'keras.backend.tensorflow_backend': 'keras.backend.common',
    'keras.backend.theano_backend': 'keras.backend.common',
}
SKIPPED_MODULES = {'keras.backend.cntk_backend'}
# Top-level modules and packages reported (the others, e.g. keras.engine.training_utils, are
# Keras's internals; their public names appear here where Keras re-exports them).
REPORTED_PREFIXES = (
    'keras', 'keras.models', 'keras.layers', 'keras.backend', 'keras.optimizers', 'keras.losses',
    'keras.objectives', 'keras.metrics', 'keras.activations', 'keras.initializers',
    'keras.initializations', 'keras.regularizers', 'keras.constraints', 'keras.callbacks',
    'keras.utils', 'keras.preprocessing', 'keras.datasets', 'keras.wrappers', 'keras.engine',
    'keras.legacy', 'keras.applications')
NOT_REPORTED = {'keras.backend.common', 'keras.backend.tensorflow_backend',
                'keras.backend.theano_backend', 'keras.backend.cntk_backend',
                'keras.engine.training_arrays', 'keras.engine.training_generator',
                'keras.engine.training_utils', 'keras.datasets.cifar', 'keras.legacy.interfaces',
                'keras.applications.mobilenetv2'}
BUILTIN_NAMES = set(dir(builtins))


def module_files(root):
    files = {}
    for directory, _, names in os.walk(os.path.join(root, 'keras')):
        for name in names:
            if not name.endswith('.py') or name.endswith('_test.py'):
                continue
            path = os.path.join(directory, name)
            rel = os.path.relpath(path, root)[:-3].replace(os.sep, '.')
            module = rel[:-len('.__init__')] if rel.endswith('.__init__') else rel
            files[module] = path
    return files


def resolve_relative(module, is_package, level, target):
    parts = module.split('.')
    base = parts if is_package else parts[:-1]
    base = base[:len(base) - (level - 1)]
    return '.'.join(base + ([target] if target else []))


def top_level_statements(body):
    """The module's top-level statements, looking into if/try blocks (every branch)."""
    for node in body:
        if isinstance(node, ast.If):
            yield from top_level_statements(node.body)
            yield from top_level_statements(node.orelse)
        elif isinstance(node, ast.Try):
            yield from top_level_statements(node.body)
            for handler in node.handlers:
                yield from top_level_statements(handler.body)
            yield from top_level_statements(node.orelse)
        else:
            yield node


def is_alias(value):
    """`x = y`, `x = y.z` or `x = make(...)`: names bound to a function or class, not constants."""
    if isinstance(value, ast.Name):
        return value.id not in BUILTIN_NAMES and value.id not in ('None', 'True', 'False')
    if isinstance(value, ast.Attribute):
        return not value.attr.startswith('__')  # `entries = backend_module.__dict__`
    return isinstance(value, ast.Call)


class Extractor:
    def __init__(self, root):
        self.files = module_files(root)
        self.cache = {}

    def names(self, module):
        if module in self.cache:
            return self.cache[module]
        self.cache[module] = set()  # breaks import cycles
        path = self.files[module]
        is_package = path.endswith('__init__.py')
        with open(path, encoding='utf-8') as f:
            tree = ast.parse(f.read(), path)
        names, declared_all = set(), None
        forwarded = '' if is_package else REEXPORTING_MODULES.get(module)
        for node in top_level_statements(tree.body):
            if isinstance(node, (ast.FunctionDef, ast.ClassDef)):
                names.add(node.name)
            elif isinstance(node, ast.Assign):
                for target in node.targets:
                    if isinstance(target, ast.Name) and target.id == '__all__':
                        declared_all = set(ast.literal_eval(node.value))
                    elif isinstance(target, ast.Name) and is_alias(node.value):
                        if isinstance(node.value, ast.Call) and not self._calls_local(node.value):
                            continue
                        names.add(target.id)
            elif isinstance(node, ast.ImportFrom) and node.level > 0:
                source = resolve_relative(module, is_package, node.level, node.module)
                if source in SKIPPED_MODULES or forwarded is None:
                    continue
                if not (source == forwarded or source.startswith(forwarded)):
                    continue
                for alias in node.names:
                    if alias.name == '*':
                        if source in self.files:
                            names |= self.names(source)
                    elif source + '.' + alias.name not in self.files:
                        names.add(alias.asname or alias.name)
        if declared_all is not None:
            names &= declared_all
        result = {n for n in names if not n.startswith('_')}
        self.cache[module] = result
        return result

    @staticmethod
    def _calls_local(call):
        # `legacy_dense_support = generate_legacy_interface(...)` makes a public function;
        # `logger = logging.getLogger(...)` or `floatx = np.float32(...)` do not.
        return isinstance(call.func, ast.Name) and call.func.id not in BUILTIN_NAMES

    def report(self):
        out = {}
        for module in sorted(self.files):
            if module in NOT_REPORTED or module in SKIPPED_MODULES:
                continue
            if not any(module == p or module.startswith(p + '.') for p in REPORTED_PREFIXES):
                continue
            if module.startswith('keras.engine.') and module not in (
                    'keras.engine.topology', 'keras.engine.training'):
                continue
            out[module] = sorted(self.names(module))
        return out


def main(argv):
    if len(argv) != 3:
        sys.exit(__doc__)
    root, output = argv[1], argv[2]
    if not os.path.isfile(os.path.join(root, 'keras', '__init__.py')):
        sys.exit(f'{root} has no keras/__init__.py: give the directory that holds the keras '
                 'package')
    report = Extractor(root).report()
    with open(output, 'w', encoding='utf-8') as f:
        json.dump(report, f, indent=1, sort_keys=True)
        f.write('\n')
    print(f'{output}: {len(report)} modules, {sum(map(len, report.values()))} names')


if __name__ == '__main__':
    main(sys.argv)
