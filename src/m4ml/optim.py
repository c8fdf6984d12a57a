"""First-order optimisation with a recorded history.

:func:`gradient_descent` iterates :math:`\\mathbf{x}_{t+1} = \\mathbf{x}_t - \\eta\\,\\nabla f(\\mathbf{x}_t)`
and records every iterate, so that pages can plot the path it took.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import NamedTuple

import numpy as np

from ._validation import as_float_array, check_integer, check_positive

__all__ = ["OptimizeResult", "gradient_descent"]


class OptimizeResult(NamedTuple):
    """Result of an optimiser in :mod:`m4ml.optim`."""

    x: np.ndarray | float  #: the last iterate (a float if the start was a scalar)
    fun: float  #: f at the last iterate
    n_iter: int  #: number of steps taken
    converged: bool  #: whether the stopping criterion was met within ``max_iter``
    path: np.ndarray  #: all iterates, shape (n_iter + 1, *x0.shape)
    values: np.ndarray  #: f at each iterate, shape (n_iter + 1,)
    message: str  #: why the iteration stopped


def gradient_descent(
    fun: Callable,
    grad: Callable,
    x0,
    *,
    step_size: float,
    max_iter: int = 1000,
    tol: float = 1e-8,
) -> OptimizeResult:
    """Minimise ``fun`` by gradient descent with a fixed step size.

    Parameters
    ----------
    fun : callable
        The objective :math:`f`, taking an array shaped like ``x0`` and
        returning a real number.
    grad : callable
        Its gradient :math:`\\nabla f`, returning an array shaped like ``x0``.
    x0 : float or array_like
        The starting point; must be finite.
    step_size : float
        The learning rate :math:`\\eta > 0`.
    max_iter : int
        The most steps to take.
    tol : float
        Stop as soon as :math:`\\|\\nabla f(\\mathbf{x}_t)\\|_2 \\le` ``tol``.

    Returns
    -------
    OptimizeResult
        ``converged`` is False if ``max_iter`` steps did not reach the
        tolerance, or if the iterates diverged to infinity (the message then
        says so; the history up to that point is kept).

    Raises
    ------
    TypeError
        If ``fun`` or ``grad`` is not callable.
    ValueError
        If ``x0`` is not finite, ``step_size`` or ``tol`` is not positive, or
        ``grad`` returns an array of another shape.
    """
    if not callable(fun) or not callable(grad):
        raise TypeError("fun and grad must be callables that take x and return f(x) and its gradient")
    scalar = np.ndim(x0) == 0
    x = as_float_array(x0, "x0", ndim=(0, 1)).copy()
    step_size = check_positive(step_size, "step_size")
    tol = check_positive(tol, "tol")
    max_iter = check_integer(max_iter, "max_iter", minimum=1)

    def f(point):
        return float(fun(point[()] if scalar else point))

    def g(point):
        value = np.asarray(grad(point[()] if scalar else point), dtype=float)
        if value.shape != x.shape:
            raise ValueError(f"grad must return shape {x.shape} like x0, returned {value.shape}")
        return value

    path, values = [x.copy()], [f(x)]
    converged, message = False, f"reached max_iter={max_iter} before the gradient norm fell below tol"
    n_iter = 0
    with np.errstate(over="ignore", invalid="ignore"):
        for n_iter in range(1, max_iter + 1):
            gx = g(x)
            if np.linalg.norm(gx) <= tol:
                converged, message, n_iter = True, "gradient norm below tol", n_iter - 1
                break
            x = x - step_size * gx
            path.append(x.copy())
            values.append(f(x))
            if not np.isfinite(values[-1]) or not np.all(np.isfinite(x)):
                message = "diverged: the iterates left every bounded region (step_size too large?)"
                break
        else:
            if np.linalg.norm(g(x)) <= tol:
                converged, message = True, "gradient norm below tol"
    last = float(x) if scalar else x
    return OptimizeResult(last, values[-1], n_iter, converged, np.array(path), np.array(values), message)
