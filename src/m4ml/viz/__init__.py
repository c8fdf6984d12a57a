"""Figures: the book's static style (Matplotlib) and interactive figures (Plotly).

The modules are imported on first use: Matplotlib and Plotly are slow to import.
"""

from importlib import import_module
from typing import Any

__all__ = ["interactive", "style"]


def __getattr__(name: str) -> Any:
    if name in __all__:
        module = import_module(f"{__name__}.{name}")
        globals()[name] = module
        return module
    raise AttributeError(f"module 'm4ml.viz' has no attribute {name!r}")
