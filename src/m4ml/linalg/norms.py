"""Norms on :math:`\\mathbb{R}^D`: the p-norms and their unit balls.

For :math:`p \\ge 1` the **p-norm** of :math:`\\mathbf{x} \\in \\mathbb{R}^D` is

.. math::

    \\lVert \\mathbf{x} \\rVert_p = \\Bigl(\\sum_{d=1}^{D} |x_d|^p\\Bigr)^{1/p},
    \\qquad
    \\lVert \\mathbf{x} \\rVert_\\infty = \\max_{d} |x_d| .

It is positive definite, absolutely homogeneous and satisfies the triangle
inequality (Minkowski's inequality), and :math:`d(\\mathbf{x}, \\mathbf{y}) =
\\lVert \\mathbf{x} - \\mathbf{y} \\rVert_p` is a metric. For :math:`0 < p < 1` the
same formula fails the triangle inequality, so :func:`p_norm` refuses such
``p``; :func:`unit_ball_points` still draws their (non-convex) "unit balls".

:mod:`m4ml.models.nearest_centroid` uses them to classify by the nearest class mean.
"""

from __future__ import annotations

from numbers import Integral, Real
from typing import Any

import numpy as np

from .._validation import check_array, check_axis, check_scalar

__all__ = ["p_norm", "unit_ball_points"]


def _check_p(p: Any, *, minimum: float = 1.0) -> float:
    """Return ``p`` as a float after checking ``p >= minimum`` (``np.inf`` allowed)."""
    p = check_scalar(p, "p", target_type=Real, allow_inf=True)
    if p < minimum:
        hint = (" (for 0 < p < 1 the formula is not a norm: it breaks the triangle inequality)"
                if minimum >= 1 and 0 < p < 1 else "")
        raise ValueError(f"p must be >= {minimum:g} or np.inf, got {p!r}{hint}")
    return p


def _lp(a: np.ndarray, p: float, axis: int) -> np.ndarray:
    """(sum |a|^p)^(1/p) along ``axis`` for any p > 0 or inf, without
    checks."""
    a = np.abs(a)
    if p == np.inf:
        return a.max(axis=axis)
    if p == 1:
        return a.sum(axis=axis)
    # Factor out the largest entry m, ||a||_p = m ||a / m||_p, so that a**p
    # cannot overflow or underflow (think of 1e200 ** 2); a zero vector has
    # norm 0.
    m = a.max(axis=axis, keepdims=True)
    scaled = np.divide(a, m, out=np.zeros_like(a), where=m > 0)
    return np.squeeze(m, axis=axis) * np.sum(scaled**p, axis=axis) ** (1 / p)


def p_norm(x, p: float = 2, *, axis: int = -1):
    """The p-norm :math:`\\lVert\\mathbf{x}\\rVert_p = (\\sum_d |x_d|^p)^{1/p}`, or
    :math:`\\max_d |x_d|` for ``p=np.inf``.

    Parameters
    ----------
    x : array_like
        A vector, or an array whose vectors lie along ``axis`` (for the rows
        of a data matrix use ``axis=-1``, the default).
    p : float
        Any real ``p >= 1``, or ``np.inf``.
    axis : int
        The axis holding the coordinates :math:`d = 1, \\dots, D`.

    Returns
    -------
    float or numpy.ndarray
        The norm of each vector: a float for a 1-D ``x``, otherwise an array
        with ``axis`` removed.

    Raises
    ------
    TypeError
        If ``p`` is not a real number or ``x`` is not numeric.
    ValueError
        If ``p < 1`` (not a norm), ``axis`` is out of range, the vectors are
        empty, or ``x`` holds NaN or infinite entries.
    """
    p = _check_p(p)
    x = check_array(x, "x")
    axis = check_axis(x, "x", axis, what="coordinates")
    result = _lp(x, p, axis)
    return float(result) if result.ndim == 0 else result


def unit_ball_points(p: float, *, n: int = 401) -> np.ndarray:
    """Points on the unit circle
    :math:`\\{\\mathbf{x} \\in \\mathbb{R}^2 : \\lVert\\mathbf{x}\\rVert_p = 1\\}`, in order.

    The direction :math:`\\mathbf{u} = (\\cos\\theta, \\sin\\theta)` at each of
    ``n`` equally spaced angles :math:`\\theta \\in [0, 2\\pi]` is rescaled to
    :math:`\\mathbf{u} / \\lVert\\mathbf{u}\\rVert_p`, which has p-norm 1. The
    first and last points coincide, so plotting the result draws a closed
    curve, the boundary of the unit ball. With ``n - 1`` a multiple of 8 the
    corners of the 1- and inf-balls are hit exactly.

    Parameters
    ----------
    p : float
        Any ``p >= 0.1`` or ``np.inf``. Values ``p < 1`` are allowed here
        (they give the non-convex sets that show why such p are not norms).
    n : int
        Number of points, at least 5.

    Returns
    -------
    numpy.ndarray, shape (n, 2)
    """
    p = _check_p(p, minimum=0.1)
    n = check_scalar(n, "n", target_type=Integral, min_val=5)
    theta = np.linspace(0.0, 2 * np.pi, n)
    u = np.column_stack([np.cos(theta), np.sin(theta)])
    return u / _lp(u, p, axis=1)[:, None]
