"""TensorBoard's event files read by an independent reader: the TFRecord framing and CRC32C
checked here in Python, the records decoded by Python's protobuf with the repository's .proto files
(TensorFlow's schema) compiled by protoc at test time, in a separate process."""
import base64
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import zlib

import numpy as np
import pytest

from keras_cpp.callbacks import TensorBoard
from keras_cpp.layers import Dense, Embedding, Flatten
from keras_cpp.models import Sequential

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
PROTO_DIR = os.path.join(REPO, 'proto')

pytestmark = pytest.mark.skipif(shutil.which('protoc') is None,
                                reason='protoc (Debian: protobuf-compiler) is not installed')


def crc32c(data):
    """CRC-32C (Castagnoli), bit by bit: no table shared with the library."""
    crc = 0xFFFFFFFF
    for byte in data:
        crc ^= byte
        for _ in range(8):
            crc = (crc >> 1) ^ (0x82F63B78 if crc & 1 else 0)
    return crc ^ 0xFFFFFFFF


def masked(crc):
    return (((crc >> 15) | (crc << 17)) + 0xA282EAD8) & 0xFFFFFFFF


def records(path):
    """The data of every TFRecord of a file, with both CRCs checked."""
    blob = open(path, 'rb').read()
    out, at = [], 0
    while at < len(blob):
        header = blob[at:at + 8]
        length = int.from_bytes(header, 'little')
        assert int.from_bytes(blob[at + 8:at + 12], 'little') == masked(crc32c(header))
        data = blob[at + 12:at + 12 + length]
        assert len(data) == length, 'truncated record'
        assert int.from_bytes(blob[at + 12 + length:at + 16 + length], 'little') == \
            masked(crc32c(data))
        out.append(data)
        at += 16 + length
    return out


# Decodes the records given on stdin (JSON list of hex strings) with the generated classes and
# prints them as JSON. Run in its own process so that its descriptor pool is not keras_cpp's.
DECODER = r'''
import json, sys
sys.path.insert(0, sys.argv[1])
from google.protobuf import json_format
from tfevents import event_pb2, graph_pb2
out = []
for data in json.load(sys.stdin):
    event = event_pb2.Event.FromString(bytes.fromhex(data))
    d = json_format.MessageToDict(event, preserving_proto_field_name=True)
    if event.WhichOneof('what') == 'graph_def':
        d['graph_def'] = json_format.MessageToDict(
            graph_pb2.GraphDef.FromString(event.graph_def), preserving_proto_field_name=True)
    out.append(d)
json.dump(out, sys.stdout)
'''


@pytest.fixture(scope='module')
def decoder(tmp_path_factory):
    out = tmp_path_factory.mktemp('pb2')
    protos = [os.path.join('tfevents', p) for p in ('event.proto', 'summary.proto', 'graph.proto')]
    subprocess.run(['protoc', '-I', PROTO_DIR, '--python_out', str(out)] + protos, check=True,
                   cwd=PROTO_DIR)

    def decode(path):
        hexes = [r.hex() for r in records(path)]
        env = dict(os.environ, PROTOCOL_BUFFERS_PYTHON_IMPLEMENTATION='python')
        done = subprocess.run([sys.executable, '-c', DECODER, str(out)], input=json.dumps(hexes),
                              capture_output=True, text=True, env=env, check=True)
        return json.loads(done.stdout)
    return decode


def event_files(log_dir):
    return sorted(os.path.join(log_dir, f) for f in os.listdir(log_dir)
                  if f.startswith('events.out.tfevents.'))


def scalars(events):
    out = {}
    for e in events:
        for v in e.get('summary', {}).get('value', []):
            if 'simple_value' in v:
                out.setdefault((v['tag'], int(e.get('step', 0))), []).append(v['simple_value'])
    return out


def tf_bucket_limits():
    """TensorFlow's default histogram buckets, written out independently."""
    pos, v = [], 1e-12
    while v < 1e20:
        pos.append(v)
        v *= 1.1
    pos.append(sys.float_info.max)
    return [-p for p in reversed(pos)] + [0.0] + pos


