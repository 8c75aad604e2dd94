from . import scikit_learn
