"""Copies the public names of an extension submodule into a Python module."""


def export(source, namespace, names=None):
    """Puts `names` (default: every public name) of `source` into `namespace`."""
    if names is None:
        names = [name for name in dir(source) if not name.startswith('_')]
    for name in names:
        if hasattr(source, name):
            namespace[name] = getattr(source, name)
