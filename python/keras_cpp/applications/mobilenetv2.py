"""keras.applications.mobilenetv2: Keras 2.2.4's backward-compatible name of mobilenet_v2."""
from .mobilenet_v2 import *  # noqa: F401,F403
