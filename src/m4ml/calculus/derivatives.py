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
from numbers import Real
from typing import NamedTuple

import numpy as np

from .._validation import check_array, check_callable, check_scalar

__all__ = ["GradientCheck", "check_gradient", "numerical_gradient", "numerical_hessian", "numerical_jacobian"]


def _as_point(x) -> tuple[np.ndarray, bool]:
    scalar = np.ndim(x) == 0
    return check_array(x, "x", ndim=(0, 1, 2)).astype(float).copy(), scalar


def _step(x: np.ndarray, h: float | None) -> np.ndarray:
    # Default step: cube root of machine epsilon, scaled by the size of each entry,
    # which balances the O(h^2) truncation error against rounding error.
    if h is None:
        return np.cbrt(np.finfo(float).eps) * np.maximum(1.0, np.abs(x))
    return np.full(x.shape, check_scalar(h, "h", target_type=Real, min_val=0, include_boundaries="neither"))


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
    check_callable(f, "f")
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
    check_callable(f, "f")
    x_arr, scalar = _as_point(x)
    value = f(x_arr[()] if scalar else x_arr.copy())
    if np.ndim(value) != 0:
        raise ValueError(f"f must return a single number for a gradient, returned shape {np.shape(value)}; "
                         "use numerical_jacobian for vector-valued functions")
    g = numerical_jacobian(f, x, h=h)
    return float(g) if scalar else g


def numerical_hessian(f: Callable, x, *, h: float | None = None) -> np.ndarray:
    """Hessian of a real-valued ``f`` at a vector ``x``, by central differences of central differences.

    With a step :math:`h_i` per coordinate, entry :math:`(i, j)` is

    .. math::

        \\frac{f(\\mathbf{x}+h_i\\mathbf{e}_i+h_j\\mathbf{e}_j) - f(\\mathbf{x}+h_i\\mathbf{e}_i-h_j\\mathbf{e}_j)
        - f(\\mathbf{x}-h_i\\mathbf{e}_i+h_j\\mathbf{e}_j) + f(\\mathbf{x}-h_i\\mathbf{e}_i-h_j\\mathbf{e}_j)}{4h_ih_j},

    the central difference in :math:`x_j` of the central difference in :math:`x_i`.
    Its truncation error is of order :math:`h^2` and its rounding error of order
    :math:`\\varepsilon|f(\\mathbf{x})|/(h_ih_j)`; the default step balances the two.
    The result is exactly symmetric. Because the rounding error follows
    :math:`|f(\\mathbf{x})|`, entries for coordinates far smaller than the others
    can be inaccurate.

    Pass ``grad`` of ``f`` as ``f`` to :func:`numerical_jacobian` instead when an
    exact gradient is available; that is more accurate.

    Parameters
    ----------
    f : callable
        The function; it must accept a vector shaped like ``x`` and return a number.
    x : array_like, shape (D,)
        The point, with finite entries.
    h : float, optional
        The step; by default :math:`\\varepsilon^{1/4}\\max(1, |x_j|)` for coordinate
        :math:`j`, scaled like the step of :func:`numerical_jacobian` so that it
        stays meaningful for large coordinates.
    """
    check_callable(f, "f")
    x_arr, _ = _as_point(x)
    if x_arr.ndim != 1:
        raise ValueError(f"x must be a vector for a Hessian, got shape {x_arr.shape}")
    if h is None:
        steps = np.finfo(float).eps ** 0.25 * np.maximum(1.0, np.abs(x_arr))
    else:
        steps = np.full(x_arr.shape, check_scalar(h, "h", target_type=Real, min_val=0, include_boundaries="neither"))
    D = x_arr.shape[0]
    shifts = np.diag(steps)

    def value(point) -> float:
        v = f(point)
        if np.ndim(v) != 0:
            raise ValueError(f"f must return a single number for a Hessian, returned shape {np.shape(v)}")
        return float(v)

    H = np.empty((D, D))
    for i in range(D):
        for j in range(i, D):
            ei, ej = shifts[i], shifts[j]
            second = (value(x_arr + ei + ej) - value(x_arr + ei - ej)
                      - value(x_arr - ei + ej) + value(x_arr - ei - ej))
            H[i, j] = H[j, i] = second / (4 * steps[i] * steps[j])
    return H


class GradientCheck(NamedTuple):
    """Result of :func:`check_gradient`."""

    ok: bool  #: whether :math:`\\lVert g - \\hat g\\rVert \\le \\text{atol} + \\text{rtol}\\max(\\lVert g\\rVert, \\lVert\\hat g\\rVert)`
    relative_error: float  #: :math:`\\lVert g - \\hat g\\rVert / \\max(\\lVert g\\rVert, \\lVert\\hat g\\rVert, \\text{tiny})`
    analytic: np.ndarray  #: the gradient passed in
    numerical: np.ndarray  #: the central-difference estimate
    absolute_error: float  #: :math:`\\lVert g - \\hat g\\rVert`


def check_gradient(
    f: Callable, grad: Callable, x, *, rtol: float = 1e-6, atol: float = 1e-7, h: float | None = None
) -> GradientCheck:
    """Compare a hand-derived gradient (or Jacobian) ``grad`` with central differences of ``f`` at ``x``.

    With :math:`\\mathbf{g}` the value of ``grad`` and :math:`\\hat{\\mathbf{g}}` the
    central-difference estimate, the check passes when

    .. math::

        \\lVert\\mathbf{g} - \\hat{\\mathbf{g}}\\rVert \\le
        \\text{atol} + \\text{rtol}\\,\\max(\\lVert\\mathbf{g}\\rVert, \\lVert\\hat{\\mathbf{g}}\\rVert)

    (Frobenius norms for a Jacobian). The relative error of a correct gradient is
    typically around :math:`10^{-9}` to :math:`10^{-7}`; a wrong one is usually of
    order 1. Near a stationary point both gradients are close to zero, their
    relative error means nothing, and the absolute floor ``atol`` decides.

    Parameters
    ----------
    f : callable
        The function.
    grad : callable
        Its claimed gradient (or Jacobian), returning an array of shape
        ``np.shape(f(x)) + np.shape(x)``.
    x : float or array_like
        The point; a random point tests more than a special one.
    rtol : float
        Relative tolerance, default :math:`10^{-6}`.
    atol : float
        Absolute tolerance, default :math:`10^{-7}`. With the default step each
        central difference is accurate to about :math:`\\varepsilon^{2/3}\\approx 4\\times10^{-11}`
        times the size of :math:`f` and of its third derivatives (a third
        derivative of 2400 gives :math:`1.5\\times10^{-8}` for the Rosenbrock function
        at its minimum), so the default suits losses of moderate size; raise it
        for functions with much larger values.
    h : float, optional
        The step of :func:`numerical_jacobian`.
    """
    check_callable(grad, "grad")
    rtol = check_scalar(rtol, "rtol", target_type=Real, min_val=0)
    atol = check_scalar(atol, "atol", target_type=Real, min_val=0)
    x_arr, scalar = _as_point(x)
    analytic = np.asarray(grad(x_arr[()] if scalar else x_arr.copy()), dtype=float)
    numerical = np.asarray(numerical_jacobian(f, x, h=h), dtype=float)
    if analytic.shape != numerical.shape:
        raise ValueError(f"grad returned shape {analytic.shape}, expected {numerical.shape}")
    size = float(max(np.linalg.norm(analytic), np.linalg.norm(numerical)))
    err = float(np.linalg.norm(analytic - numerical))
    rel = float(err / max(size, np.finfo(float).tiny))
    return GradientCheck(bool(err <= atol + rtol * size), rel, analytic, numerical, err)
