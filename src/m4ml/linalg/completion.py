"""Low-rank matrix completion by alternating least squares (ALS).

A matrix :math:`\\mathbf{X}\\in\\mathbb{R}^{N\\times M}` is observed only on a set
:math:`\\Omega` of entries (the others are NaN). We model it as
:math:`\\mathbf{A}\\mathbf{B}^\\top` with :math:`\\mathbf{A}\\in\\mathbb{R}^{N\\times K}`
(rows :math:`\\mathbf{a}_n`) and :math:`\\mathbf{B}\\in\\mathbb{R}^{M\\times K}`
(rows :math:`\\mathbf{b}_m`), and minimise the average squared error on the
observed entries plus a ridge penalty, in the book's scaling:

.. math::

    f(\\mathbf{A}, \\mathbf{B}) = \\frac{1}{2|\\Omega|}\\sum_{(n,m)\\in\\Omega}
    (x_{nm} - \\mathbf{a}_n^\\top\\mathbf{b}_m)^2
    + \\frac{\\alpha}{2}\\bigl(\\lVert\\mathbf{A}\\rVert_F^2 + \\lVert\\mathbf{B}\\rVert_F^2\\bigr).

With :math:`\\mathbf{B}` fixed, :math:`f` splits into one ridge regression per row
of :math:`\\mathbf{A}`, whose minimiser solves
:math:`(\\sum_{m\\in\\Omega_n}\\mathbf{b}_m\\mathbf{b}_m^\\top + |\\Omega|\\alpha\\mathbf{I})
\\mathbf{a}_n = \\sum_{m\\in\\Omega_n} x_{nm}\\mathbf{b}_m`, with
:math:`\\Omega_n = \\{m : (n, m)\\in\\Omega\\}`; and symmetrically for
:math:`\\mathbf{B}`. ALS alternates the two exact updates, so :math:`f` never
increases (``book/spectral/completion.md`` proves it). The objective is not
convex in :math:`(\\mathbf{A}, \\mathbf{B})` jointly, so the limit can depend on the
seeded starting point.
"""

from __future__ import annotations

from numbers import Integral, Real
from typing import NamedTuple

import numpy as np

from .._validation import check_array, check_scalar

__all__ = ["CompletionResult", "als_complete", "completion_objective"]


class CompletionResult(NamedTuple):
    """Result of :func:`als_complete`."""

    completed: np.ndarray  #: (N, M) the observed entries, and A B^T where X was NaN
    A: np.ndarray  #: (N, K) left factor, one row per row of X
    B: np.ndarray  #: (M, K) right factor, one row per column of X
    objective: np.ndarray  #: (n_iter + 1,) f at the start and after each sweep


def _check_X(X) -> tuple[np.ndarray, np.ndarray]:
    X = check_array(X, "X", ndim=2, min_rows=1, min_cols=1, allow_nan=True)
    observed = ~np.isnan(X)
    if not observed.any():
        raise ValueError(f"X must have at least one observed (non-NaN) entry, got shape {X.shape} "
                         "with none")
    return X, observed


def _check_alpha(alpha) -> float:
    return check_scalar(alpha, "alpha", target_type=Real, min_val=0.0, include_boundaries="right")


def _objective(X0, W, A, B, alpha, n_obs) -> float:
    residual = W * (X0 - A @ B.T)
    return float(np.sum(residual**2) / (2 * n_obs)
                 + alpha / 2 * (np.sum(A**2) + np.sum(B**2)))


def completion_objective(X, A, B, *, alpha: float) -> float:
    """The ALS objective :math:`f(\\mathbf{A}, \\mathbf{B})` of the module docstring.

    Parameters
    ----------
    X : array_like, shape (N, M)
        The matrix, NaN where an entry is missing.
    A : array_like, shape (N, K)
        Left factor.
    B : array_like, shape (M, K)
        Right factor.
    alpha : float
        Ridge strength :math:`\\alpha > 0`.

    Examples
    --------
    >>> completion_objective([[1.0, np.nan]], [[1.0]], [[1.0], [5.0]], alpha=0.5)
    6.75
    """
    X, observed = _check_X(X)
    A = check_array(A, "A", ndim=2, min_cols=1, shape=(X.shape[0], None))
    B = check_array(B, "B", ndim=2, shape=(X.shape[1], A.shape[1]))
    alpha = _check_alpha(alpha)
    W = observed.astype(float)
    return _objective(np.where(observed, X, 0.0), W, A, B, alpha, W.sum())


