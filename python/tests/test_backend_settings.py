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


def test_legacy_weight_ordering_orders_layers_of_equal_depth_by_name():
    from keras_cpp.layers import Dense, Input, concatenate
    from keras_cpp.models import Model
    assert K.legacy_weight_ordering() is False  # Keras's default
    x = Input((3,))
    b = Dense(2, name='b_branch')(x)
    a = Dense(2, name='a_branch')(x)
    out = concatenate([b, a])
    names = [layer.name for layer in Model(x, out).layers]
    assert names.index('b_branch') < names.index('a_branch')  # the order they were reached
    K.set_legacy_weight_ordering(True)
    try:
        assert K.legacy_weight_ordering() is True
        model = Model(x, out)
        names = [layer.name for layer in model.layers]
        assert names.index('a_branch') < names.index('b_branch')
        # The weights follow the layers (what Keras 1 files saved before 1.0 rely on).
        assert [w.name for w in model.weights][:2] == ['a_branch/kernel', 'a_branch/bias']
    finally:
        K.set_legacy_weight_ordering(False)
