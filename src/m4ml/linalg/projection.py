"""The pseudoinverse, orthogonal projectors and the four fundamental subspaces, from the SVD.

Every function here starts from one thin singular value decomposition
:math:`\\mathbf{A} = \\mathbf{U}\\boldsymbol{\\Sigma}\\mathbf{V}^\\top` of a real
:math:`N\\times D` matrix and one decision: which singular values count as zero.
A singular value :math:`\\sigma_i` is kept when

.. math::

    \\sigma_i > \\texttt{rtol}\\cdot\\sigma_1,
    \\qquad \\texttt{rtol} = \\max(N, D)\\,\\varepsilon_{\\text{mach}} \\text{ by default},

the cut-off of ``np.linalg.matrix_rank`` and of ``np.linalg.pinv(A, rtol=None)``.
The number :math:`r` of kept values is the numerical rank; the first :math:`r`
columns of :math:`\\mathbf{U}` and :math:`\\mathbf{V}` are orthonormal bases of the
column space and the row space, and the remaining columns of the full SVD are bases
of the left null space and the null space. The derivations are in
``book/spectral/pseudoinverse.md`` and ``book/spectral/projections.md``.
"""

from __future__ import annotations

from numbers import Real
from typing import NamedTuple

import numpy as np

from .._validation import check_array, check_scalar

__all__ = ["FourSubspaces", "four_subspaces", "pinv", "projector"]


class FourSubspaces(NamedTuple):
    """Orthonormal bases (as columns) of the four fundamental subspaces of an N x D matrix."""

    column: np.ndarray  #: (N, r) basis of the column space C(A), in R^N
    row: np.ndarray  #: (D, r) basis of the row space C(A^T), in R^D
    null: np.ndarray  #: (D, D - r) basis of the null space N(A), in R^D
    left_null: np.ndarray  #: (N, N - r) basis of the left null space N(A^T), in R^N
    rank: int  #: the numerical rank r


def _check_matrix(A, name: str = "A") -> np.ndarray:
    return check_array(A, name, ndim=2, min_rows=1, min_cols=1)


def _check_rtol(rtol, shape: tuple[int, int]) -> float:
    if rtol is None:
        return max(shape) * np.finfo(float).eps
    return check_scalar(rtol, "rtol", target_type=Real, min_val=0.0, max_val=1.0,
                        include_boundaries="left")


def _kept(s: np.ndarray, rtol: float) -> int:
    """How many singular values (sorted in decreasing order) exceed ``rtol * s[0]``."""
    if s.size == 0 or s[0] == 0:
        return 0
    return int(np.sum(s > rtol * s[0]))


def pinv(A, *, rtol: float | None = None) -> np.ndarray:
    """The Moore-Penrose pseudoinverse through the SVD, with a relative cut-off.

    With the thin SVD :math:`\\mathbf{A} = \\sum_i \\sigma_i\\mathbf{u}_i\\mathbf{v}_i^\\top`,

    .. math::

        \\mathbf{A}^{+} = \\sum_{i \\le r} \\frac{1}{\\sigma_i}\\,\\mathbf{v}_i\\mathbf{u}_i^\\top ,
        \\qquad r = \\#\\{i : \\sigma_i > \\texttt{rtol}\\cdot\\sigma_1\\}.

    Singular values at or below the cut-off are treated as exact zeros: inverting
    them would multiply rounding errors by :math:`1/\\sigma_i`. With a cut-off
    below every nonzero singular value the result satisfies the four Penrose
    conditions :math:`\\mathbf{A}\\mathbf{A}^{+}\\mathbf{A} = \\mathbf{A}`,
    :math:`\\mathbf{A}^{+}\\mathbf{A}\\mathbf{A}^{+} = \\mathbf{A}^{+}`, and
    :math:`\\mathbf{A}\\mathbf{A}^{+}`, :math:`\\mathbf{A}^{+}\\mathbf{A}` symmetric.

    Parameters
    ----------
    A : array_like, shape (N, D)
        A real matrix, no NaN.
    rtol : float, optional
        Relative cut-off in ``[0, 1)``; default :math:`\\max(N, D)\\,\\varepsilon_{\\text{mach}}`,
        as ``np.linalg.pinv(A, rtol=None)`` (whose own default, ``rcond=1e-15``,
        is smaller and can keep a singular value that is only rounding error).

    Returns
    -------
    numpy.ndarray, shape (D, N)

    Examples
    --------
    >>> pinv([[1.0, 0.0], [0.0, 0.0]])
    array([[1., 0.],
           [0., 0.]])
    """
    A = _check_matrix(A)
    rtol = _check_rtol(rtol, A.shape)
    U, s, Vt = np.linalg.svd(A, full_matrices=False)
    r = _kept(s, rtol)
    return (Vt[:r].T / s[:r]) @ U[:, :r].T


