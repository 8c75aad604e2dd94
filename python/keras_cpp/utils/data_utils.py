"""keras.utils.data_utils: get_file (Keras's cache, downloading what is missing), Sequence and
the enqueuers that feed fit_generator from worker threads."""
import hashlib
import os
import queue
import random
import shutil
import tarfile
import tempfile
import threading
import zipfile
from concurrent.futures import ThreadPoolExecutor
from urllib.request import urlopen
from urllib.request import urlretrieve  # noqa: F401 (Keras's data_utils.urlretrieve on Python 3)


def keras_home():
    """Keras's cache folder: $KERAS_HOME, else ~/.keras."""
    return os.environ.get('KERAS_HOME') or os.path.join(os.path.expanduser('~'), '.keras')


def _hash_file(fpath, algorithm='sha256', chunk_size=65535):
    """The file's sha256 or md5 hex digest."""
    if algorithm in ('sha256', 'auto'):
        hasher = hashlib.sha256()
    else:
        hasher = hashlib.md5()
    with open(fpath, 'rb') as f:
        for chunk in iter(lambda: f.read(chunk_size), b''):
            hasher.update(chunk)
    return hasher.hexdigest()


def validate_file(fpath, file_hash, algorithm='auto', chunk_size=65535):
    """Whether the file's hash is `file_hash` ('auto' tells sha256 from md5 by length)."""
    if algorithm == 'sha256' or (algorithm == 'auto' and len(file_hash) == 64):
        hasher = 'sha256'
    else:
        hasher = 'md5'
    return str(_hash_file(fpath, hasher, chunk_size)) == str(file_hash)


def _extract_archive(file_path, path='.', archive_format='auto'):
    """Extracts a tar or zip archive into `path`; True when it was one of `archive_format`."""
    if archive_format is None:
        return False
    if archive_format == 'auto':
        archive_format = ['tar', 'zip']
    if isinstance(archive_format, str):
        archive_format = [archive_format]
    for archive_type in archive_format:
        if archive_type == 'tar':
            is_match, opener = tarfile.is_tarfile, tarfile.open
        elif archive_type == 'zip':
            is_match, opener = zipfile.is_zipfile, zipfile.ZipFile
        else:
            continue
        if is_match(file_path):
            with opener(file_path) as archive:
                archive.extractall(path)
            return True
    return False


def _missing_file_message(what, fname, looked_in, origin, cache_subdir='datasets',
                         cache_dir=None, failure=None):
    """The error for a file that is not there: which file, where it was looked for, why it could
    not be downloaded (`failure`; None: not tried), where to get it and where to put it:
    cache_subdir of cache_dir, by default of Keras's cache ($KERAS_HOME)."""
    places = ', '.join("'" + p + "'" for p in looked_in)
    folder = os.path.join(os.path.expanduser(cache_dir or keras_home()), cache_subdir)
    if cache_dir is None:
        folder += " ($KERAS_HOME/" + cache_subdir + ", default ~/.keras/" + cache_subdir + ")"
    tried = ('' if failure is None else
             'Downloading it from ' + origin + ' failed (' + failure + '). ')
    return (what + ": the file '" + fname + "' was not found (looked for " + places + "). " +
            tried + "Get it from " + origin + " and place it under " + folder +
            ", or pass its path.")


def _download(origin, fpath, file_hash, hash_algorithm):
    """origin's bytes into fpath, which appears only complete and checked (a temporary file in
    the same folder, renamed): None, or why it failed."""
    folder = os.path.dirname(fpath)
    partial = None
    try:
        with urlopen(origin, timeout=60) as response:
            os.makedirs(folder, exist_ok=True)
            handle, partial = tempfile.mkstemp(prefix=os.path.basename(fpath) + '.',
                                               suffix='.part', dir=folder)
            with os.fdopen(handle, 'wb') as out:
                shutil.copyfileobj(response, out)
        if file_hash is not None and not validate_file(partial, file_hash, hash_algorithm):
            return 'the downloaded file does not match the expected hash ' + file_hash
        os.replace(partial, fpath)
        return None
    except Exception as e:  # noqa: BLE001 (URLError, HTTPError, timeouts, disk errors: reported)
        return type(e).__name__ + ': ' + str(getattr(e, 'reason', e))
    finally:
        if partial is not None and os.path.exists(partial):
            os.remove(partial)


