"""keras.utils.vis_utils: model_to_dot and plot_model, drawn by Graphviz's `dot` program
(Debian: graphviz). Keras 1's name of this module is visualize_util (with plot)."""
import os
import subprocess

from .._keras_cpp import utils as _utils


class Dot(object):
    """The graph model_to_dot returns, with the pydot.Dot methods Keras users call on it:
    `SVG(model_to_dot(model).create(prog='dot', format='svg'))`, to_string(), write()."""

    def __init__(self, text):
        self._text = text

    def to_string(self):
        return self._text

    __str__ = to_string

    def create(self, prog='dot', format='ps'):
        """The rendered picture's bytes (Graphviz's `prog -T<format>`)."""
        try:
            done = subprocess.run([prog, '-T' + format], input=self._text.encode(),
                                  stdout=subprocess.PIPE, stderr=subprocess.PIPE, check=False)
        except OSError:
            raise OSError('`' + prog + '` not found: install Graphviz (Debian: graphviz) to draw '
                          'models')
        if done.returncode != 0:
            raise RuntimeError('`' + prog + ' -T' + format + '` failed: ' +
                               done.stderr.decode(errors='replace'))
        return done.stdout

    def create_png(self, prog='dot'):
        return self.create(prog, 'png')

    def create_svg(self, prog='dot'):
        return self.create(prog, 'svg')

    def write(self, path, prog='dot', format='raw'):
        """Writes the DOT text (format 'raw') or the picture in `format`."""
        data = self._text.encode() if format == 'raw' else self.create(prog, format)
        with open(path, 'wb') as f:
            f.write(data)
        return True


def model_to_dot(model, show_shapes=False, show_layer_names=True, rankdir='TB'):
    """The model's graph: one node per layer ('name: Class', with input/output shapes when
    show_shapes), edges along the layer calls; rankdir 'TB' or 'LR'."""
    return Dot(_utils.model_to_dot(model, show_shapes, show_layer_names, rankdir))


def plot_model(model, to_file='model.png', show_shapes=False, show_layer_names=True,
               rankdir='TB'):
    """Draws the model to `to_file`, in the format of its extension (png without one)."""
    _utils.plot_model(model, os.fspath(to_file), show_shapes, show_layer_names, rankdir)