def projector(A, *, rtol: float | None = None) -> np.ndarray:
    """The orthogonal projector onto the column space of ``A``.

    :math:`\\mathbf{P} = \\mathbf{U}_r\\mathbf{U}_r^\\top = \\mathbf{A}\\mathbf{A}^{+}`,
    where :math:`\\mathbf{U}_r` holds the first :math:`r` left singular vectors.
    It is symmetric and idempotent, :math:`\\mathbf{P}\\vy` is the point of the
    column space closest to :math:`\\vy`, and :math:`\\vy - \\mathbf{P}\\vy` is
    orthogonal to every column. To project onto any subspace, pass a matrix whose
    columns span it (they need not be orthonormal or independent); for the row
    space pass ``A.T``.

    Parameters
    ----------
    A : array_like, shape (N, K)
        Columns spanning the subspace of :math:`\\mathbb{R}^N`.
    rtol : float, optional
        Relative cut-off of the numerical rank, as in :func:`pinv`.

    Returns
    -------
    numpy.ndarray, shape (N, N)

    Examples
    --------
    >>> projector([[1.0], [1.0]])
    array([[0.5, 0.5],
           [0.5, 0.5]])
    """
    A = _check_matrix(A)
    rtol = _check_rtol(rtol, A.shape)
    U, s, _ = np.linalg.svd(A, full_matrices=False)
    Ur = U[:, :_kept(s, rtol)]
    return Ur @ Ur.T


def four_subspaces(A, *, rtol: float | None = None) -> FourSubspaces:
    """Orthonormal bases of the column, row, null and left null spaces of ``A``.

    From the full SVD :math:`\\mathbf{A} = \\mathbf{U}\\boldsymbol{\\Sigma}\\mathbf{V}^\\top`
    with numerical rank :math:`r`: the column space is spanned by
    :math:`\\mathbf{u}_1, \\dots, \\mathbf{u}_r`, the left null space by
    :math:`\\mathbf{u}_{r+1}, \\dots, \\mathbf{u}_N`, the row space by
    :math:`\\mathbf{v}_1, \\dots, \\mathbf{v}_r` and the null space by
    :math:`\\mathbf{v}_{r+1}, \\dots, \\mathbf{v}_D`. The dimensions are
    :math:`r`, :math:`N - r`, :math:`r` and :math:`D - r`.

    Parameters
    ----------
    A : array_like, shape (N, D)
        A real matrix, no NaN.
    rtol : float, optional
        Relative cut-off of the numerical rank, as in :func:`pinv`.

    Returns
    -------
    FourSubspaces
        ``column`` (N, r), ``row`` (D, r), ``null`` (D, D - r),
        ``left_null`` (N, N - r) and ``rank``.

    Examples
    --------
    >>> sub = four_subspaces([[1.0, 1.0], [2.0, 2.0], [3.0, 3.0]])
    >>> sub.rank, sub.column.shape, sub.null.shape, sub.left_null.shape
    (1, (3, 1), (2, 1), (3, 2))
    """
    A = _check_matrix(A)
    rtol = _check_rtol(rtol, A.shape)
    U, s, Vt = np.linalg.svd(A, full_matrices=True)
    r = _kept(s, rtol)
    V = Vt.T
    return FourSubspaces(U[:, :r], V[:, :r], V[:, r:], U[:, r:], r)
