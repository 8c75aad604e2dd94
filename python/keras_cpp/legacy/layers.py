"""keras.legacy.layers: Keras 1's Merge/merge, MaxoutDense, Highway, AtrousConvolution1D/2D and
the recurrent bases Recurrent and ConvRecurrent2D, as Keras 2.2.4 kept them."""
from ..layers.convolutional import AtrousConvolution1D, AtrousConvolution2D  # noqa: F401
from ..layers.convolutional_recurrent import ConvRecurrent2D  # noqa: F401
from ..layers.core import Highway, MaxoutDense  # noqa: F401
from ..layers.merge import Merge, merge  # noqa: F401
from ..layers.recurrent import Recurrent  # noqa: F401
