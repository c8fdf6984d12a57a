"""m4ml: the companion package of *Mathematics for Machine Learning*.

The book's pages import everything that is used more than once from here:
datasets (:mod:`m4ml.data`), the figure style (:mod:`m4ml.plot`), numerical
helpers (:mod:`m4ml.stats`, :mod:`m4ml.linalg`, :mod:`m4ml.norms`,
:mod:`m4ml.metrics`, :mod:`m4ml.geometry`, :mod:`m4ml.kernels`,
:mod:`m4ml.features`, :mod:`m4ml.cluster`, :mod:`m4ml.calculus`,
:mod:`m4ml.matcalc`, :mod:`m4ml.nn`, :mod:`m4ml.smoothness`, :mod:`m4ml.optim`,
:mod:`m4ml.regression`) and self-checks
for coding exercises (:mod:`m4ml.exercises`).

Importing the package never touches the network and keeps no hidden state.
"""

from importlib import import_module
from typing import Any

__version__ = "0.1.0"
__all__ = [
    "book", "calculus", "cluster", "data", "exercises", "features", "geometry", "interactive", "kernels", "linalg", "metrics", "norms",
    "matcalc", "nn", "optim", "plot", "regression", "smoothness", "stats", "__version__",
]


def __getattr__(name: str) -> Any:
    # Import submodules on first use so that `import m4ml` stays fast.
    if name in __all__ and name != "__version__":
        module = import_module(f"{__name__}.{name}")
        globals()[name] = module
        return module
    raise AttributeError(f"module 'm4ml' has no attribute {name!r}")
