"""keras_cpp: Keras's Python API over keras.cpp's C++ engine.

    import keras_cpp as keras
    from keras_cpp.models import Sequential
    from keras_cpp.layers import Dense, Activation
"""
from . import _keras_cpp
from . import activations
from . import applications
from . import backend
from . import callbacks
from . import constraints
from . import datasets
from . import distributed
from . import engine
from . import initializers
from . import layers
from . import losses
from . import metrics
from . import models
from . import objectives
from . import initializations
from . import legacy
from . import optimizers
from . import preprocessing
from . import regularizers
from . import utils
from . import wrappers

# Keras's top-level names.
from .layers import Input  # noqa: E402
from .models import Model, Sequential  # noqa: E402

__version__ = '0.1.0'
