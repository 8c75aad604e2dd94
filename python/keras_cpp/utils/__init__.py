"""Keras's utils: to_categorical, set_random_seed, custom objects, model pictures, and the
Keras 1 modules np_utils, generic_utils, layer_utils, visualize_util."""
from . import generic_utils
from . import np_utils
from . import layer_utils
from . import vis_utils
from . import visualize_util
from .generic_utils import CustomObjectScope, custom_object_scope, get_custom_objects
from .np_utils import to_categorical
from .vis_utils import model_to_dot, plot_model
from .._keras_cpp.utils import set_random_seed
