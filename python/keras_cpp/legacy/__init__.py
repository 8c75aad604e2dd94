"""keras.legacy: the Keras 1 layers Keras 2 kept (legacy.layers) and the argument conversions
of Keras 1 calls (legacy.interfaces)."""
from . import interfaces
from . import layers
