"""keras.applications.vgg19: the VGG19 model (Simonyan & Zisserman, arXiv:1409.1556) with Keras's
layer names, so Keras's weight files load into it."""
from .imagenet_utils import decode_predictions, preprocess_input
from .vgg16 import _vgg

__all__ = ['VGG19', 'decode_predictions', 'preprocess_input']


def VGG19(include_top=True, weights='imagenet', input_tensor=None, input_shape=None,
          pooling=None, classes=1000):
    """The VGG19 architecture (143,667,240 parameters with the classifier); the arguments are
    VGG16's."""
    return _vgg((2, 2, 4, 4, 4), 'vgg19', include_top, weights, input_tensor, input_shape,
                pooling, classes, {True: 'cbe5617147190e668d6c5d5026f83318',
                                   False: '253f8cb515780f3b799900260a226db6'})
