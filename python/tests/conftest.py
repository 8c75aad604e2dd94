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
