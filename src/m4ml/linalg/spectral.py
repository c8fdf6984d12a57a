"""Symmetric matrices: a reproducible eigendecomposition and the ellipse of a covariance matrix."""

from __future__ import annotations

from numbers import Integral, Real
from typing import NamedTuple

import numpy as np

from .._validation import check_array, check_bool, check_scalar

__all__ = ["SymmetricEigen", "covariance_ellipse", "symmetric_eigh"]

# Entries within this relative distance of a column's largest absolute entry count as tied
# when the sign of an eigenvector is fixed, so that rounding cannot decide the sign.
_TIE = 1e-8


class SymmetricEigen(NamedTuple):
    """Result of :func:`symmetric_eigh`."""

    eigenvalues: np.ndarray  #: (D,) real eigenvalues, ascending (or descending if asked)
    eigenvectors: np.ndarray  #: (D, D) orthonormal eigenvectors, one per column, signs fixed


def _check_square(A, name: str) -> np.ndarray:
    A = check_array(A, name, ndim=2, min_rows=1)
    if A.shape[0] != A.shape[1]:
        raise ValueError(f"{name} must be a square matrix, got an array of shape {A.shape}")
    return A


def symmetric_eigh(A, *, descending: bool = False, rtol: float = 1e-10) -> SymmetricEigen:
    """Eigendecomposition :math:`\\mathbf{A} = \\mathbf{Q}\\boldsymbol{\\Lambda}\\mathbf{Q}^\\top`
    of a symmetric matrix, the same on every computer.

    By the spectral theorem a symmetric :math:`\\mathbf{A}` has real eigenvalues
    :math:`\\lambda_1 \\le \\dots \\le \\lambda_D` and an orthonormal basis of eigenvectors
    :math:`\\mathbf{q}_1, \\dots, \\mathbf{q}_D`, the columns of :math:`\\mathbf{Q}`. Each
    :math:`\\mathbf{q}_d` is defined only up to its sign, and LAPACK libraries choose the sign
    differently. This function calls :func:`numpy.linalg.eigh` on the symmetric part
    :math:`\\frac12(\\mathbf{A} + \\mathbf{A}^\\top)` and then fixes every sign so that the
    entry of largest absolute value of each eigenvector is positive (on a tie, within a relative
    ``1e-8``, the first such entry). For a repeated eigenvalue only the eigenspace is unique,
    so compare the projector :math:`\\mathbf{Q}_\\lambda\\mathbf{Q}_\\lambda^\\top` there.

    Parameters
    ----------
    A : array_like, shape (D, D)
        A symmetric matrix; entries that break symmetry by more than
        ``rtol * max|a_ij|`` are rejected, smaller differences (rounding) are averaged away.
    descending : bool
        Return the largest eigenvalue first (as in PCA) instead of the smallest.
    rtol : float
        The relative tolerance of the symmetry check, ``0 <= rtol < 1``.

    Returns
    -------
    SymmetricEigen
        ``eigenvalues`` and ``eigenvectors`` (as columns), with
        ``A @ eigenvectors[:, d] == eigenvalues[d] * eigenvectors[:, d]`` up to rounding.

    Raises
    ------
    ValueError
        If ``A`` is not square, not symmetric within ``rtol``, or has NaN or infinite entries.

    Examples
    --------
    >>> lam, Q = symmetric_eigh([[2.0, 1.0], [1.0, 2.0]])
    >>> lam
    array([1., 3.])
    >>> Q * np.sqrt(2)
    array([[ 1.,  1.],
           [-1.,  1.]])
    """
    A = _check_square(A, "A")
    descending = check_bool(descending, "descending")
    rtol = check_scalar(rtol, "rtol", target_type=Real, min_val=0.0, max_val=1.0,
                        include_boundaries="left")
    asymmetry = np.abs(A - A.T).max()
    if asymmetry > rtol * np.abs(A).max():
        raise ValueError(
            f"A must be symmetric (within rtol = {rtol:g} of its largest entry), got a matrix whose "
            f"entries a_ij and a_ji differ by up to {asymmetry:.3g}")
    lam, Q = np.linalg.eigh((A + A.T) / 2)
    if descending:
        lam, Q = lam[::-1], Q[:, ::-1]
    size = np.abs(Q)
    lead = np.argmax(size >= (1 - _TIE) * size.max(axis=0), axis=0)   # first (near-)largest
    Q = Q * np.where(Q[lead, np.arange(Q.shape[1])] < 0, -1.0, 1.0)
    return SymmetricEigen(np.ascontiguousarray(lam), np.ascontiguousarray(Q))


