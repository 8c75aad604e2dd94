"""keras.preprocessing: sequence and text."""
from . import sequence
from . import text