def png_pixels(png):
    """The 8-bit grayscale pixels of a PNG with unfiltered rows."""
    assert png[:8] == b'\x89PNG\r\n\x1a\n'
    at, idat, size = 8, b'', None
    while at < len(png):
        length = int.from_bytes(png[at:at + 4], 'big')
        kind, body = png[at + 4:at + 8], png[at + 8:at + 8 + length]
        assert int.from_bytes(png[at + 8 + length:at + 12 + length], 'big') == \
            zlib.crc32(kind + body)
        if kind == b'IHDR':
            size = (int.from_bytes(body[4:8], 'big'), int.from_bytes(body[0:4], 'big'))
            assert body[8:10] == b'\x08\x00'  # 8 bits, grayscale
        elif kind == b'IDAT':
            idat += body
        at += 12 + length
    height, width = size
    raw = zlib.decompress(idat)
    rows = [raw[r * (width + 1):(r + 1) * (width + 1)] for r in range(height)]
    assert all(row[0] == 0 for row in rows)
    return np.array([list(row[1:]) for row in rows], dtype=np.uint8)


def model():
    m = Sequential([Dense(3, input_dim=4, activation='relu', name='hidden'),
                    Dense(1, activation='sigmoid', name='out')])
    m.compile('sgd', 'binary_crossentropy', metrics=['accuracy'])
    return m


def data(n):
    x = np.random.randn(n, 4).astype('float32')
    return x, (x.sum(axis=1, keepdims=True) > 0).astype('float32')


def test_event_file_scalars_histograms_images_graph(tmp_path, decoder):
    m = model()
    x, y = data(32)
    xv, yv = data(10)
    tb = TensorBoard(log_dir=str(tmp_path), histogram_freq=1, batch_size=16, write_grads=True,
                     write_images=True)
    history = m.fit(x, y, batch_size=8, epochs=2, verbose=0, callbacks=[tb],
                    validation_data=(xv, yv))
    files = event_files(tmp_path)
    assert len(files) == 1
    assert re.fullmatch(r'events\.out\.tfevents\.\d{10}\.' + re.escape(socket.gethostname()),
                        os.path.basename(files[0]))
    events = decoder(files[0])
    assert events[0]['file_version'] == 'brain.Event:2'

    graph = events[1]['graph_def']
    nodes = {n['name']: n for n in graph['node']}
    assert nodes['hidden']['op'] == 'Dense' and nodes['out']['input'] == ['hidden']
    dims = nodes['out']['attr']['_output_shapes']['list']['shape'][0]['dim']
    assert [int(d['size']) for d in dims] == [-1, 1]

    s = scalars(events)
    for tag in ('loss', 'acc', 'val_loss', 'val_acc'):
        for epoch in range(2):
            assert s[(tag, epoch)] == [pytest.approx(history.history[tag][epoch], rel=1e-6)]

    hist_events = [e for e in events if 'summary' in e and
                   'simple_value' not in e['summary']['value'][0]]
    assert [int(e.get('step', 0)) for e in hist_events] == [0, 1]  # 10 samples: one batch
    values = {v['tag']: v for v in hist_events[-1]['summary']['value']}
    assert {'hidden/kernel_0', 'hidden/kernel_0_grad', 'hidden_out', 'out_out',
            'hidden/kernel_0/image/0', 'hidden/bias_0/image/0', 'out/kernel_0/image/0'} <= \
        set(values)
    assert 'out/bias_0/image/0' not in values  # a (1,) bias squeezes to a scalar: no image

    # The kernel's histogram against TensorFlow's bucketing of the trained weights.
    kernel = m.get_layer('hidden').get_weights()[0].astype(np.float64).ravel()
    histo = values['hidden/kernel_0']['histo']
    assert histo['min'] == kernel.min() and histo['max'] == kernel.max()
    assert histo['num'] == 12 and histo['sum'] == pytest.approx(kernel.sum(), rel=1e-12)
    limits = tf_bucket_limits()
    counts = np.zeros(len(limits))
    for v in kernel:
        counts[np.searchsorted(limits, v, side='right')] += 1
    expected = {limits[i]: counts[i] for i in np.nonzero(counts)[0]}
    got = {lim: c for lim, c in zip(histo['bucket_limit'], histo['bucket']) if c > 0}
    assert got == pytest.approx(expected)

    # The kernel image: (4, 3) transposed to 3 x 4, scaled as TensorFlow's image summary.
    image = values['hidden/kernel_0/image/0']['image']
    pixels = png_pixels(base64.b64decode(image['encoded_image_string']))
    w = kernel.reshape(4, 3).T.astype(np.float32)
    if w.min() < 0:
        scale = np.float32(127) / np.float32(max(abs(w.min()), abs(w.max())))
        expected_pixels = (w * scale + np.float32(128)).astype(np.uint8)
    else:
        expected_pixels = (w * (np.float32(255) / w.max())).astype(np.uint8)
    assert pixels.shape == (3, 4) and int(image['height']) == 3 and int(image['width']) == 4
    np.testing.assert_array_equal(pixels, expected_pixels)


