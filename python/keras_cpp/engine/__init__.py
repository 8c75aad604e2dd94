"""keras.engine: Layer, InputSpec, Input, InputLayer, Model (Sequential's base) and
get_source_inputs; Keras 1's Merge and merge; the saving and training_utils modules."""
from . import base_layer
from . import input_layer
from . import saving
from . import topology
from . import training
from . import training_utils
from .base_layer import InputSpec, Layer
from .input_layer import Input, InputLayer
from .network import get_source_inputs
from .training import Model
from ..layers.merge import Merge, merge