def covariance_ellipse(mean, cov, *, scale: float = 1.0,
                       n_points: int = 200) -> np.ndarray:
    r"""Points on the covariance ellipse of two-dimensional data.

    For a mean :math:`\boldsymbol{\mu}` and a symmetric positive definite
    covariance :math:`\boldsymbol{\Sigma} =
    \mathbf{Q}\boldsymbol{\Lambda}\mathbf{Q}^\top`, the points at
    Mahalanobis distance :math:`c` from the mean,

    .. math::

        \{\mathbf{x} : (\mathbf{x} - \boldsymbol{\mu})^\top
        \boldsymbol{\Sigma}^{-1}(\mathbf{x} - \boldsymbol{\mu}) = c^2\}
        = \{\boldsymbol{\mu} + c\,\mathbf{Q}\boldsymbol{\Lambda}^{1/2}
        \mathbf{u} : \lVert\mathbf{u}\rVert = 1\},

    form an ellipse centred at the mean with half-axes
    :math:`c\sqrt{\lambda_d}\,\mathbf{q}_d`: :math:`c` standard deviations
    along each principal direction. The points are the images of
    :math:`\mathbf{u} = (\cos t, \sin t)` for ``n_points`` equally spaced
    angles :math:`t \in [0, 2\pi]`; the first and the last point coincide,
    so a line through them is closed.

    Parameters
    ----------
    mean : array_like, shape (2,)
        The centre :math:`\boldsymbol{\mu}`.
    cov : array_like, shape (2, 2)
        A symmetric positive definite covariance matrix.
    scale : float
        The Mahalanobis distance :math:`c > 0` (the number of standard
        deviations).
    n_points : int
        The number of points, at least 3.

    Returns
    -------
    numpy.ndarray, shape (n_points, 2)
        One point per row, ready for ``ax.plot(*points.T)``.

    Raises
    ------
    ValueError
        If ``cov`` is not symmetric positive definite, or a shape or value
        is wrong.

    Examples
    --------
    >>> cov = [[4.0, 0.0], [0.0, 1.0]]
    >>> np.round(covariance_ellipse([0, 0], cov, n_points=5), 12) + 0.0
    array([[ 0.,  1.],
           [ 2.,  0.],
           [ 0., -1.],
           [-2.,  0.],
           [ 0.,  1.]])
    """
    mean = check_array(mean, "mean", shape=(2,))
    cov = check_array(cov, "cov", shape=(2, 2))
    scale = check_scalar(scale, "scale", target_type=Real, min_val=0.0,
                         include_boundaries="neither")
    n_points = check_scalar(n_points, "n_points", target_type=Integral,
                            min_val=3)
    symmetric = np.allclose(cov, cov.T, rtol=1e-10, atol=0.0)
    lam, Q = symmetric_eigh(cov) if symmetric else (None, None)
    if lam is None or lam[0] <= 0:
        raise ValueError("cov must be symmetric positive definite, "
                         f"got {cov.tolist()}")
    t = np.linspace(0.0, 2 * np.pi, n_points)
    # one unit vector u per row
    circle = np.column_stack([np.cos(t), np.sin(t)])
    return mean + scale * circle @ (Q * np.sqrt(lam)).T
