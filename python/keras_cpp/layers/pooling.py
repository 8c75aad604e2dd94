"""keras.layers.pooling: Max/AveragePooling1D/2D/3D (Keras 1's pool_length, stride, border_mode,
dim_ordering too) and GlobalMax/AveragePooling1D/2D/3D."""
import functools

from .._keras_cpp import layers as _layers
from ._signature import family_class


_pooling_class = functools.partial(family_class, _layers._Pooling)
_global_pooling_class = functools.partial(family_class, _layers._GlobalPooling)


MaxPooling1D = _pooling_class('MaxPooling1D')
MaxPooling2D = _pooling_class('MaxPooling2D')
MaxPooling3D = _pooling_class('MaxPooling3D')
AveragePooling1D = _pooling_class('AveragePooling1D')
AveragePooling2D = _pooling_class('AveragePooling2D')
AveragePooling3D = _pooling_class('AveragePooling3D')
GlobalMaxPooling1D = _global_pooling_class('GlobalMaxPooling1D')
GlobalMaxPooling2D = _global_pooling_class('GlobalMaxPooling2D')
GlobalMaxPooling3D = _global_pooling_class('GlobalMaxPooling3D')
GlobalAveragePooling1D = _global_pooling_class('GlobalAveragePooling1D')
GlobalAveragePooling2D = _global_pooling_class('GlobalAveragePooling2D')
GlobalAveragePooling3D = _global_pooling_class('GlobalAveragePooling3D')
# Keras 2's short aliases.
MaxPool1D, MaxPool2D, MaxPool3D = MaxPooling1D, MaxPooling2D, MaxPooling3D
AvgPool1D, AvgPool2D, AvgPool3D = AveragePooling1D, AveragePooling2D, AveragePooling3D
GlobalMaxPool1D, GlobalMaxPool2D = GlobalMaxPooling1D, GlobalMaxPooling2D
GlobalAvgPool1D, GlobalAvgPool2D = GlobalAveragePooling1D, GlobalAveragePooling2D
GlobalMaxPool3D, GlobalAvgPool3D = GlobalMaxPooling3D, GlobalAveragePooling3D

__all__ = ['MaxPooling1D', 'MaxPooling2D', 'MaxPooling3D', 'AveragePooling1D',
           'AveragePooling2D', 'AveragePooling3D', 'GlobalMaxPooling1D', 'GlobalMaxPooling2D',
           'GlobalMaxPooling3D', 'GlobalAveragePooling1D', 'GlobalAveragePooling2D',
           'GlobalAveragePooling3D', 'MaxPool1D', 'MaxPool2D', 'MaxPool3D', 'AvgPool1D',
           'AvgPool2D', 'AvgPool3D', 'GlobalMaxPool1D', 'GlobalMaxPool2D', 'GlobalAvgPool1D',
           'GlobalAvgPool2D', 'GlobalMaxPool3D', 'GlobalAvgPool3D']
