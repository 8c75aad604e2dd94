#!/usr/bin/env python3
"""Checks keras.cpp's TensorBoard event files with the real TensorBoard (issue 17, item 4).

Run by hand, not by CI, in a virtual environment with TensorBoard from pip:

    python3 -m venv /work/venv-tb && /work/venv-tb/bin/pip install tensorboard
    /work/venv-tb/bin/python tools/keras_fixtures/check_tensorboard.py [--build build] [--logdir D]

Without --logdir it first trains small models with keras_cpp's TensorBoard callback (Debian's
/usr/bin/python3 with PYTHONPATH=<build>/python, as the tests do) into a temporary folder: one run
with histogram_freq=1, write_grads and write_images, one with update_freq='batch', one with an
Embedding layer and embeddings_freq=1 (in the top folder). Then it loads
every run with TensorBoard's own readers -- event_accumulator.EventAccumulator (the classic one)
and plugin_event_accumulator.EventAccumulator (what the TensorBoard server uses) -- and checks that
the scalars, histograms, images and the graph appear, with the steps Keras 2.2.4 uses, and that
the projector plugin finds the embeddings. Prints one
line per check and exits non-zero if any fails.
"""
import argparse
import os
import subprocess
import sys
import tempfile

WRITER = r'''
import sys
import numpy as np
import keras_cpp as keras
from keras_cpp.callbacks import TensorBoard
from keras_cpp.layers import Dense

log_dir = sys.argv[1]
np.random.seed(0)
x = np.random.randn(64, 4).astype('float32')
y = (x.sum(axis=1, keepdims=True) > 0).astype('float32')


def model():
    m = keras.models.Sequential([Dense(8, input_dim=4, activation='relu', name='hidden'),
                                 Dense(1, activation='sigmoid', name='out')])
    m.compile('sgd', 'binary_crossentropy', metrics=['accuracy'])
    return m


model().fit(x[:48], y[:48], batch_size=16, epochs=3, verbose=0, validation_data=(x[48:], y[48:]),
            callbacks=[TensorBoard(log_dir + '/epoch', histogram_freq=1, write_grads=True,
                                   write_images=True)])
model().fit(x, y, batch_size=16, epochs=2, verbose=0,
            callbacks=[TensorBoard(log_dir + '/batch', update_freq='batch')])

ids = np.random.randint(10, size=(12, 3))
words = keras.models.Sequential([keras.layers.Embedding(10, 4, input_length=3, name='words'),
                                 keras.layers.Flatten(), Dense(1, activation='sigmoid')])
words.compile('sgd', 'binary_crossentropy')
with open(log_dir + '/words.tsv', 'w') as f:
    f.write('\n'.join('sample %d' % i for i in range(12)) + '\n')
words.fit(ids, np.random.randint(2, size=(12, 1)), epochs=2, verbose=0,
          callbacks=[TensorBoard(log_dir, embeddings_freq=1, embeddings_data=ids,
                                 embeddings_metadata='words.tsv')])
'''

failures = []


def check(what, ok, detail=''):
    print(('ok    ' if ok else 'FAIL  ') + what + (': ' + str(detail) if detail else ''))
    if not ok:
        failures.append(what)


def write_logs(build, log_dir):
    env = dict(os.environ, PYTHONPATH=os.path.join(build, 'python'))
    subprocess.run(['/usr/bin/python3', '-c', WRITER, log_dir], check=True, env=env)


def check_classic(run_dir, expect):
    from tensorboard.backend.event_processing import event_accumulator as ea_module
    acc = ea_module.EventAccumulator(run_dir, size_guidance={
        ea_module.SCALARS: 0, ea_module.HISTOGRAMS: 0, ea_module.IMAGES: 0,
        ea_module.COMPRESSED_HISTOGRAMS: 0})
    acc.Reload()
    tags = acc.Tags()
    name = os.path.basename(run_dir)
    for tag, steps in expect['scalars'].items():
        got = sorted(e.step for e in acc.Scalars(tag)) if tag in tags['scalars'] else None
        check('%s: scalar %s at steps %s' % (name, tag, steps), got == steps, got)
    for tag in expect.get('histograms', []):
        ok = tag in tags['histograms']
        events = acc.Histograms(tag) if ok else []
        check('%s: histogram %s' % (name, tag),
              ok and all(e.histogram_value.num > 0 for e in events),
              '%d events, steps %s' % (len(events), sorted({e.step for e in events})))
    for tag in expect.get('images', []):
        ok = tag in tags['images']
        events = acc.Images(tag) if ok else []
        check('%s: image %s' % (name, tag),
              ok and all(e.encoded_image_string.startswith(b'\x89PNG') for e in events),
              '%d images of %s' % (len(events), events and (events[0].height, events[0].width)))
    check('%s: graph present' % name, tags['graph'] == expect['graph'])
    if expect['graph']:
        graph = acc.Graph()
        nodes = {n.name: n for n in graph.node}
        check('%s: graph nodes hidden -> out' % name,
              'hidden' in nodes and list(nodes['out'].input) == ['hidden'],
              sorted(nodes))


