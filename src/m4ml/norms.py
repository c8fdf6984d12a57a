"""Norms on :math:`\\mathbb{R}^D` and a nearest-centroid classifier that can use any of them.

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

The nearest-centroid classifier stores the mean :math:`\\boldsymbol{\\mu}_k` of
each class on the training set and predicts
:math:`f(\\mathbf{x}) = \\arg\\min_k \\lVert \\mathbf{x} - \\boldsymbol{\\mu}_k \\rVert_p`.
"""

from __future__ import annotations

import numbers
from typing import Any, NamedTuple

import numpy as np

from ._validation import _describe, as_float_array, check_axis, check_integer

__all__ = ["Centroids", "p_norm", "unit_ball_points", "nearest_centroid_fit", "nearest_centroid_predict"]


def _check_p(p: Any, *, minimum: float = 1.0) -> float:
    """Return ``p`` as a float after checking ``p >= minimum`` (``np.inf`` allowed)."""
    if isinstance(p, bool) or not isinstance(p, numbers.Real):
        raise TypeError(f"p must be a real number or np.inf, got {_describe(p)}")
    p = float(p)
    if np.isnan(p) or p < minimum or (minimum == 0 and p == 0):
        bound = f"at least {minimum:g}" if minimum > 0 else "positive"
        hint = (" (for 0 < p < 1 the formula is not a norm: it breaks the triangle inequality)"
                if minimum >= 1 and 0 < p < 1 else "")
        raise ValueError(f"p must be {bound} or np.inf, got {p!r}{hint}")
    return p


def _lp(a: np.ndarray, p: float, axis: int) -> np.ndarray:
    """(sum |a|^p)^(1/p) along ``axis`` for any p > 0 or inf, without checks."""
    a = np.abs(a)
    if p == np.inf:
        return a.max(axis=axis)
    if p == 1:
        return a.sum(axis=axis)
    # Factor out the largest entry m, ||a||_p = m ||a / m||_p, so that a**p cannot
    # overflow or underflow (think of 1e200 ** 2); a zero vector has norm 0.
    m = a.max(axis=axis, keepdims=True)
    scaled = np.divide(a, m, out=np.zeros_like(a), where=m > 0)
    return np.squeeze(m, axis=axis) * np.sum(scaled**p, axis=axis) ** (1 / p)


def p_norm(x, p: float = 2, axis: int = -1):
    """The p-norm :math:`\\lVert\\mathbf{x}\\rVert_p = (\\sum_d |x_d|^p)^{1/p}`, or :math:`\\max_d |x_d|` for ``p=np.inf``.

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
    x = as_float_array(x, "x")
    axis = check_axis(x, "x", axis, what="coordinates")
    result = _lp(x, p, axis)
    return float(result) if result.ndim == 0 else result


def unit_ball_points(p: float, n: int = 401) -> np.ndarray:
    """Points on the unit circle :math:`\\{\\mathbf{x} \\in \\mathbb{R}^2 : \\lVert\\mathbf{x}\\rVert_p = 1\\}`, in order.

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
    n = check_integer(n, "n", minimum=5)
    theta = np.linspace(0.0, 2 * np.pi, n)
    u = np.column_stack([np.cos(theta), np.sin(theta)])
    return u / _lp(u, p, axis=1)[:, None]


class Centroids(NamedTuple):
    """Result of :func:`nearest_centroid_fit`; unpack it into :func:`nearest_centroid_predict`."""

    centroids: np.ndarray  #: (K, D) the mean of each class, one per row
    classes: np.ndarray  #: (K,) the class labels, sorted; row k of centroids belongs to classes[k]


def nearest_centroid_fit(X, y) -> Centroids:
    """Fit the nearest-centroid classifier: the mean :math:`\\boldsymbol{\\mu}_k` of the rows of each class.

    Parameters
    ----------
    X : array_like, shape (N, D)
        Training data, one sample per row.
    y : array_like, shape (N,)
        Class labels (integers or strings).

    Returns
    -------
    Centroids
        ``(centroids, classes)`` with the classes in sorted order.
    """
    X = as_float_array(X, "X", ndim=2, min_rows=1)
    y = np.asarray(y)
    if y.shape != (len(X),):
        raise ValueError(f"y must have one label per row of X, shape ({len(X)},), got shape {y.shape}")
    if y.dtype.kind == "f" and np.isnan(y).any():
        raise ValueError("y contains NaN labels")
    classes = np.unique(y)
    centroids = np.stack([X[y == k].mean(axis=0) for k in classes])
    return Centroids(centroids, classes)


def nearest_centroid_predict(X, centroids, classes, p: float = 2) -> np.ndarray:
    """Predict :math:`f(\\mathbf{x}) = \\arg\\min_k \\lVert\\mathbf{x} - \\boldsymbol{\\mu}_k\\rVert_p` for each row of ``X``.

    Parameters
    ----------
    X : array_like, shape (M, D)
        Samples to classify.
    centroids : array_like, shape (K, D)
        Class means, e.g. from :func:`nearest_centroid_fit`.
    classes : array_like, shape (K,)
        Label of each centroid.
    p : float
        The norm that measures distance: ``p >= 1`` or ``np.inf``.

    Returns
    -------
    numpy.ndarray, shape (M,)
        The label of the nearest centroid; a tie goes to the earlier class.
        An (M, K, D) array of differences is formed, which is fine for the
        book's data sets.
    """
    X = as_float_array(X, "X", ndim=2, min_rows=1)
    centroids = as_float_array(centroids, "centroids", ndim=2, min_rows=1)
    classes = np.asarray(classes)
    if centroids.shape[1] != X.shape[1]:
        raise ValueError(
            f"centroids must have one column per column of X ({X.shape[1]}), got shape {centroids.shape}"
        )
    if classes.shape != (len(centroids),):
        raise ValueError(
            f"classes must have one label per centroid, shape ({len(centroids)},), got shape {classes.shape}"
        )
    dist = p_norm(X[:, None, :] - centroids[None, :, :], p, axis=-1)  # (M, K)
    return classes[np.argmin(dist, axis=1)]
