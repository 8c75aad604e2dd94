"""keras.engine.training: Model, the base of Sequential (compile/fit/evaluate/predict)."""
from ..models import Model  # noqa: F401
