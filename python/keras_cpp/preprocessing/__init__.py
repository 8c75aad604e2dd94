"""keras.preprocessing: image, sequence and text."""
from . import image
from . import sequence
from . import text
