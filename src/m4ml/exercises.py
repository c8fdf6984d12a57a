"""Self-checks for the book's coding exercises.

``check(answer, expected)`` compares a reader's result with the right one and,
when they differ, says *how* they differ: a wrong shape, a transposed matrix,
a sign error, a constant factor (such as dividing by N instead of N - 1), or
NaN values. ``check_function`` runs a reader's function on several inputs.

Pages call them in exercises like this::

    from m4ml.exercises import check
    check(my_answer, expected, name="the z-scores")
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from numbers import Real

import numpy as np

from ._validation import (
    check_array,
    check_callable,
    check_scalar,
    check_string,
    describe,
)

__all__ = ["ExerciseError", "check", "check_function", "diagnose"]


class ExerciseError(AssertionError):
    """Raised when an answer is wrong; the message holds a hint."""


def diagnose(answer, expected, *, rtol: float = 1e-6, atol: float = 1e-9) -> str | None:
    """Return a hint describing how ``answer`` differs from ``expected``, or None if it matches.

    ``expected`` is the reference (numbers, NaN allowed); ``answer`` is the reader's
    result, which may be anything: what is wrong with it is the hint.

    Examples
    --------
    >>> diagnose([2.0, 4.0], [1.0, 2.0])[:30]
    'off by a constant factor: your'
    >>> diagnose(True, True) is None
    True
    """
    if isinstance(expected, (bool, np.bool_)) or getattr(expected, "dtype", None) == bool:
        expected = np.asarray(expected, dtype=float)     # True/False compare as 1/0
    want = check_array(expected, "expected", allow_nan=True)
    rtol = check_scalar(rtol, "rtol", target_type=Real, min_val=0)
    atol = check_scalar(atol, "atol", target_type=Real, min_val=0)
    try:
        got = np.asarray(answer, dtype=float)
    except (TypeError, ValueError):
        return f"expected numbers, got {type(answer).__name__}; return a NumPy array or a float"
    if got.shape != want.shape:
        if got.T.shape == want.shape and got.ndim == 2 and np.allclose(got.T, want, rtol=rtol, atol=atol):
            return f"your result is the transpose of the expected one (shape {got.shape}, expected {want.shape})"
        if got.size == want.size and np.allclose(got.reshape(want.shape), want, rtol=rtol, atol=atol):
            return f"right numbers, wrong shape: got {got.shape}, expected {want.shape} (check reshape/axis)"
        hint = ""
        if got.ndim == want.ndim + 1 or got.ndim + 1 == want.ndim:
            hint = " (did you reduce along the wrong axis, or forget keepdims?)"
        return f"wrong shape: got {got.shape}, expected {want.shape}{hint}"
    if np.isnan(got).any() and not np.isnan(want).any():
        return f"your result has {int(np.isnan(got).sum())} NaN value(s): a division by zero or a NaN in the input?"
    if np.allclose(got, want, rtol=rtol, atol=atol, equal_nan=True):
        return None
    if np.allclose(-got, want, rtol=rtol, atol=atol):
        return "right size, wrong sign: check the direction of a subtraction or of a gradient step"
    mask = np.abs(want) > atol
    if mask.any():
        ratios = got[mask] / want[mask]
        ratio = float(np.median(ratios))
        if np.isfinite(ratio) and np.allclose(ratios, ratio, rtol=1e-6) and not np.isclose(ratio, 1.0):
            return (f"off by a constant factor: your values are {ratio:.6g} times the expected ones "
                    "(N versus N - 1? a missing square root or a factor 2?)")
    worst = np.unravel_index(np.argmax(np.abs(got - want)), want.shape) if want.ndim else ()
    where = f" at index {tuple(int(i) for i in worst)}" if want.ndim else ""
    return (f"values differ{where}: got {got[worst]:.6g}, expected {want[worst]:.6g}")


def check(answer, expected, *, name: str = "your answer", rtol: float = 1e-6, atol: float = 1e-9) -> None:
    """Print a confirmation if ``answer`` matches ``expected``; raise :class:`ExerciseError` with a hint otherwise."""
    check_string(name, "name")
    hint = diagnose(answer, expected, rtol=rtol, atol=atol)
    if hint is not None:
        raise ExerciseError(f"{name} is not right yet: {hint}")
    print(f"Correct: {name} matches.")


def check_function(
    func: Callable,
    reference: Callable,
    inputs: Iterable[tuple],
    *,
    name: str | None = None,
    rtol: float = 1e-6,
    atol: float = 1e-9,
) -> None:
    """Run ``func`` and ``reference`` on each tuple of arguments in ``inputs`` and compare.

    The hint names the first input on which they disagree.
    """
    check_callable(func, "func")
    check_callable(reference, "reference")
    if name is not None:
        check_string(name, "name")
    if isinstance(inputs, (str, bytes)) or not isinstance(inputs, Iterable):
        raise TypeError(f"inputs must be an iterable of argument tuples, got {describe(inputs)}")
    rtol = check_scalar(rtol, "rtol", target_type=Real, min_val=0)
    atol = check_scalar(atol, "atol", target_type=Real, min_val=0)
    label = name or getattr(func, "__name__", "your function")
    count = 0
    for count, args in enumerate(inputs, start=1):
        expected = reference(*args)
        try:
            answer = func(*args)
        except Exception as err:  # the reader's code may raise anything
            raise ExerciseError(f"{label} raised {type(err).__name__}: {err} on test input {count}") from err
        hint = diagnose(answer, expected, rtol=rtol, atol=atol)
        if hint is not None:
            shapes = ", ".join(str(np.shape(a)) for a in args)
            raise ExerciseError(f"{label} is not right yet on test input {count} (argument shapes {shapes}): {hint}")
    print(f"Correct: {label} agrees with the reference on all {count} test inputs.")
