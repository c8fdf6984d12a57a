r"""Eigenvalues by iteration: power iteration and (shifted) inverse iteration.

:func:`power_iteration` repeats :math:`\mathbf{x}^{(t+1)} = \mathbf{A}\mathbf{x}^{(t)} /
\lVert\mathbf{A}\mathbf{x}^{(t)}\rVert` and finds the eigenvalue of largest modulus;
:func:`inverse_iteration` does the same with :math:`(\mathbf{A} - \tau\mathbf{I})^{-1}`
and finds the eigenvalue closest to the shift :math:`\tau`. Both estimate the
eigenvalue by the **Rayleigh quotient**

.. math:: \theta^{(t)} = \frac{\mathbf{x}^{(t)\top}\mathbf{A}\,\mathbf{x}^{(t)}}{\mathbf{x}^{(t)\top}\mathbf{x}^{(t)}},

stop when the residual :math:`\lVert\mathbf{A}\mathbf{x}^{(t)} - \theta^{(t)}\mathbf{x}^{(t)}\rVert_2`
of the unit iterate falls to ``tol`` times :math:`\lVert\mathbf{A}\rVert_F`, and return an
:class:`EigenResult` with the history of the estimates (section "Power iteration" of the
book proves the rates).

Example::

    >>> import numpy as np
    >>> from m4ml.linalg.eigen import power_iteration, inverse_iteration
    >>> A = np.array([[2.0, 1.0], [1.0, 2.0]])          # eigenvalues 3 and 1
    >>> res = power_iteration(A)
    >>> round(res.eigenvalue, 10), res.eigenvector.round(6).tolist()
    (3.0, [0.707107, 0.707107])
    >>> round(inverse_iteration(A, shift=0.5).eigenvalue, 10)
    1.0
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from numbers import Integral, Real
from typing import NamedTuple

import numpy as np
from scipy import linalg as sla

from .._validation import check_array, check_bool, check_scalar

__all__ = ["EigenResult", "power_iteration", "inverse_iteration"]


class EigenResult(NamedTuple):
    """Result of :func:`power_iteration` and :func:`inverse_iteration`."""

    eigenvalue: float  #: the last Rayleigh quotient, the estimate of the eigenvalue
    eigenvector: np.ndarray  #: the last iterate, of unit length, its largest entry positive
    n_iter: int  #: how many multiplications (or solves) were made
    converged: bool  #: whether the residual fell to ``tol * ||A||_F``
    eigenvalues: np.ndarray  #: the Rayleigh quotient of every iterate, the start included
    residuals: np.ndarray  #: the residual norm of every iterate, the start included
    vectors: np.ndarray | None  #: every unit iterate as a row (only with ``keep_vectors=True``)


def _check_square(A) -> np.ndarray:
    A = check_array(A, "A", ndim=2, min_rows=1)
    if A.shape[0] != A.shape[1]:
        raise ValueError(f"A must be a square matrix, got shape {A.shape}")
    return A


def _start(x0, D: int, seed) -> np.ndarray:
    if x0 is None:
        seed = check_scalar(seed, "seed", target_type=Integral, min_val=0)
        x = np.random.default_rng(seed).normal(size=D)
    else:
        x = check_array(x0, "x0", shape=(D,))
    norm = np.linalg.norm(x)
    if norm == 0:
        raise ValueError("x0 must be a nonzero vector, got all zeros")
    return x / norm


def _iterate(A, step: Callable[[np.ndarray], np.ndarray], x, tol, max_iter,
             keep_vectors) -> EigenResult:
    """x <- step(x) / ||step(x)||, recording the Rayleigh quotients."""
    scale = max(np.linalg.norm(A), np.finfo(float).tiny)
    values, residuals, vectors = [], [], []
    n_iter = 0
    while True:
        Ax = A @ x
        theta = float(x @ Ax)                  # x has unit length
        values.append(theta)
        residuals.append(float(np.linalg.norm(Ax - theta * x)))
        if keep_vectors:
            vectors.append(x)
        if residuals[-1] <= tol * scale or n_iter == max_iter:
            break
        y = step(x)
        norm = np.linalg.norm(y)
        if not np.isfinite(norm) or norm == 0:
            break                              # A x = 0 x exactly
        x = y / norm
        n_iter += 1
    # an eigenvector's sign is free: make its largest entry positive
    x = x if x[np.argmax(np.abs(x))] >= 0 else -x
    return EigenResult(values[-1], x, n_iter, residuals[-1] <= tol * scale,
                       np.array(values), np.array(residuals),
                       np.array(vectors) if keep_vectors else None)


def _check_options(tol, max_iter, keep_vectors):
    tol = check_scalar(tol, "tol", target_type=Real, min_val=0, include_boundaries="neither")
    max_iter = check_scalar(max_iter, "max_iter", target_type=Integral, min_val=1)
    keep_vectors = check_bool(keep_vectors, "keep_vectors")
    return tol, max_iter, keep_vectors


def power_iteration(A, *, x0=None, tol: float = 1e-10, max_iter: int = 1000, seed: int = 0,
                    keep_vectors: bool = False) -> EigenResult:
    r"""The dominant eigenvalue and eigenvector of a square matrix, by power iteration.

    From a unit vector :math:`\mathbf{x}^{(0)}`, repeat

    .. math:: \mathbf{x}^{(t+1)} = \frac{\mathbf{A}\mathbf{x}^{(t)}}{\lVert\mathbf{A}\mathbf{x}^{(t)}\rVert_2}.

    If :math:`\mathbf{A}` is diagonalisable with :math:`|\lambda_1| > |\lambda_2| \ge \dots`
    and :math:`\mathbf{x}^{(0)}` has a component along the eigenvector
    :math:`\mathbf{v}_1`, the direction of :math:`\mathbf{x}^{(t)}` approaches that of
    :math:`\mathbf{v}_1` like :math:`|\lambda_2/\lambda_1|^t`. For a symmetric matrix the
    Rayleigh quotient converges twice as fast, like :math:`|\lambda_2/\lambda_1|^{2t}`.
    A dominant complex pair, or two dominant eigenvalues :math:`\pm\lambda`, give no
    convergence: ``converged`` is then False.

    Parameters
    ----------
    A : array_like, shape (D, D)
        A real square matrix.
    x0 : array_like, shape (D,), optional
        The start; nonzero. The default is a standard normal vector drawn with ``seed``.
    tol : float
        Stop when :math:`\lVert\mathbf{A}\mathbf{x} - \theta\mathbf{x}\rVert_2 \le
        \mathrm{tol}\,\lVert\mathbf{A}\rVert_F` for the unit iterate :math:`\mathbf{x}`.
    max_iter : int
        The most multiplications by :math:`\mathbf{A}`.
    seed : int
        Seed of the random start (used only without ``x0``).
    keep_vectors : bool
        Whether to return every iterate in ``vectors``.

    Returns
    -------
    EigenResult
        The estimate :math:`\theta` of :math:`\lambda_1` and the unit eigenvector
        (its entry of largest modulus positive), with the history.

    Raises
    ------
    TypeError
        If an argument has the wrong type.
    ValueError
        If ``A`` is not square and finite, ``x0`` has the wrong shape or is zero,
        or an option is out of range.
    """
    A = _check_square(A)
    tol, max_iter, keep_vectors = _check_options(tol, max_iter, keep_vectors)
    x = _start(x0, A.shape[0], seed)
    return _iterate(A, lambda v: A @ v, x, tol, max_iter, keep_vectors)


def inverse_iteration(A, *, shift: float = 0.0, x0=None, tol: float = 1e-10, max_iter: int = 1000,
                      seed: int = 0, keep_vectors: bool = False) -> EigenResult:
    r"""The eigenvalue of a square matrix closest to ``shift``, by shifted inverse iteration.

    Power iteration on :math:`(\mathbf{A} - \tau\mathbf{I})^{-1}`, whose eigenvalues are
    :math:`1/(\lambda_i - \tau)`: the largest belongs to the eigenvalue :math:`\lambda_j`
    closest to :math:`\tau`. With :math:`\lambda_k` the next closest, the direction
    converges like :math:`|\lambda_j - \tau|^t / |\lambda_k - \tau|^t`. The matrix
    :math:`\mathbf{A} - \tau\mathbf{I}` is factorised once (LU with partial pivoting)
    and each step solves :math:`(\mathbf{A} - \tau\mathbf{I})\mathbf{y} = \mathbf{x}^{(t)}`.
    If the shift is exactly an eigenvalue, the factorisation is singular; the shift is
    then moved by a few units of rounding, which leaves the answer intact.

    Parameters
    ----------
    A : array_like, shape (D, D)
        A real square matrix.
    shift : float
        The target :math:`\tau`; the default 0 finds the eigenvalue of smallest modulus.
    x0, tol, max_iter, seed, keep_vectors
        As in :func:`power_iteration`. The estimate and the stopping rule use
        :math:`\mathbf{A}` itself, not the shifted inverse.

    Returns
    -------
    EigenResult
        ``eigenvalue`` is the Rayleigh quotient of :math:`\mathbf{A}`, so it estimates
        :math:`\lambda_j`, not :math:`1/(\lambda_j - \tau)`.

    Raises
    ------
    TypeError
        If an argument has the wrong type.
    ValueError
        If ``A`` is not square and finite, ``x0`` has the wrong shape or is zero,
        or an option is out of range.
    """
    A = _check_square(A)
    shift = check_scalar(shift, "shift", target_type=Real)
    tol, max_iter, keep_vectors = _check_options(tol, max_iter, keep_vectors)
    x = _start(x0, A.shape[0], seed)
    D = A.shape[0]
    nudge = 8 * np.finfo(float).eps * max(np.linalg.norm(A), abs(shift), 1.0)
    for attempt in range(3):
        tau = shift + attempt * nudge
        with warnings.catch_warnings():
            # an exactly singular factor is handled just below, by moving the shift
            warnings.simplefilter("ignore", sla.LinAlgWarning)
            lu_piv = sla.lu_factor(A - tau * np.eye(D), check_finite=False)
        if np.all(np.diag(lu_piv[0]) != 0):
            break
    return _iterate(A, lambda v: sla.lu_solve(lu_piv, v, check_finite=False), x, tol, max_iter,
                    keep_vectors)
