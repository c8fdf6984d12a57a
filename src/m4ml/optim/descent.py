"""Gradient descent with a recorded history.

:func:`gradient_descent` iterates :math:`\\mathbf{x}_{t+1} = \\mathbf{x}_t - \\eta_t\\,\\nabla f(\\mathbf{x}_t)`
with a fixed step size :math:`\\eta_t = \\eta` or a step rule (for example the exact line
search of :func:`exact_quadratic_step`); :mod:`m4ml.optim.line_search` chooses every
:math:`\\eta_t` by backtracking instead. Both record every iterate, so that pages can plot
the path taken, and count the evaluations of ``fun`` and ``grad`` so that methods can be
compared by the work they do.
"""

from __future__ import annotations

from collections.abc import Callable
from numbers import Integral, Real
from typing import NamedTuple

import numpy as np

from .._validation import check_array, check_callable, check_scalar

__all__ = ["OptimizeResult", "gradient_descent", "exact_quadratic_step"]


class OptimizeResult(NamedTuple):
    """Result of an optimiser in :mod:`m4ml.optim`."""

    x: np.ndarray | float  #: the last iterate (a float if the start was a scalar)
    fun: float  #: f at the last iterate
    n_iter: int  #: number of steps taken
    converged: bool  #: whether the stopping criterion was met within ``max_iter``
    path: np.ndarray  #: all iterates, shape (n_iter + 1, *x0.shape)
    values: np.ndarray  #: f at each iterate, shape (n_iter + 1,)
    message: str  #: why the iteration stopped
    steps: np.ndarray  #: the step size used at each step, shape (n_iter,)
    n_fev: int  #: number of calls of ``fun`` made by the optimiser (not by a ``step_size`` rule)
    n_gev: int  #: number of calls of ``grad`` made by the optimiser (not by a ``step_size`` rule)


class _Problem:
    """Wraps fun and grad: restores scalars, checks shapes and counts calls."""

    def __init__(self, fun, grad, x0):
        check_callable(fun, "fun")
        check_callable(grad, "grad")
        self.scalar = np.ndim(x0) == 0
        self.x0 = check_array(x0, "x0", ndim=(0, 1)).copy()
        self.fun, self.grad = fun, grad
        self.n_fev = self.n_gev = 0

    def _arg(self, point):
        return point[()] if self.scalar else point

    def f(self, point) -> float:
        self.n_fev += 1
        value = np.asarray(self.fun(self._arg(point)), dtype=float)
        if value.size != 1:
            raise ValueError(f"fun must return a single number, returned an array of shape {value.shape}")
        return float(value.reshape(()))

    def g(self, point) -> np.ndarray:
        self.n_gev += 1
        value = np.asarray(self.grad(self._arg(point)), dtype=float)
        if value.shape != self.x0.shape:
            raise ValueError(f"grad must return shape {self.x0.shape} like x0, returned {value.shape}")
        return value

    def result(self, x, n_iter, converged, path, values, message, steps) -> OptimizeResult:
        last = float(x) if self.scalar else x
        return OptimizeResult(last, values[-1], n_iter, converged, np.array(path), np.array(values),
                              message, np.array(steps, dtype=float), self.n_fev, self.n_gev)


class _Stop(Exception):
    """Raised by a step rule to end the run; its argument is the message."""


def _descend(problem: _Problem, choose_step, max_iter: int, tol: float) -> OptimizeResult:
    """The loop shared by the optimisers: x <- x - step * grad f(x).

    ``choose_step(x, f(x), g)`` returns the step and f at the new point (or
    None to have it evaluated); it may raise :class:`_Stop` to end the run.
    """
    x = problem.x0
    path, values, steps = [x.copy()], [problem.f(x)], []
    converged, message = False, f"reached max_iter={max_iter} before the gradient norm fell below tol"
    n_iter = 0
    with np.errstate(over="ignore", invalid="ignore"):
        gx = problem.g(x)
        while True:
            if not np.all(np.isfinite(gx)):
                message = "diverged: the gradient is not finite"
                break
            if np.linalg.norm(gx) <= tol:
                converged, message = True, "gradient norm below tol"
                break
            if n_iter == max_iter:
                break
            try:
                step, fx_new = choose_step(x, values[-1], gx)
            except _Stop as stop:
                message = str(stop)
                break
            x = x - step * gx
            n_iter += 1
            steps.append(step)
            path.append(x.copy())
            values.append(problem.f(x) if fx_new is None else fx_new)
            if not np.isfinite(values[-1]) or not np.all(np.isfinite(x)):
                message = "diverged: the iterates left every bounded region (step size too large?)"
                break
            gx = problem.g(x)
    return problem.result(x, n_iter, converged, path, values, message, steps)


