"""What the book's pages need from the book's toolchain, for notebooks run outside the book.

The pages hand computed numbers to their prose with ``glue(name, value, display=False)``
from MyST-NB. The notebooks exported from the book (``make notebooks``, or the download
menu of each page) import :func:`glue` from here instead, so that they run in any Jupyter
where ``m4ml`` is installed. Inside a book build MyST-NB's own ``glue`` is used.
"""

from __future__ import annotations

from typing import Any

from ._validation import check_bool, check_string

__all__ = ["glue", "GLUED"]

#: Every value glued so far in this kernel, by name (outside a book build).
GLUED: dict[str, Any] = {}


def glue(name: str, variable: Any, display: bool = True) -> None:
    """Record ``variable`` under ``name``, and show it unless ``display`` is False.

    In a book build this is MyST-NB's ``glue``, which also hands the value to the prose.
    """
    check_string(name, "name", min_length=1)
    display = check_bool(display, "display")
    try:
        from myst_nb import glue as myst_glue
    except ImportError:
        GLUED[name] = variable
        if display:
            from IPython.display import display as show

            show(variable)
        return
    myst_glue(name, variable, display=display)
