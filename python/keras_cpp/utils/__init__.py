"""Keras's utils: to_categorical, normalize, Sequence and the enqueuers, get_file (offline),
HDF5Matrix, custom objects and (de)serialization, Progbar, model pictures and summaries, and the
modules np_utils, generic_utils, data_utils, io_utils, conv_utils, layer_utils, vis_utils
(Keras 1: visualize_util), multi_gpu_utils; test_utils (Keras's test data and layer_test) on import."""
from . import conv_utils
from . import data_utils
from . import generic_utils
from . import io_utils
from . import layer_utils
from . import multi_gpu_utils
from . import np_utils
from . import vis_utils
from . import visualize_util
from .data_utils import GeneratorEnqueuer, OrderedEnqueuer, Sequence, SequenceEnqueuer, get_file
from .generic_utils import (CustomObjectScope, Progbar, custom_object_scope,
                            deserialize_keras_object, get_custom_objects, serialize_keras_object)
from .io_utils import HDF5Matrix, h5dict
from .layer_utils import convert_all_kernels_in_model, get_source_inputs, print_summary
from .multi_gpu_utils import multi_gpu_model
from .np_utils import normalize, to_categorical
from .vis_utils import model_to_dot, plot_model
from .._keras_cpp.utils import set_random_seed
