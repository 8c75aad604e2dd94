"""keras.preprocessing: sequence.pad_sequences."""
from . import sequence
