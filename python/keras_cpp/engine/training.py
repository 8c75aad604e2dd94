"""keras.engine.training: Model, the base of Sequential (compile/fit/evaluate/predict)."""
from .._keras_cpp.models import Model  # noqa: F401
