"""The input checks of :mod:`m4ml`, one of each kind, used by every module.

In the spirit of scikit-learn's ``sklearn.utils.validation``: :func:`check_array`
for arrays, :func:`check_scalar` for numbers with bounds, :func:`check_labels`
for class labels, :func:`check_bool` for flags, :func:`check_string` for text,
:func:`check_choice` for options named by a string, :func:`check_callable` for functions,
:func:`check_consistent_length` for arrays that must have one entry per
sample, and :func:`check_axis` for an axis of an array.

The same mistake gives the same exception everywhere: a wrong type raises
:class:`TypeError`, a wrong value, shape or a NaN raises :class:`ValueError`,
and every message has the form ``"<argument> must be <expected>, got <what>"``.
"""

from __future__ import annotations

import numbers
from typing import Any

import numpy as np

__all__ = [
    "check_array",
    "check_axis",
    "check_bool",
    "check_callable",
    "check_choice",
    "check_consistent_length",
    "check_labels",
    "check_scalar",
    "check_string",
    "describe",
]


def describe(value: Any) -> str:
    """A short description of ``value`` for an error message."""
    if isinstance(value, np.ndarray):
        return f"an array of shape {value.shape} and dtype {value.dtype}"
    return f"{type(value).__name__} {value!r}"[:120]