def get_file(fname, origin, untar=False, md5_hash=None, file_hash=None, cache_subdir='datasets',
             hash_algorithm='auto', extract=False, archive_format='auto', cache_dir=None):
    """The path of `fname` in Keras's cache (cache_dir or $KERAS_HOME or ~/.keras, then
    cache_subdir); an absolute fname is used as it is. A missing file is downloaded from `origin`
    (any URL urllib opens: https, file, ...), as is a file that does not match a given
    file_hash (or md5_hash); a failed download raises FileNotFoundError (ValueError for a
    mismatching local file) saying what failed, where the file was looked for and where to put
    it, and leaves no partial file behind.

    untar: fname names the folder extracted from fname + '.tar.gz' (extracted when only the
    archive is there); extract: the archive's contents are extracted next to it.
    """
    given_cache_dir = cache_dir
    if cache_dir is None:
        cache_dir = keras_home()
    if md5_hash is not None and file_hash is None:
        file_hash, hash_algorithm = md5_hash, 'md5'
    datadir = os.path.join(os.path.expanduser(cache_dir), cache_subdir)
    fname = os.fspath(fname)
    if untar:
        untar_fpath = os.path.join(datadir, fname)
        fpath = untar_fpath + '.tar.gz'
    else:
        fpath = os.path.join(datadir, fname)

    if untar and os.path.exists(untar_fpath):
        return untar_fpath
    if not os.path.exists(fpath):
        failure = _download(origin, fpath, file_hash, hash_algorithm)
        if failure is not None:
            looked_in = [untar_fpath, fpath] if untar else [fpath]
            raise FileNotFoundError(_missing_file_message('get_file', os.path.basename(fpath),
                                                         looked_in, origin, cache_subdir,
                                                         given_cache_dir, failure))
    elif file_hash is not None and not validate_file(fpath, file_hash, hash_algorithm):
        # Incomplete or outdated: downloaded again, as Keras does.
        failure = _download(origin, fpath, file_hash, hash_algorithm)
        if failure is not None:
            algorithm = ('sha256' if hash_algorithm == 'sha256' or
                         (hash_algorithm == 'auto' and len(file_hash) == 64) else 'md5')
            raise ValueError("get_file: the local file '" + fpath + "' does not match the " +
                             'expected ' + algorithm + ' hash ' + file_hash + ' (incomplete or '
                             'outdated), and downloading it again from ' + origin + ' failed (' +
                             failure + '); replace it with the file from ' + origin)
    if untar:
        _extract_archive(fpath, datadir, archive_format='tar')
        return untar_fpath
    if extract:
        _extract_archive(fpath, datadir, archive_format)
    return fpath


class Sequence(object):
    """Base object for fitting to a sequence of data (Keras's): implement __getitem__(index)
    returning a complete batch and __len__ (the number of batches); on_epoch_end runs after
    each epoch. Safe to feed from several worker threads, unlike a generator."""

    def __getitem__(self, index):
        raise NotImplementedError

    def __len__(self):
        raise NotImplementedError

    def on_epoch_end(self):
        pass

    def __iter__(self):
        for index in range(len(self)):
            yield self[index]


def iter_sequence_infinite(seq):
    """The batches of `seq` in order, over and over."""
    while True:
        for item in seq:
            yield item


