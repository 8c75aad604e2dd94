"""keras.applications: the ImageNet models of Keras 2.2.4 (its keras_applications 1.0.6) with
Keras's signatures, layer names and weight files, and Keras 1.2.2's music tagger (in
keras_cpp.applications.music_tagger_crnn). weights='imagenet' fetches Keras's file through
keras_cpp.utils.get_file (the cache's 'models' folder)."""
from . import imagenet_utils  # noqa: F401
from .densenet import DenseNet121, DenseNet169, DenseNet201  # noqa: F401
from .inception_resnet_v2 import InceptionResNetV2  # noqa: F401
from .inception_v3 import InceptionV3  # noqa: F401
from .mobilenet import MobileNet  # noqa: F401
from .mobilenet_v2 import MobileNetV2  # noqa: F401
from .nasnet import NASNetLarge, NASNetMobile  # noqa: F401
from .resnet50 import ResNet50  # noqa: F401
from .vgg16 import VGG16  # noqa: F401
from .vgg19 import VGG19  # noqa: F401
from .xception import Xception  # noqa: F401
