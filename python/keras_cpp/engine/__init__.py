"""keras.engine: Layer, InputSpec, Input, InputLayer, Model (Sequential's base) and
get_source_inputs; Keras 1's Merge and merge."""
from . import base_layer
from . import input_layer
from . import topology
from . import training
from .base_layer import InputSpec, Layer
from .input_layer import Input, InputLayer
from .network import get_source_inputs
from .training import Model
from ..layers.merge import Merge, merge
