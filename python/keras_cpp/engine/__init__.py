"""keras.engine: the Layer base class and the engine's Model (Sequential's base)."""
from . import topology
from . import training
from .topology import Input, InputLayer, Layer
from .training import Model