class SequenceEnqueuer(object):
    """Base class of the enqueuers: start(workers, max_queue_size), get(), stop()."""

    def __init__(self, sequence=None, use_multiprocessing=False):
        self.sequence = sequence
        # Workers are threads: the engine releases the GIL while it computes, and threads need
        # no pickling of the data source. use_multiprocessing is accepted for Keras's signature.
        self.use_multiprocessing = use_multiprocessing
        self.workers = 0
        self.queue = None
        self.stop_signal = None
        self.run_threads = []
        self._ends = 0

    def is_running(self):
        return self.stop_signal is not None and not self.stop_signal.is_set()

    def start(self, workers=1, max_queue_size=10):
        """Starts `workers` threads filling a queue of at most max_queue_size batches."""
        if workers < 1:
            raise ValueError('workers must be at least 1, got ' + str(workers))
        self.workers = workers
        self.queue = queue.Queue(max_queue_size)
        self.stop_signal = threading.Event()
        self._ends = 0
        self.run_threads = [threading.Thread(target=target, daemon=True)
                            for target in self._targets()]
        for thread in self.run_threads:
            thread.start()

    def stop(self, timeout=None):
        """Stops the workers and waits for them (up to `timeout` seconds)."""
        if self.stop_signal is None:
            return
        self.stop_signal.set()
        while not self.queue.empty():  # unblocks the workers' puts
            try:
                self.queue.get_nowait()
            except queue.Empty:
                break
        for thread in self.run_threads:
            if thread is not threading.current_thread():
                thread.join(timeout)
        self.run_threads = []

    def _put(self, item):
        """Puts `item` on the queue unless stopped; False when stopped."""
        while not self.stop_signal.is_set():
            try:
                self.queue.put(item, block=True, timeout=0.1)
                return True
            except queue.Full:
                continue
        return False

    def _targets(self):
        """The functions the worker threads run."""
        raise NotImplementedError

    def get(self):
        """A generator of the enqueued batches; a worker's exception is raised here."""
        while self.is_running() or not self.queue.empty():
            try:
                ok, value = self.queue.get(block=True, timeout=0.1)
            except queue.Empty:
                continue
            if not ok:
                self.stop()
                raise value
            if value is _END:  # a worker's source is exhausted
                self._ends += 1
                if self._ends == len(self.run_threads):
                    return
                continue
            yield value


_END = object()


class OrderedEnqueuer(SequenceEnqueuer):
    """Feeds the batches of a Sequence in order (shuffled order per epoch with shuffle=True),
    computing them on worker threads; get() yields them epoch after epoch, calling the
    sequence's on_epoch_end after each."""

    def __init__(self, sequence, use_multiprocessing=False, shuffle=False):
        super().__init__(sequence, use_multiprocessing)
        self.shuffle = shuffle

    def _targets(self):
        return [self._run]

    def _run(self):
        try:
            with ThreadPoolExecutor(self.workers) as executor:
                while not self.stop_signal.is_set():
                    order = list(range(len(self.sequence)))
                    if self.shuffle:
                        random.shuffle(order)
                    # At most max_queue_size batches are in flight: the queue bounds them.
                    pending = []
                    for index in order:
                        pending.append(executor.submit(self.sequence.__getitem__, index))
                        if len(pending) >= max(self.queue.maxsize, 1):
                            if not self._put((True, pending.pop(0).result())):
                                return
                    for future in pending:
                        if not self._put((True, future.result())):
                            return
                    self.sequence.on_epoch_end()
        except Exception as e:  # noqa: BLE001 (delivered to the consumer by get())
            self._put((False, e))


class GeneratorEnqueuer(SequenceEnqueuer):
    """Runs a Python generator on worker threads (one at a time: generators are not
    thread-safe) and queues what it yields; get() yields it. wait_time is accepted for
    Keras 2.2.4's signature; seed seeds Python's and numpy's random on the worker."""

    def __init__(self, generator, use_multiprocessing=False, wait_time=0.05, seed=None):
        super().__init__(None, use_multiprocessing)
        self._generator = generator
        self.wait_time = wait_time
        self.seed = seed
        self._lock = threading.Lock()

    def _work(self):
        if self.seed is not None:
            import numpy as np
            random.seed(self.seed)
            np.random.seed(self.seed)
        try:
            while not self.stop_signal.is_set():
                with self._lock:
                    item = next(self._generator)
                if not self._put((True, item)):
                    return
        except StopIteration:
            self._put((True, _END))
        except Exception as e:  # noqa: BLE001 (delivered to the consumer by get())
            self._put((False, e))

    def _targets(self):
        return [self._work] * self.workers
