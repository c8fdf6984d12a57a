"""Smoothness constants: how fast a gradient can change.

A differentiable :math:`f:\\mathbb{R}^D\\to\\mathbb{R}` is **L-smooth** when its
gradient is Lipschitz continuous with constant :math:`L` in the Euclidean norm,

.. math::

    \\lVert \\nabla f(\\mathbf{x}) - \\nabla f(\\mathbf{y}) \\rVert_2 \\le L\\,\\lVert \\mathbf{x} - \\mathbf{y} \\rVert_2 ,

and then the **quadratic upper bound** holds for all :math:`\\mathbf{x},\\mathbf{y}`:

.. math::

    f(\\mathbf{y}) \\le f(\\mathbf{x}) + \\nabla f(\\mathbf{x})^\\top(\\mathbf{y}-\\mathbf{x})
    + \\frac{L}{2}\\lVert \\mathbf{y}-\\mathbf{x} \\rVert_2^2 .

For the two losses the book trains most often the smallest such :math:`L` has a
closed form in the data matrix :math:`\\mathbf{X}\\in\\mathbb{R}^{N\\times D}`:

* least squares, :math:`f(\\mathbf{w}) = \\frac{1}{2N}\\lVert\\mathbf{X}\\mathbf{w}-\\mathbf{y}\\rVert_2^2`:
  :math:`L = \\lambda_{\\max}(\\mathbf{X}^\\top\\mathbf{X})/N` (exact);
* the average logistic loss :math:`f(\\mathbf{w}) = \\frac1N\\sum_n \\log(1+e^{\\mathbf{x}_n^\\top\\mathbf{w}})
  - y_n\\mathbf{x}_n^\\top\\mathbf{w}`: :math:`L = \\lambda_{\\max}(\\mathbf{X}^\\top\\mathbf{X})/(4N)`
  (exact as well: :math:`\\sigma' \\le 1/4` bounds the Hessian everywhere, and at
  :math:`\\mathbf{w}=\\mathbf{0}`, where :math:`\\sigma'(0) = 1/4`, the bound is attained).

A ridge penalty :math:`\\frac{\\alpha}{2}\\lVert\\mathbf{w}\\rVert_2^2` adds :math:`\\alpha` to either constant.

The page ``book/calculus/taylor.md`` proves both and the quadratic upper bound.
"""

from __future__ import annotations

from collections.abc import Callable
from numbers import Real

import numpy as np

from .._validation import check_array, check_callable, check_scalar

__all__ = ["lipschitz_constant_least_squares", "lipschitz_constant_logistic", "quadratic_upper_bound"]


def _largest_eigenvalue_over_n(X) -> float:
    X = check_array(X, "X", ndim=2, min_rows=1, min_cols=1)
    # X^T X is symmetric, so eigvalsh applies: real eigenvalues in ascending order.
    # Rounding can make the largest one a tiny negative number when X = 0; it is really >= 0.
    return max(float(np.linalg.eigvalsh(X.T @ X)[-1]), 0.0) / X.shape[0]


def lipschitz_constant_least_squares(X) -> float:
    """Smallest Lipschitz constant of the gradient of :math:`\\frac{1}{2N}\\lVert\\mathbf{X}\\mathbf{w}-\\mathbf{y}\\rVert_2^2`.

    The gradient is :math:`\\frac1N\\mathbf{X}^\\top(\\mathbf{X}\\mathbf{w}-\\mathbf{y})`, so the
    difference of two gradients is :math:`\\frac1N\\mathbf{X}^\\top\\mathbf{X}(\\mathbf{w}-\\mathbf{v})`
    and the best constant is :math:`\\lambda_{\\max}(\\mathbf{X}^\\top\\mathbf{X})/N`, attained along
    the top eigenvector. It does not depend on :math:`\\mathbf{y}`.

    Parameters
    ----------
    X : array_like, shape (N, D)
        The data (design) matrix, one sample per row.

    Returns
    -------
    float
        :math:`L = \\lambda_{\\max}(\\mathbf{X}^\\top\\mathbf{X})/N \\ge 0`.
    """
    return _largest_eigenvalue_over_n(X)


def lipschitz_constant_logistic(X) -> float:
    """Smallest Lipschitz constant of the gradient of the average logistic loss: :math:`\\lambda_{\\max}(\\mathbf{X}^\\top\\mathbf{X})/(4N)`.

    The Hessian of the loss is :math:`\\frac1N\\mathbf{X}^\\top\\mathbf{S}\\mathbf{X}` with
    :math:`s_{nn} = \\sigma'(z_n) = \\sigma(z_n)\\sigma(-z_n) \\le \\tfrac14`, so its largest
    eigenvalue is at most :math:`\\lambda_{\\max}(\\mathbf{X}^\\top\\mathbf{X})/(4N)` at every
    :math:`\\mathbf{w}`, and this bounds how fast the gradient can change. At
    :math:`\\mathbf{w} = \\mathbf{0}` every :math:`s_{nn} = \\sigma'(0) = \\tfrac14` and the Hessian is
    :math:`\\mathbf{X}^\\top\\mathbf{X}/(4N)`: the bound is attained, so no smaller constant
    holds for every :math:`\\mathbf{w}`. It does not depend on the labels.

    Parameters
    ----------
    X : array_like, shape (N, D)
        The data (design) matrix, one sample per row.
    """
    return _largest_eigenvalue_over_n(X) / 4


def quadratic_upper_bound(fun: Callable, grad: Callable, x, y, L: float) -> float:
    """The right-hand side :math:`f(\\mathbf{x}) + \\nabla f(\\mathbf{x})^\\top(\\mathbf{y}-\\mathbf{x}) + \\frac L2\\lVert\\mathbf{y}-\\mathbf{x}\\rVert_2^2`.

    If ``fun`` is L-smooth, the result is at least ``fun(y)``.

    Parameters
    ----------
    fun, grad : callable
        The function :math:`f` and its gradient, both taking a vector like ``x``.
    x, y : array_like, shape (D,)
        The expansion point and the point where :math:`f` is bounded.
    L : float
        A non-negative Lipschitz constant of ``grad``.
    """
    check_callable(fun, "fun")
    check_callable(grad, "grad")
    x = check_array(x, "x", ndim=1)
    y = check_array(y, "y", ndim=1)
    if x.shape != y.shape:
        raise ValueError(f"x and y must have the same shape, got {x.shape} and {y.shape}")
    L = check_scalar(L, "L", target_type=Real, min_val=0)
    step = y - x
    g = np.asarray(grad(x), dtype=float)
    if g.shape != x.shape:
        raise ValueError(f"grad(x) must have the shape of x, {x.shape}, got {g.shape}")
    return float(fun(x) + g @ step + 0.5 * L * (step @ step))