def test_update_freq_batch_and_samples(tmp_path, decoder):
    x, y = data(20)
    tb = TensorBoard(log_dir=str(tmp_path / 'batch'), update_freq='batch', write_graph=False)
    assert tb.update_freq == 1
    model().fit(x, y, batch_size=8, epochs=2, verbose=0, callbacks=[tb])
    steps = sorted(k[1] for k, v in scalars(decoder(event_files(tmp_path / 'batch')[0])).items()
                   for _ in v if k[0] == 'loss')
    assert steps == [8, 16, 20, 20, 28, 36, 40, 40]
    assert tb.samples_seen == 40

    tb = TensorBoard(log_dir=str(tmp_path / 'samples'), update_freq=10, write_graph=False)
    model().fit(x, y, batch_size=8, epochs=2, verbose=0, callbacks=[tb])
    events = decoder(event_files(tmp_path / 'samples')[0])
    assert all('graph_def' not in e for e in events)
    steps = sorted(k[1] for k, v in scalars(events).items() for _ in v if k[0] == 'loss')
    assert steps == [16, 20, 28, 40, 40]


def test_arguments(tmp_path):
    tb = TensorBoard()
    assert (tb.log_dir, tb.histogram_freq, tb.batch_size, tb.write_graph, tb.write_grads,
            tb.write_images, tb.embeddings_freq, tb.update_freq) == \
        ('./logs', 0, 32, True, False, False, 0, 'epoch')
    with pytest.raises(ValueError, match="'batch', 'epoch'"):
        TensorBoard(update_freq='often')
    x, y = data(8)
    with pytest.raises(ValueError, match='validation_data must be provided'):
        model().fit(x, y, epochs=1, verbose=0,
                    callbacks=[TensorBoard(log_dir=str(tmp_path), histogram_freq=1)])
    with pytest.raises(ValueError, match='embeddings_data must be provided'):
        model().fit(x, y, epochs=1, verbose=0,
                    callbacks=[TensorBoard(log_dir=str(tmp_path), embeddings_freq=1)])


def test_embeddings_for_the_projector(tmp_path):
    m = Sequential([Embedding(6, 2, input_length=3, name='emb'), Flatten(),
                    Dense(1, activation='sigmoid', name='score')])
    m.compile('sgd', 'binary_crossentropy')
    ids = np.random.randint(6, size=(7, 3))
    tb = TensorBoard(log_dir=str(tmp_path), embeddings_freq=1, embeddings_data=ids,
                     embeddings_layer_names=['emb'], embeddings_metadata={'emb': 'labels.tsv'})
    m.fit(ids, np.random.randint(2, size=(7, 1)), epochs=1, verbose=0, callbacks=[tb])
    config = (tmp_path / 'projector_config.pbtxt').read_text()
    assert 'tensor_name: "emb_embedding"' in config and 'metadata_path: "labels.tsv"' in config
    rows = np.loadtxt(tmp_path / 'keras_embedding_emb.tsv', delimiter='\t', ndmin=2)
    table = m.get_layer('emb').get_weights()[0]
    np.testing.assert_allclose(rows, table[ids].reshape(7, 6), rtol=1e-6)
