import numpy as np
import pytest

import keras_cpp


@pytest.fixture(autouse=True)
def seeded():
    """Every test starts from the same seeds and fresh layer names."""
    np.random.seed(1234)
    keras_cpp.utils.set_random_seed(1234)
    keras_cpp.backend.clear_session()
    yield


@pytest.fixture(autouse=True)
def no_network(monkeypatch):
    """get_file reaches only local (file://) URLs in the tests: an offline machine's failure,
    the same on every machine, fast."""
    from urllib.error import URLError
    from keras_cpp.utils import data_utils
    opener = data_utils.urlopen

    def local_only(url, *args, **kwargs):
        if not str(url).startswith('file:'):
            raise URLError('network access is disabled in the test suite')
        return opener(url, *args, **kwargs)
    monkeypatch.setattr(data_utils, 'urlopen', local_only)
