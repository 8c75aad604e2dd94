"""keras.engine.topology: Layer, InputSpec, Node, Input, InputLayer, Network and get_source_inputs
(Keras 2.2.4 keeps it for compatibility); Keras 1 also had merge, Merge and Container (the
graph base of Model) here."""
from .base_layer import InputSpec, Layer, Node  # noqa: F401
from .input_layer import Input, InputLayer  # noqa: F401
from .network import Network, get_source_inputs  # noqa: F401
from ..layers.merge import Merge, merge  # noqa: F401
from ..utils.generic_utils import object_list_uid, to_list  # noqa: F401 (Keras 1.2.2 had them here)

Container = Network  # Keras 1's name of the functional graph base of Model