def _ridge_rows(W, X0, F, shift) -> np.ndarray:
    """Row n of the result minimises, over a,
    sum_m W[n, m] (X0[n, m] - F[m] @ a)^2 + shift ||a||^2."""
    K = F.shape[1]
    i, j = np.triu_indices(K)
    # upper[n, p] = sum_m W[n, m] F[m, i[p]] F[m, j[p]]: the upper
    # triangles of the Gram matrices of all rows, in one product
    upper = W @ (F[:, i] * F[:, j])
    gram = np.empty((W.shape[0], K, K))
    gram[:, i, j] = upper
    gram[:, j, i] = upper
    gram += shift * np.eye(K)
    return np.linalg.solve(gram, (X0 @ F)[..., None])[..., 0]


def als_complete(X, *, rank: int, alpha: float, n_iter: int = 30, seed: int = 0) -> CompletionResult:
    """Fill in the NaN entries of ``X`` with a rank-``rank`` model fitted by ALS.

    Each sweep replaces every row of :math:`\\mathbf{A}` by its ridge solution
    given :math:`\\mathbf{B}`, then every row of :math:`\\mathbf{B}` given the new
    :math:`\\mathbf{A}` (module docstring). The entries of the starting
    :math:`\\mathbf{A}` and :math:`\\mathbf{B}` are Gaussian, drawn with
    ``np.random.default_rng(seed)`` and scaled so that :math:`\\mathbf{A}\\mathbf{B}^\\top`
    has roughly the size of the observed entries.

    Parameters
    ----------
    X : array_like, shape (N, M)
        The matrix, with NaN marking the missing entries; at least one entry observed.
    rank : int
        The rank :math:`K` of the model, ``1 <= rank <= min(N, M)``.
    alpha : float
        Ridge strength :math:`\\alpha > 0` (it makes every update unique, even for
        a row with fewer than :math:`K` observed entries).
    n_iter : int
        Number of sweeps, at least 1.
    seed : int
        Seed of the starting point.

    Returns
    -------
    CompletionResult
        ``completed`` (observed entries unchanged), the factors ``A`` and ``B``,
        and ``objective``, :math:`f` before the first sweep and after each one,
        a non-increasing sequence up to rounding.

    Examples
    --------
    >>> X = np.outer([1.0, 2.0, 3.0], [1.0, -1.0, 2.0])
    >>> X[0, 2] = np.nan
    >>> res = als_complete(X, rank=1, alpha=1e-6, n_iter=50)
    >>> round(float(res.completed[0, 2]), 3)
    2.0
    """
    X, observed = _check_X(X)
    N, M = X.shape
    rank = check_scalar(rank, "rank", target_type=Integral, min_val=1)
    if rank > min(N, M):
        raise ValueError(f"rank must be at most min(N, M) = {min(N, M)}, got {rank}")
    alpha = _check_alpha(alpha)
    n_iter = check_scalar(n_iter, "n_iter", target_type=Integral, min_val=1)
    seed = check_scalar(seed, "seed", target_type=Integral, min_val=0)
    W = observed.astype(float)
    X0 = np.where(observed, X, 0.0)
    n_obs = W.sum()
    shift = n_obs * alpha
    rng = np.random.default_rng(seed)
    # entries of A B^T are sums of K products: this scale gives them the observed RMS
    scale = np.sqrt(np.sqrt(np.sum(X0**2) / n_obs) / np.sqrt(rank)) + 1e-12
    A = scale * rng.normal(size=(N, rank))
    B = scale * rng.normal(size=(M, rank))
    history = [_objective(X0, W, A, B, alpha, n_obs)]
    for _ in range(n_iter):
        A = _ridge_rows(W, X0, B, shift)
        B = _ridge_rows(W.T, X0.T, A, shift)
        history.append(_objective(X0, W, A, B, alpha, n_obs))
    completed = np.where(observed, X, A @ B.T)
    return CompletionResult(completed, A, B, np.array(history))
