"""Backtracking line search (the Armijo condition) and gradient descent that uses it.

:func:`backtracking_line_search` shrinks a trial step until the objective falls
enough; :func:`backtracking_gradient_descent` runs it at every step of gradient
descent, with the loop and the recorded history of :mod:`m4ml.optim.descent`.
"""

from __future__ import annotations

from collections.abc import Callable
from numbers import Integral, Real
from typing import NamedTuple

import numpy as np

from .._validation import check_array, check_callable, check_scalar
from .descent import OptimizeResult, _descend, _Problem, _Stop

__all__ = ["LineSearchResult", "backtracking_line_search", "backtracking_gradient_descent"]


class LineSearchResult(NamedTuple):
    """Result of :func:`backtracking_line_search`."""

    step: float  #: the accepted step size (the last one tried if ``success`` is False)
    fun: float  #: f at ``x + step * direction``
    n_fev: int  #: every evaluation of ``fun`` the search made, f(x) included unless ``fx`` was passed
    success: bool  #: whether the Armijo condition holds at ``step``


def _check_armijo_args(initial_step, shrink, c, max_backtracks):
    initial_step = check_scalar(initial_step, "initial_step", target_type=Real, min_val=0, include_boundaries="neither")
    shrink = check_scalar(shrink, "shrink", target_type=Real, min_val=0, max_val=1, include_boundaries="neither")
    c = check_scalar(c, "c", target_type=Real, min_val=0, max_val=1, include_boundaries="neither")
    max_backtracks = check_scalar(max_backtracks, "max_backtracks", target_type=Integral, min_val=0)
    return initial_step, shrink, c, max_backtracks


def _armijo(f, x, fx, gx, direction, initial_step, shrink, c,
            max_backtracks) -> LineSearchResult:
    """The Armijo loop; ``fx`` is f(x), known to the caller. ``n_fev`` counts
    the trial points only."""
    slope = float(np.vdot(gx, direction))
    step, n_fev = initial_step, 0
    with np.errstate(over="ignore", invalid="ignore"):
        for _ in range(max_backtracks + 1):
            f_new = f(x + step * direction)
            n_fev += 1
            if np.isfinite(f_new) and f_new <= fx + c * step * slope:
                return LineSearchResult(step, f_new, n_fev, True)
            step *= shrink
    return LineSearchResult(step / shrink, f_new, n_fev, False)