def gradient_descent(
    fun: Callable,
    grad: Callable,
    x0,
    *,
    step_size: float | Callable,
    max_iter: int = 1000,
    tol: float = 1e-8,
) -> OptimizeResult:
    """Minimise ``fun`` by gradient descent with a fixed step size or a step rule.

    Parameters
    ----------
    fun : callable
        The objective :math:`f`, taking an array shaped like ``x0`` and
        returning a real number.
    grad : callable
        Its gradient :math:`\\nabla f`, returning an array shaped like ``x0``.
    x0 : float or array_like
        The starting point; must be finite.
    step_size : float or callable
        The learning rate :math:`\\eta > 0`, or a rule ``step_size(x, g)``
        that returns the step to take from ``x`` along ``-g`` (for example
        :func:`exact_quadratic_step`); the rule must return a positive number.
    max_iter : int
        The most steps to take.
    tol : float
        Stop as soon as :math:`\\|\\nabla f(\\mathbf{x}_t)\\|_2 \\le` ``tol``.

    Returns
    -------
    OptimizeResult
        ``converged`` is False if ``max_iter`` steps did not reach the
        tolerance, or if the iterates diverged to infinity (the message then
        says so; the history up to that point is kept). ``n_fev`` and
        ``n_gev`` count the calls the loop makes, at most one of each per iterate;
        calls made inside a ``step_size`` rule are the rule's own to count.

    Raises
    ------
    TypeError
        If ``fun``, ``grad`` is not callable.
    ValueError
        If ``x0`` is not finite, ``step_size`` (or a step it returns) or
        ``tol`` is not positive, or ``grad`` returns an array of another shape.
    """
    problem = _Problem(fun, grad, x0)
    if callable(step_size):
        rule = step_size

        def choose_step(x, fx, gx):
            step = float(rule(problem._arg(x), problem._arg(gx)))
            if not (np.isfinite(step) and step > 0):
                raise ValueError(f"step_size rule must return a positive finite step, returned {step!r} at x={x}")
            return step, None
    else:
        eta = check_scalar(step_size, "step_size", target_type=Real, min_val=0, include_boundaries="neither")

        def choose_step(x, fx, gx):
            return eta, None

    tol = check_scalar(tol, "tol", target_type=Real, min_val=0, include_boundaries="neither")
    max_iter = check_scalar(max_iter, "max_iter", target_type=Integral, min_val=1)
    return _descend(problem, choose_step, max_iter, tol)


def exact_quadratic_step(A, g) -> float:
    """The exact line-search step for a quadratic along the negative gradient.

    For :math:`f(\\mathbf{x}) = \\tfrac12 \\mathbf{x}^\\top A \\mathbf{x} - \\mathbf{b}^\\top\\mathbf{x}`
    with :math:`A` symmetric positive definite and gradient :math:`\\mathbf{g}`,
    the step that minimises :math:`t \\mapsto f(\\mathbf{x} - t\\mathbf{g})` is
    :math:`t^\\star = \\mathbf{g}^\\top\\mathbf{g} / \\mathbf{g}^\\top A\\mathbf{g}`.
    Use it as a step rule: ``gradient_descent(f, grad, x0, step_size=lambda x, g: exact_quadratic_step(A, g))``.

    Raises
    ------
    ValueError
        If ``A`` is not square, ``g`` has the wrong length, an entry is not
        finite, ``g`` is zero, or :math:`\\mathbf{g}^\\top A\\mathbf{g} \\le 0`
        (``A`` is not positive definite along ``g``).
    """
    A = check_array(A, "A", ndim=2)
    if A.shape[0] != A.shape[1]:
        raise ValueError(f"A must be a square matrix, got shape {A.shape}")
    g = check_array(g, "g", ndim=1)
    if g.shape[0] != A.shape[0]:
        raise ValueError(f"g must have length {A.shape[0]} to match A, got {g.shape[0]}")
    gg = float(g @ g)
    if gg == 0:
        raise ValueError("g is zero: the point is already stationary, there is no step to take")
    curvature = float(g @ A @ g)
    if not curvature > 0:
        raise ValueError(f"A must be positive definite along g, but g @ A @ g = {curvature!r}")
    return gg / curvature
