"""Keras's datasets, read from local files in Keras's formats (nothing downloads): boston_housing,
cifar10, cifar100, fashion_mnist, imdb, mnist, reuters."""
from . import boston_housing
from . import cifar
from . import cifar10
from . import cifar100
from . import fashion_mnist
from . import imdb
from . import mnist
from . import reuters
