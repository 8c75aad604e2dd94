"""keras.layers.pooling: Max/AveragePooling1D/2D/3D (Keras 1's pool_length, stride, border_mode,
dim_ordering too) and GlobalMax/AveragePooling1D/2D/3D."""
from .._keras_cpp import layers as _layers


def _pooling_class(name, default):
    def __init__(self, pool_size=None, strides=None, padding=None, data_format=None, **kwargs):
        _layers._Pooling.__init__(self, name, pool_size, strides, padding, data_format,
                                  **kwargs)

    doc = '%s(pool_size=%r, strides=None, padding=\'valid\', data_format=None)' % (name, default)
    __init__.__doc__ = doc
    return type(name, (_layers._Pooling,), {'__init__': __init__, '__doc__': doc})


def _global_pooling_class(name):
    def __init__(self, data_format=None, **kwargs):
        _layers._GlobalPooling.__init__(self, name, data_format, **kwargs)

    doc = '%s(data_format=None)' % name
    __init__.__doc__ = doc
    return type(name, (_layers._GlobalPooling,), {'__init__': __init__, '__doc__': doc})


MaxPooling1D = _pooling_class('MaxPooling1D', 2)
MaxPooling2D = _pooling_class('MaxPooling2D', (2, 2))
MaxPooling3D = _pooling_class('MaxPooling3D', (2, 2, 2))
AveragePooling1D = _pooling_class('AveragePooling1D', 2)
AveragePooling2D = _pooling_class('AveragePooling2D', (2, 2))
AveragePooling3D = _pooling_class('AveragePooling3D', (2, 2, 2))
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

__all__ = ['MaxPooling1D', 'MaxPooling2D', 'MaxPooling3D', 'AveragePooling1D',
           'AveragePooling2D', 'AveragePooling3D', 'GlobalMaxPooling1D', 'GlobalMaxPooling2D',
           'GlobalMaxPooling3D', 'GlobalAveragePooling1D', 'GlobalAveragePooling2D',
           'GlobalAveragePooling3D', 'MaxPool1D', 'MaxPool2D', 'MaxPool3D', 'AvgPool1D',
           'AvgPool2D', 'AvgPool3D', 'GlobalMaxPool1D', 'GlobalMaxPool2D', 'GlobalAvgPool1D',
           'GlobalAvgPool2D']