def check_plugin(run_dir, expect):
    """What the TensorBoard server sees (old-style summaries migrated to tensors by plugin)."""
    from tensorboard.backend.event_processing import plugin_event_accumulator as pea
    acc = pea.EventAccumulator(run_dir, size_guidance={pea.TENSORS: 0, pea.GRAPH: 1})
    acc.Reload()
    name = os.path.basename(run_dir)
    scalars = set(acc.PluginTagToContent('scalars')) if 'scalars' in acc.ActivePlugins() else set()
    check('%s: scalars plugin tags' % name, set(expect['scalars']) <= scalars, sorted(scalars))
    if expect.get('histograms'):
        hist = set(acc.PluginTagToContent('histograms'))
        check('%s: histograms plugin tags' % name, set(expect['histograms']) <= hist, len(hist))
    if expect.get('images'):
        images = set(acc.PluginTagToContent('images'))
        check('%s: images plugin tags' % name, set(expect['images']) <= images, sorted(images))
    check('%s: graph for the graphs plugin' % name,
          (acc.Graph() is not None) == expect['graph'] if expect['graph'] else True)


def check_projector(log_dir):
    """The projector plugin itself finds the embeddings (projector_config.pbtxt, tensor_path)."""
    from tensorboard.backend.event_processing import data_provider, plugin_event_multiplexer
    from tensorboard.plugins import base_plugin
    from tensorboard.plugins.projector import projector_plugin
    multiplexer = plugin_event_multiplexer.EventMultiplexer()
    multiplexer.AddRunsFromDirectory(log_dir)
    multiplexer.Reload()
    plugin = projector_plugin.ProjectorPlugin(base_plugin.TBContext(
        logdir=log_dir, data_provider=data_provider.MultiplexerDataProvider(multiplexer, log_dir)))
    plugin._update_configs()
    config = plugin._configs.get('.')
    embeddings = list(config.embeddings) if config else []
    check('projector: embedding words_embedding found',
          [e.tensor_name for e in embeddings] == ['words_embedding'], embeddings)
    if embeddings:
        e = embeddings[0]
        check('projector: tensor shape 12 x 12 (3 words of 4)', list(e.tensor_shape) == [12, 12],
              list(e.tensor_shape))
        check('projector: metadata file', e.metadata_path == 'words.tsv', e.metadata_path)
        tensor = plugin.tensor_cache.get(('.', 'words_embedding'))
        check('projector: tensor read', tensor is not None and tensor.shape == (12, 12))


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--build', default='build', help='the keras.cpp build folder')
    parser.add_argument('--logdir', help='check these runs (epoch/ and batch/) instead of new ones')
    args = parser.parse_args()
    import tensorboard
    print('TensorBoard', tensorboard.__version__)
    log_dir = args.logdir or tempfile.mkdtemp(prefix='keras_cpp_tensorboard_')
    if not args.logdir:
        write_logs(os.path.abspath(args.build), log_dir)
    print('event files in', log_dir)
    epoch = {
        'scalars': {t: [0, 1, 2] for t in ('loss', 'acc', 'val_loss', 'val_acc')},
        'histograms': ['hidden/kernel_0', 'hidden/bias_0', 'out/kernel_0', 'hidden/kernel_0_grad',
                       'hidden_out', 'out_out'],
        'images': ['hidden/kernel_0/image/0', 'hidden/bias_0/image/0', 'out/kernel_0/image/0'],
        'graph': True,
    }
    # 64 samples by 16: batch logs at 16, 32, 48, 64, ...; the epoch logs at 64 and 128 too.
    batch = {'scalars': {'loss': [16, 32, 48, 64, 64, 80, 96, 112, 128, 128]}, 'graph': True}
    for run, expect in (('epoch', epoch), ('batch', batch)):
        run_dir = os.path.join(log_dir, run)
        check_classic(run_dir, expect)
        check_plugin(run_dir, expect)
    check_projector(log_dir)
    print('%d check(s) failed' % len(failures) if failures else 'all checks passed')
    return 1 if failures else 0


if __name__ == '__main__':
    sys.exit(main())
