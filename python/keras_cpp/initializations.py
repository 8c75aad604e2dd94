"""Keras 1's name for `initializers`."""
from .initializers import *  # noqa: F401,F403
from .initializers import get  # noqa: F401