def backtracking_line_search(
    fun: Callable,
    x,
    gradient,
    direction=None,
    *,
    initial_step: float = 1.0,
    shrink: float = 0.5,
    c: float = 1e-4,
    max_backtracks: int = 60,
    fx: float | None = None,
) -> LineSearchResult:
    """Find a step along ``direction`` that satisfies the Armijo condition.

    Starting from ``initial_step``, the step :math:`t` is multiplied by
    ``shrink`` until

    .. math:: f(\\mathbf{x} + t\\,\\mathbf{d}) \\le f(\\mathbf{x}) + c\\, t\\, \\nabla f(\\mathbf{x})^\\top \\mathbf{d}.

    Parameters
    ----------
    fun : callable
        The objective :math:`f`.
    x : array_like
        The current point; must be finite.
    gradient : array_like
        :math:`\\nabla f(\\mathbf{x})`, shaped like ``x``.
    direction : array_like, optional
        The search direction :math:`\\mathbf{d}`; the default is steepest
        descent, :math:`-\\nabla f(\\mathbf{x})`. It must be a descent
        direction, :math:`\\nabla f(\\mathbf{x})^\\top\\mathbf{d} < 0`.
    initial_step : float
        The first step tried, :math:`t_0 > 0`.
    shrink : float
        The factor :math:`\\beta \\in (0, 1)` applied after each rejected step.
    c : float
        The sufficient-decrease constant :math:`c \\in (0, 1)`.
    max_backtracks : int
        The most times the step is shrunk.
    fx : float, optional
        :math:`f(\\mathbf{x})`, if the caller has it already; otherwise the
        search evaluates it.

    Returns
    -------
    LineSearchResult
        ``success`` is False if ``max_backtracks`` shrinkings did not reach
        the Armijo condition. ``n_fev`` counts every call of ``fun``: the
        evaluation of :math:`f(\\mathbf{x})` (unless ``fx`` was passed) and one
        per trial step, so a search that accepts its first trial reports 2
        (or 1 with ``fx``).

    Raises
    ------
    TypeError
        If ``fun`` is not callable.
    ValueError
        If an array is not finite, the shapes differ, a parameter is out of
        range, or ``direction`` is not a descent direction.
    """
    check_callable(fun, "fun")
    scalar = np.ndim(x) == 0
    x = check_array(x, "x", ndim=(0, 1))
    gradient = check_array(gradient, "gradient", ndim=x.ndim)
    if gradient.shape != x.shape:
        raise ValueError(f"gradient must have the shape of x, {x.shape}, got {gradient.shape}")
    if direction is None:
        direction = -gradient
    direction = check_array(direction, "direction", ndim=x.ndim)
    if direction.shape != x.shape:
        raise ValueError(f"direction must have the shape of x, {x.shape}, got {direction.shape}")
    if not float(np.vdot(gradient, direction)) < 0:
        raise ValueError("direction must be a descent direction: gradient @ direction must be negative, "
                         f"got {float(np.vdot(gradient, direction))!r}")
    args = _check_armijo_args(initial_step, shrink, c, max_backtracks)
    if fx is not None:
        fx = float(check_array(fx, "fx", ndim=0))

    def f(point):
        return float(fun(point[()] if scalar else point))

    n_fx = 0
    if fx is None:
        fx, n_fx = f(x), 1
    search = _armijo(f, x, fx, gradient, direction, *args)
    return search._replace(n_fev=search.n_fev + n_fx)


def backtracking_gradient_descent(
    fun: Callable,
    grad: Callable,
    x0,
    *,
    initial_step: float = 1.0,
    shrink: float = 0.5,
    c: float = 1e-4,
    max_backtracks: int = 60,
    max_iter: int = 1000,
    tol: float = 1e-8,
) -> OptimizeResult:
    """Minimise ``fun`` by gradient descent with a backtracking (Armijo) line search.

    Each step starts the search of :func:`backtracking_line_search` from
    ``initial_step`` along :math:`-\\nabla f(\\mathbf{x}_t)`. The parameters
    are those of :func:`gradient_descent` and :func:`backtracking_line_search`.

    Returns
    -------
    OptimizeResult
        ``steps`` holds the accepted step sizes and ``n_fev`` counts every
        call of ``fun``: one at ``x0`` and one per trial step, rejected or
        accepted. The value at an accepted trial is reused as :math:`f(\\mathbf{x}_{t+1})`
        and by the next search, so it is computed, and counted, once.
        ``converged`` is False, with a message, if ``max_iter`` is reached or
        a line search fails.

    Raises
    ------
    TypeError, ValueError
        As :func:`gradient_descent` and :func:`backtracking_line_search`.
    """
    problem = _Problem(fun, grad, x0)
    args = _check_armijo_args(initial_step, shrink, c, max_backtracks)
    tol = check_scalar(tol, "tol", target_type=Real, min_val=0, include_boundaries="neither")
    max_iter = check_scalar(max_iter, "max_iter", target_type=Integral, min_val=1)

    def choose_step(x, fx, gx):
        search = _armijo(problem.f, x, fx, gx, -gx, *args)
        if not search.success:
            raise _Stop(f"line search failed: no step down to {search.step:.3g} gave sufficient decrease "
                        "(is tol below what the rounding of fun can resolve, or is grad not the gradient of fun?)")
        if np.array_equal(x - search.step * gx, x):
            raise _Stop(f"line search stalled: the accepted step {search.step:.3g} no longer moves x "
                        "(is tol below what the rounding of fun can resolve, or is grad not the gradient of fun?)")
        return search.step, search.fun

    return _descend(problem, choose_step, max_iter, tol)
