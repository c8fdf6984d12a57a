"""Numerical derivatives, for checking derivatives derived by hand.

Central differences approximate a derivative with an error of order
:math:`h^2`:

.. math::

    \\frac{\\partial f}{\\partial x_i}(\\mathbf{x}) =
    \\frac{f(\\mathbf{x} + h\\mathbf{e}_i) - f(\\mathbf{x} - h\\mathbf{e}_i)}{2h} + O(h^2).

Every gradient, Jacobian and Hessian that the book derives by hand is compared
with these (and, in the test suite, with automatic differentiation).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import NamedTuple

import numpy as np

from ._validation import as_float_array, check_positive

__all__ = ["GradientCheck", "check_gradient", "numerical_gradient", "numerical_hessian", "numerical_jacobian"]


def _as_point(x) -> tuple[np.ndarray, bool]:
    scalar = np.ndim(x) == 0
    return as_float_array(x, "x", ndim=(0, 1, 2)).astype(float).copy(), scalar


def _step(x: np.ndarray, h: float | None) -> np.ndarray:
    # Default step: cube root of machine epsilon, scaled by the size of each entry,
    # which balances the O(h^2) truncation error against rounding error.
    if h is None:
        return np.cbrt(np.finfo(float).eps) * np.maximum(1.0, np.abs(x))
    return np.full(x.shape, check_positive(h, "h"))


def numerical_jacobian(f: Callable, x, *, h: float | None = None) -> np.ndarray:
    """Central-difference Jacobian of ``f`` at ``x``.

    For ``f`` mapping an array of shape ``S`` to an array of shape ``T``, the
    result has shape ``T + S``: entry ``[i..., j...]`` approximates
    :math:`\\partial f_i / \\partial x_j`.

    Parameters
    ----------
    f : callable
        The function; it must accept an array shaped like ``x``.
    x : float or array_like
        The point, a scalar, vector or matrix with finite entries.
    h : float, optional
        The step; by default :math:`\\varepsilon^{1/3}\\max(1, |x_j|)` per entry.
    """
    if not callable(f):
        raise TypeError(f"f must be callable, got {type(f).__name__}")
    x, scalar = _as_point(x)
    steps = _step(x, h)
    out_shape = np.shape(f(x[()] if scalar else x.copy()))
    J = np.empty(out_shape + x.shape)
    for j in np.ndindex(x.shape):
        e = np.zeros_like(x)
        e[j] = steps[j]
        plus = np.asarray(f((x + e)[()] if scalar else x + e), dtype=float)
        minus = np.asarray(f((x - e)[()] if scalar else x - e), dtype=float)
        J[(Ellipsis,) + j] = (plus - minus) / (2 * steps[j])
    return J


def numerical_gradient(f: Callable, x, *, h: float | None = None) -> np.ndarray | float:
    """Central-difference gradient of a real-valued ``f`` at ``x`` (same shape as ``x``)."""
    x_arr, scalar = _as_point(x)
    value = f(x_arr[()] if scalar else x_arr.copy())
    if np.ndim(value) != 0:
        raise ValueError(f"f must return a single number for a gradient, returned shape {np.shape(value)}; "
                         "use numerical_jacobian for vector-valued functions")
    g = numerical_jacobian(f, x, h=h)
    return float(g) if scalar else g


def numerical_hessian(f: Callable, x, *, h: float | None = None) -> np.ndarray:
    """Hessian of a real-valued ``f`` at a vector ``x``, by central differences of the gradient.

    Pass ``grad`` of ``f`` as ``f`` to :func:`numerical_jacobian` instead when an
    exact gradient is available; that is more accurate.
    """
    x_arr, _ = _as_point(x)
    if x_arr.ndim != 1:
        raise ValueError(f"x must be a vector for a Hessian, got shape {x_arr.shape}")
    step = h if h is not None else float(np.finfo(float).eps ** 0.25)
    H = numerical_jacobian(lambda z: numerical_gradient(f, z, h=step), x_arr, h=step)
    return (H + H.T) / 2


class GradientCheck(NamedTuple):
    """Result of :func:`check_gradient`."""

    ok: bool  #: whether the relative error is below ``rtol``
    relative_error: float  #: :math:`\\lVert g - \\hat g\\rVert / \\max(\\lVert g\\rVert, \\lVert\\hat g\\rVert, \\text{tiny})`
    analytic: np.ndarray  #: the gradient passed in
    numerical: np.ndarray  #: the central-difference estimate


def check_gradient(f: Callable, grad: Callable, x, *, rtol: float = 1e-6, h: float | None = None) -> GradientCheck:
    """Compare a hand-derived gradient (or Jacobian) ``grad`` with central differences of ``f`` at ``x``.

    The relative error of a correct gradient is typically around :math:`10^{-9}`
    to :math:`10^{-7}`; a wrong one is usually of order 1.
    """
    if not callable(grad):
        raise TypeError(f"grad must be callable, got {type(grad).__name__}")
    x_arr, scalar = _as_point(x)
    analytic = np.asarray(grad(x_arr[()] if scalar else x_arr.copy()), dtype=float)
    numerical = np.asarray(numerical_jacobian(f, x, h=h), dtype=float)
    if analytic.shape != numerical.shape:
        raise ValueError(f"grad returned shape {analytic.shape}, expected {numerical.shape}")
    scale = max(np.linalg.norm(analytic), np.linalg.norm(numerical), np.finfo(float).tiny)
    rel = float(np.linalg.norm(analytic - numerical) / scale)
    return GradientCheck(rel <= rtol, rel, analytic, numerical)
