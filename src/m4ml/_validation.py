"""Input checks shared by the public functions of :mod:`m4ml`.

Every check names the argument it looked at, what it expected and what it got,
so that a reader who passes the wrong thing learns how to fix it.
"""

from __future__ import annotations

import numbers
from typing import Any

import numpy as np

__all__ = ["as_float_array", "check_axis", "check_positive", "check_integer", "check_choice"]


def _describe(value: Any) -> str:
    if isinstance(value, np.ndarray):
        return f"an array of shape {value.shape} and dtype {value.dtype}"
    return f"{type(value).__name__} {value!r}"[:120]


def as_float_array(
    value: Any,
    name: str,
    *,
    ndim: int | tuple[int, ...] | None = None,
    min_rows: int = 0,
    allow_nan: bool = False,
) -> np.ndarray:
    """Convert ``value`` to a float64 array and check its shape and values.

    Parameters
    ----------
    value : array_like
        The input to check.
    name : str
        The argument's name, used in error messages.
    ndim : int or tuple of int, optional
        The allowed numbers of dimensions.
    min_rows : int
        The least length of the first axis.
    allow_nan : bool
        Whether NaN entries are accepted. Infinite entries never are.

    Raises
    ------
    TypeError
        If ``value`` is not numeric (strings, objects, ``None``).
    ValueError
        If the shape is wrong or an entry is not finite.
    """
    if value is None or isinstance(value, (str, bytes)):
        raise TypeError(f"{name} must be an array of numbers, got {_describe(value)}")
    try:
        arr = np.asarray(value)
    except ValueError as err:  # ragged nested lists
        raise ValueError(f"{name} must be a rectangular array of numbers: {err}") from None
    if arr.dtype == bool or not (np.issubdtype(arr.dtype, np.number)):
        raise TypeError(
            f"{name} must be an array of numbers, got dtype {arr.dtype}"
            + (" (booleans are not numbers here)" if arr.dtype == bool else "")
        )
    if np.issubdtype(arr.dtype, np.complexfloating):
        raise TypeError(f"{name} must be real, got complex dtype {arr.dtype}")
    arr = arr.astype(np.float64, copy=False)
    if ndim is not None:
        allowed = (ndim,) if isinstance(ndim, int) else tuple(ndim)
        if arr.ndim not in allowed:
            want = " or ".join(f"{d}-D" for d in allowed)
            raise ValueError(f"{name} must be {want}, got an array of shape {arr.shape}")
    if arr.ndim >= 1 and arr.shape[0] < min_rows:
        raise ValueError(
            f"{name} needs at least {min_rows} rows (samples), got shape {arr.shape}"
        )
    if np.isinf(arr).any():
        raise ValueError(f"{name} contains infinite values")
    if not allow_nan and np.isnan(arr).any():
        count = int(np.isnan(arr).sum())
        raise ValueError(
            f"{name} contains {count} NaN value(s); remove or impute them first"
        )
    return arr


def check_positive(value: Any, name: str, *, strict: bool = True) -> float:
    """Return ``value`` as a float after checking it is a finite positive number."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be a real number, got {_describe(value)}")
    value = float(value)
    if not np.isfinite(value) or (value <= 0 if strict else value < 0):
        kind = "positive" if strict else "non-negative"
        raise ValueError(f"{name} must be a finite {kind} number, got {value!r}")
    return value


def check_integer(value: Any, name: str, *, minimum: int | None = None) -> int:
    """Return ``value`` as an int after checking its type and lower bound."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{name} must be an integer, got {_describe(value)}")
    value = int(value)
    if minimum is not None and value < minimum:
        raise ValueError(f"{name} must be at least {minimum}, got {value}")
    return value


def check_choice(value: Any, name: str, choices: tuple[str, ...]) -> str:
    """Check that ``value`` is one of the strings in ``choices``."""
    if value not in choices:
        options = ", ".join(repr(c) for c in choices)
        raise ValueError(f"{name} must be one of {options}, got {value!r}")
    return value


def check_axis(arr: np.ndarray, name: str, axis: Any, *, what: str = "entries") -> int:
    """Check that ``axis`` indexes a non-empty axis of ``arr`` (an array named ``name``).

    ``what`` names the items along the axis in the message ("scores", "coordinates").
    """
    axis = check_integer(axis, "axis")
    if arr.ndim == 0:
        raise ValueError(f"{name} must have at least one dimension ({what} along an axis), got a scalar; "
                         f"wrap it as [{name}]")
    if not -arr.ndim <= axis < arr.ndim:
        raise ValueError(f"axis must lie in {-arr.ndim}..{arr.ndim - 1} for {name} of shape {arr.shape}, got {axis}")
    if arr.shape[axis] == 0:
        raise ValueError(f"{name} has no {what} along axis {axis} (shape {arr.shape})")
    return axis
