"""keras.engine.network: Network (the functional graph of layers: Model here) and
get_source_inputs."""
from ..models import Model as Network  # noqa: F401
from ..utils.layer_utils import get_source_inputs  # noqa: F401