def check_array(
    value: Any,
    name: str,
    *,
    ndim: int | tuple[int, ...] | None = None,
    min_rows: int = 0,
    min_cols: int = 0,
    shape: tuple[int | None, ...] | None = None,
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
    min_cols : int
        The least length of the second axis (for 2-D arrays).
    shape : tuple, optional
        The required shape; ``None`` in an entry accepts any length there.
    allow_nan : bool
        Whether NaN entries are accepted. Infinite entries never are.

    Raises
    ------
    TypeError
        If ``value`` is not numeric (strings, objects, ``None``, booleans).
    ValueError
        If the shape is wrong or an entry is not finite.

    Examples
    --------
    >>> check_array([[1, 2], [3, 4]], "X", ndim=2).dtype
    dtype('float64')
    """
    if value is None or isinstance(value, (str, bytes)):
        raise TypeError(f"{name} must be an array of numbers, got {describe(value)}")
    try:
        arr = np.asarray(value)
    except (ValueError, TypeError) as err:  # ragged nested lists
        raise ValueError(f"{name} must be a rectangular array of numbers, got {err}") from None
    if arr.dtype == bool or not np.issubdtype(arr.dtype, np.number):
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
    if shape is not None and (
        arr.ndim != len(shape) or any(s is not None and s != a for s, a in zip(shape, arr.shape))
    ):
        want = "(" + ", ".join("any" if s is None else str(s) for s in shape) + ("," if len(shape) == 1 else "") + ")"
        raise ValueError(f"{name} must have shape {want}, got shape {arr.shape}")
    if min_rows and (arr.ndim == 0 or arr.shape[0] < min_rows):
        raise ValueError(
            f"{name} must have at least {min_rows} row(s) (samples), got shape {arr.shape}"
        )
    if min_cols and (arr.ndim < 2 or arr.shape[1] < min_cols):
        raise ValueError(
            f"{name} must have at least {min_cols} column(s) (features), got shape {arr.shape}"
        )
    if np.isinf(arr).any():
        raise ValueError(f"{name} must be finite, got {int(np.isinf(arr).sum())} infinite value(s)")
    if not allow_nan and np.isnan(arr).any():
        count = int(np.isnan(arr).sum())
        raise ValueError(
            f"{name} must not contain NaN, got {count} NaN value(s); remove or impute them first"
        )
    return arr


_BOUNDARIES = ("both", "left", "right", "neither")


def check_scalar(
    value: Any,
    name: str,
    *,
    target_type: type | tuple[type, ...],
    min_val: float | None = None,
    max_val: float | None = None,
    include_boundaries: str = "both",
    allow_inf: bool = False,
):
    """Check that ``value`` is a number of ``target_type`` within bounds, and return it.

    Booleans are never numbers here. NumPy scalars (``np.int64(3)``,
    ``np.float64(0.5)``) are accepted like Python ones: NumPy registers its
    integer types as :class:`numbers.Integral` and its float types as
    :class:`numbers.Real`.

    Parameters
    ----------
    value : object
        The input to check.
    name : str
        The argument's name, used in error messages.
    target_type : type or tuple of types
        Usually :class:`numbers.Integral` or :class:`numbers.Real`.
    min_val, max_val : float, optional
        The bounds, if any.
    include_boundaries : {"both", "left", "right", "neither"}
        Which bounds the value may equal.
    allow_inf : bool
        Whether ``np.inf`` (and ``-np.inf``) are accepted; NaN never is.

    Returns
    -------
    int or float
        ``int(value)`` for an integral target type, otherwise ``float(value)``.

    Raises
    ------
    TypeError
        If ``value`` is not of ``target_type`` (or is a bool).
    ValueError
        If ``value`` is NaN, infinite (unless allowed) or out of bounds.

    Examples
    --------
    >>> check_scalar(np.int64(3), "k", target_type=numbers.Integral, min_val=1)
    3
    """
    types = target_type if isinstance(target_type, tuple) else (target_type,)
    integral = all(issubclass(t, numbers.Integral) for t in types)
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, types):
        kind = "an integer" if integral else "a real number"
        raise TypeError(f"{name} must be {kind}, got {describe(value)}")
    value = int(value) if integral else float(value)
    if not integral:
        if np.isnan(value):
            raise ValueError(f"{name} must be a number, got nan")
        if np.isinf(value) and not allow_inf:
            raise ValueError(f"{name} must be finite, got {value!r}")
    if include_boundaries not in _BOUNDARIES:
        raise ValueError(f"include_boundaries must be one of {_BOUNDARIES}, got {include_boundaries!r}")
    low_closed = include_boundaries in ("both", "left")
    high_closed = include_boundaries in ("both", "right")
    if min_val is not None and (value < min_val or (value == min_val and not low_closed)):
        raise ValueError(f"{name} must be {'>=' if low_closed else '>'} {min_val:g}, got {value!r}")
    if max_val is not None and (value > max_val or (value == max_val and not high_closed)):
        raise ValueError(f"{name} must be {'<=' if high_closed else '<'} {max_val:g}, got {value!r}")
    return value


def check_bool(value: Any, name: str) -> bool:
    """Check that ``value`` is ``True`` or ``False`` (a NumPy bool too) and return it.

    Examples
    --------
    >>> check_bool(np.True_, "intercept")
    True
    """
    if not isinstance(value, (bool, np.bool_)):
        raise TypeError(f"{name} must be True or False, got {describe(value)}")
    return bool(value)


def check_choice(value: Any, name: str, choices: tuple[str, ...]) -> str:
    """Check that ``value`` is one of the strings in ``choices`` and return it.

    A value that is not a string raises :class:`TypeError`; a string that is
    not one of the choices raises :class:`ValueError`.
    """
    options = ", ".join(repr(c) for c in choices)
    if not isinstance(value, str):
        raise TypeError(f"{name} must be one of {options}, got {describe(value)}")
    if value not in choices:
        raise ValueError(f"{name} must be one of {options}, got {value!r}")
    return value


def check_string(value: Any, name: str, *, min_length: int = 0, what: str = "a string") -> str:
    """Check that ``value`` is a string of at least ``min_length`` non-blank characters.

    ``what`` says what the string is for, in the message ("a date like '2001-12-31'").

    Examples
    --------
    >>> check_string("tanh", "activation")
    'tanh'
    """
    if not isinstance(value, str):
        raise TypeError(f"{name} must be {what}, got {describe(value)}")
    if len(value.strip()) < min_length:
        raise ValueError(f"{name} must be {what} of at least {min_length} character(s), got {value!r}")
    return value


def check_callable(value: Any, name: str) -> Any:
    """Check that ``value`` can be called and return it."""
    if not callable(value):
        raise TypeError(f"{name} must be callable, got {describe(value)}")
    return value


def check_labels(
    value: Any,
    name: str,
    *,
    n_samples: int | None = None,
    n_classes: int | None = None,
    integer: bool = False,
    binary: bool = False,
) -> np.ndarray:
    """Check a 1-D array of class labels and return it as an array.

    Parameters
    ----------
    value : array_like, shape (N,)
        The labels: integers or strings (any labels unless ``integer`` or
        ``binary`` is set); never NaN.
    name : str
        The argument's name, used in error messages.
    n_samples : int, optional
        The required length N (one label per sample).
    n_classes : int, optional
        With integer labels, each must lie in ``0..n_classes - 1``.
    integer : bool
        Require an integer dtype.
    binary : bool
        Require the labels 0 and 1 only (integers or floats such as 1.0);
        the result is then a float64 array.

    Raises
    ------
    TypeError
        If ``value`` is not an array of labels, or not integers when required.
    ValueError
        If its shape or values are wrong.
    """
    if value is None or isinstance(value, (str, bytes, dict, set)) or np.isscalar(value):
        raise TypeError(f"{name} must be a 1-D array of labels, got {describe(value)}")
    try:
        arr = np.asarray(value)
    except (ValueError, TypeError) as err:
        raise ValueError(f"{name} must be a 1-D array of labels, got {err}") from None
    if arr.dtype.kind not in "biufUS":
        raise TypeError(f"{name} must hold numbers or strings, got dtype {arr.dtype}")
    if arr.ndim != 1:
        raise ValueError(f"{name} must be 1-D (one label per sample), got shape {arr.shape}")
    if n_samples is not None and arr.shape[0] != n_samples:
        raise ValueError(f"{name} must have one label per sample, shape ({n_samples},), got shape {arr.shape}")
    if arr.dtype.kind == "f" and not np.isfinite(arr).all():
        raise ValueError(f"{name} must not contain NaN or infinite labels, got {int((~np.isfinite(arr)).sum())}")
    if binary:
        if arr.dtype.kind not in "biuf" or arr.dtype == bool:
            raise TypeError(f"{name} must hold labels 0 and 1, got dtype {arr.dtype}")
        if not np.all((arr == 0) | (arr == 1)):
            bad = np.unique(arr[(arr != 0) & (arr != 1)])[:5]
            raise ValueError(f"{name} must hold labels 0 and 1 only, got {bad.tolist()}")
        return arr.astype(np.float64)
    if integer and (arr.dtype == bool or arr.dtype.kind not in "iu"):
        want = f"integer class labels 0..{n_classes - 1}" if n_classes else "integer labels"
        raise TypeError(f"{name} must hold {want}, got dtype {arr.dtype}")
    if n_classes is not None and arr.size and (arr.min() < 0 or arr.max() >= n_classes):
        raise ValueError(
            f"{name} must hold labels in 0..{n_classes - 1}, got values from {arr.min()} to {arr.max()}"
        )
    return arr


def check_consistent_length(**arrays: np.ndarray) -> int:
    """Check that the arrays, given by name, have the same first dimension; return it.

    Examples
    --------
    >>> check_consistent_length(X=np.zeros((3, 2)), y=np.zeros(3))
    3
    """
    lengths = {name: (len(a) if np.ndim(a) else 0) for name, a in arrays.items()}
    first_name, first = next(iter(lengths.items()))
    for name, length in lengths.items():
        if length != first:
            raise ValueError(
                f"{name} must have one entry per row of {first_name} ({first}), got length {length}"
            )
    return first


def check_axis(arr: np.ndarray, name: str, axis: Any, *, what: str = "entries") -> int:
    """Check that ``axis`` indexes a non-empty axis of ``arr`` (an array named ``name``).

    ``what`` names the items along the axis in the message ("scores", "coordinates").
    """
    axis = check_scalar(axis, "axis", target_type=numbers.Integral)
    if arr.ndim == 0:
        raise ValueError(f"{name} must have at least one dimension ({what} along an axis), got a scalar; "
                         f"wrap it as [{name}]")
    if not -arr.ndim <= axis < arr.ndim:
        raise ValueError(f"axis must lie in {-arr.ndim}..{arr.ndim - 1} for {name} of shape {arr.shape}, got {axis}")
    if arr.shape[axis] == 0:
        raise ValueError(f"{name} must have {what} along axis {axis}, got shape {arr.shape}")
    return axis
