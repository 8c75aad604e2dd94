"""The backend's image layout setting is the C++ engine's (keras.json, K.set_image_data_format,
Keras 1's K.set_image_dim_ordering), and image layers follow it."""
from keras_cpp import backend as K
from keras_cpp.layers import Conv2D, MaxPooling2D
from keras_cpp.models import Sequential


def test_image_data_format_follows_the_engine():
    assert K.image_data_format() == 'channels_last' and K.image_dim_ordering() == 'tf'
    try:
        K.set_image_dim_ordering('th')
        assert K.image_data_format() == 'channels_first'
        model = Sequential([Conv2D(2, (3, 3), input_shape=(1, 6, 6)), MaxPooling2D()])
        assert model.output_shape == (None, 2, 2, 2)
        K.set_image_data_format('channels_last')
        assert K.image_dim_ordering() == 'tf'
    finally:
        K.set_image_data_format('channels_last')
    model = Sequential([Conv2D(2, (3, 3), input_shape=(6, 6, 1)), MaxPooling2D()])
    assert model.output_shape == (None, 2, 2, 2)
