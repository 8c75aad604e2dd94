"""Model pictures: Keras 1's visualize_util.plot and model_to_dot, Keras 2's vis_utils.plot_model,
drawn by Graphviz (Debian: graphviz, installed by scripts/setup.sh)."""
import numpy as np
import pytest

import keras_cpp
from keras_cpp.layers import Dense, Input, LSTM, concatenate
from keras_cpp.models import Model, Sequential
from keras_cpp.utils import plot_model
from keras_cpp.utils.visualize_util import model_to_dot, plot

PNG = b'\x89PNG\r\n\x1a\n'


def sequential():
    return Sequential([Dense(8, activation='relu', input_dim=4, name='hidden'),
                       Dense(2, activation='softmax', name='probabilities')])


def test_plot_writes_a_png(tmp_path):
    path = tmp_path / 'model.png'
    plot(sequential(), to_file=str(path), show_shapes=True, show_layer_names=True)
    data = path.read_bytes()
    assert data[:8] == PNG and len(data) > 100


def test_plot_model_formats_and_functional_models(tmp_path):
    a, b = Input(shape=(5, 3), name='seq'), Input(shape=(2,), name='extra')
    model = Model(inputs=[a, b], outputs=Dense(1, name='out')(concatenate([LSTM(4)(a), b])))
    plot_model(model, to_file=str(tmp_path / 'model.svg'), rankdir='LR')
    svg = (tmp_path / 'model.svg').read_text()
    assert '<svg' in svg and 'seq: InputLayer' in svg
    keras_cpp.utils.vis_utils.plot_model(model, to_file=tmp_path / 'model')  # no extension: png
    assert (tmp_path / 'model').read_bytes()[:8] == PNG


def test_model_to_dot():
    dot = model_to_dot(sequential(), show_shapes=True)
    text = dot.to_string()
    assert text.startswith('digraph') and 'hidden: Dense' in text
    assert 'input:' in text and '(None, 8)' in text  # shapes as Keras shows them
    assert 'hidden: Dense' not in model_to_dot(sequential(), show_layer_names=False).to_string()
    assert dot.create(prog='dot', format='png')[:8] == PNG
    assert b'<svg' in dot.create_svg()


def test_plot_unknown_format_raises(tmp_path):
    with pytest.raises(RuntimeError):
        plot(sequential(), to_file=str(tmp_path / 'model.notaformat'))
