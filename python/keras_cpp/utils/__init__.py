"""Keras's utils: to_categorical, set_random_seed."""
from . import generic_utils
from . import np_utils
from .np_utils import to_categorical
from .._keras_cpp.utils import set_random_seed
