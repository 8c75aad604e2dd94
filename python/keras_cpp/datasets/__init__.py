"""Keras's datasets read from local files (nothing downloads)."""
from . import fashion_mnist
from . import mnist
