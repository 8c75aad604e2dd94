"""keras.engine.sequential: Sequential."""
from ..models import Sequential  # noqa: F401
