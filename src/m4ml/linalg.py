"""Linear-algebra helpers that several pages share."""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from ._validation import as_float_array, check_integer, check_positive

__all__ = ["PCAResult", "pca", "gram_schmidt", "cosine_similarity"]


class PCAResult(NamedTuple):
    """Result of :func:`pca`."""

    scores: np.ndarray  #: (N, k) coordinates of the centred data on the components
    components: np.ndarray  #: (k, D) orthonormal principal directions, one per row
    explained_variance_ratio: np.ndarray  #: (k,) share of total variance per component
    mean: np.ndarray  #: (D,) the column means that were subtracted


def pca(X, k: int = 2) -> PCAResult:
    """Principal component analysis through the SVD of the centred data.

    With the centred data :math:`\\tilde{\\mathbf{X}} = \\mathbf{X} - \\mathbf{1}\\bar{\\mathbf{x}}^\\top
    = \\mathbf{U}\\boldsymbol{\\Sigma}\\mathbf{V}^\\top`, the principal directions are the
    first ``k`` rows of :math:`\\mathbf{V}^\\top` and the scores are
    :math:`\\tilde{\\mathbf{X}}\\mathbf{V}_k`. Component :math:`i` explains the share
    :math:`\\sigma_i^2 / \\sum_j \\sigma_j^2` of the total variance. Signs of
    components are fixed so that the largest-magnitude loading is positive,
    which makes results reproducible across LAPACK builds.

    Parameters
    ----------
    X : array_like, shape (N, D)
        Data, one sample per row; no NaN.
    k : int
        Number of components, ``1 <= k <= min(N, D)``.
    """
    X = as_float_array(X, "X", ndim=2, min_rows=2)
    k = check_integer(k, "k", minimum=1)
    if k > min(X.shape):
        raise ValueError(f"k must be at most min(N, D) = {min(X.shape)}, got {k}")
    mean = X.mean(axis=0)
    Xc = X - mean
    if Xc.shape[0] < Xc.shape[1]:
        # Wide data (e.g. genotypes): factor the transpose, Xc^T = U' S V'^T, so
        # Xc = V' S U'^T and the right singular vectors are the columns of U'.
        Ut, s, _ = np.linalg.svd(Xc.T, full_matrices=False)
        Vt = Ut.T[:k]
    else:
        _, s, Vt = np.linalg.svd(Xc, full_matrices=False)
        Vt = Vt[:k]
    signs = np.sign(Vt[np.arange(k), np.argmax(np.abs(Vt), axis=1)])
    Vt = Vt * signs[:, None]
    total = np.sum(s**2)
    ratio = s[:k] ** 2 / total if total > 0 else np.zeros(k)
    return PCAResult(Xc @ Vt.T, Vt, ratio, mean)


def gram_schmidt(A, *, modified: bool = True, tol: float = 1e-10) -> np.ndarray:
    """Orthonormalise the columns of ``A`` by the Gram-Schmidt process.

    For :math:`j = 1, \\dots, K`, column :math:`\\mathbf{a}_j` loses its components
    along the earlier directions and the remainder is scaled to length 1:

    .. math::

        \\mathbf{v}_j = \\mathbf{a}_j - \\sum_{i<j} (\\mathbf{q}_i^\\top\\mathbf{a}_j)\\,\\mathbf{q}_i,
        \\qquad \\mathbf{q}_j = \\mathbf{v}_j / \\lVert\\mathbf{v}_j\\rVert .

    The result :math:`\\mathbf{Q}` has orthonormal columns, and its first :math:`j`
    columns span the same subspace as the first :math:`j` columns of ``A``, for every
    :math:`j`. It is the :math:`\\mathbf{Q}` of the QR factorisation
    :math:`\\mathbf{A} = \\mathbf{Q}\\mathbf{R}` whose :math:`\\mathbf{R}` has a positive diagonal.

    The *classical* variant (``modified=False``) computes all coefficients
    :math:`\\mathbf{q}_i^\\top\\mathbf{a}_j` from the original column. The *modified*
    variant subtracts one direction at a time and takes each coefficient from the
    partly reduced vector, :math:`\\mathbf{v} \\leftarrow \\mathbf{v} - (\\mathbf{q}_i^\\top\\mathbf{v})\\,\\mathbf{q}_i`.
    Both agree in exact arithmetic; in floating point the loss of orthogonality
    :math:`\\lVert\\mathbf{Q}^\\top\\mathbf{Q} - \\mathbf{I}\\rVert` grows like
    :math:`\\kappa(\\mathbf{A})^2\\,u` for the classical and like :math:`\\kappa(\\mathbf{A})\\,u` for the
    modified variant (:math:`u` the unit roundoff). For accurate work prefer the
    Householder QR of ``numpy.linalg.qr``, whose loss is of order :math:`u`.

    Parameters
    ----------
    A : array_like, shape (N, K)
        The vectors to orthonormalise, one per column, with ``K <= N``.
    modified : bool
        Use modified (default) or classical Gram-Schmidt.
    tol : float
        Relative tolerance for linear dependence: column :math:`j` counts as
        dependent on the columns before it when :math:`\\lVert\\mathbf{v}_j\\rVert \\le`
        ``tol`` :math:`\\lVert\\mathbf{a}_j\\rVert`, that is when its distance to their
        span is at most ``tol`` times its length.

    Returns
    -------
    numpy.ndarray, shape (N, K)
        :math:`\\mathbf{Q}` with :math:`\\mathbf{Q}^\\top\\mathbf{Q} = \\mathbf{I}_K` (up to rounding).

    Raises
    ------
    ValueError
        If ``A`` is not 2-D, has no columns or more columns than rows, has a zero
        column, or has a column that is linearly dependent on the earlier ones
        within ``tol``. Dependent columns are reported, never silently dropped.

    Examples
    --------
    >>> gram_schmidt([[3.0, 1.0], [4.0, 0.0]]).round(4)
    array([[ 0.6,  0.8],
           [ 0.8, -0.6]])
    """
    A = as_float_array(A, "A", ndim=2)
    tol = check_positive(tol, "tol", strict=False)
    if not isinstance(modified, (bool, np.bool_)):
        raise TypeError(f"modified must be True or False, got {type(modified).__name__} {modified!r}")
    N, K = A.shape
    if K == 0 or K > N:
        raise ValueError(
            f"A must have between 1 and N = {N} columns, got shape {A.shape}"
            + (f": {K} vectors in R^{N} are linearly dependent" if K > N else "")
        )
    col_max = np.abs(A).max(axis=0)
    if np.any(col_max == 0):
        raise ValueError(f"A has zero column(s) {np.flatnonzero(col_max == 0)[:5].tolist()}")
    # Scaling a column by a power of 2 is exact and leaves Q unchanged; it keeps
    # the squares inside the norms from overflowing or underflowing.
    A = A / 2.0 ** np.floor(np.log2(col_max))
    Q = np.empty_like(A)
    for j in range(K):
        a = A[:, j]
        if modified:
            v = a.copy()
            for i in range(j):
                v -= (Q[:, i] @ v) * Q[:, i]
        else:
            v = a - Q[:, :j] @ (Q[:, :j].T @ a)
        length = np.linalg.norm(v)
        if length <= tol * np.linalg.norm(a):
            earlier = "column 0" if j == 1 else f"columns 0 to {j - 1}"
            raise ValueError(
                f"column {j} of A is linearly dependent on {earlier} within "
                f"tol = {tol:g} (its distance to their span is "
                f"{length / np.linalg.norm(a):.2g} times its length)"
            )
        Q[:, j] = v / length
    return Q


def _unit_rows(M: np.ndarray, name: str) -> np.ndarray:
    """Divide each row (or the vector) ``M`` by its Euclidean length."""
    if M.shape[-1] == 0:
        raise ValueError(f"{name} must have at least one column, got shape {M.shape}")
    scale = np.abs(M).max(axis=-1, keepdims=True)  # avoids overflow in the squares
    if np.any(scale == 0):
        if M.ndim == 1:
            raise ValueError(f"{name} is the zero vector; its cosine similarity is undefined")
        rows = np.flatnonzero(scale[:, 0] == 0)[:5].tolist()
        raise ValueError(f"{name} has zero row(s) {rows}; their cosine similarity is undefined")
    M = M / scale
    return M / np.linalg.norm(M, axis=-1, keepdims=True)


def cosine_similarity(A, B=None):
    """Cosine of the angle between every row of ``A`` and every row of ``B``.

    .. math::

        S_{nm} = \\frac{\\mathbf{a}_n^\\top\\mathbf{b}_m}{\\lVert\\mathbf{a}_n\\rVert\\,\\lVert\\mathbf{b}_m\\rVert} \\in [-1, 1].

    All pairs are computed at once: with the rows scaled to length 1 (matrices
    :math:`\\mathbf{U}_A`, :math:`\\mathbf{U}_B`), :math:`\\mathbf{S} = \\mathbf{U}_A\\mathbf{U}_B^\\top`.
    Scaling a row by a positive number does not change its similarities.

    Parameters
    ----------
    A : array_like, shape (N, D) or (D,)
        Vectors, one per row; a 1-D array is a single vector.
    B : array_like, shape (M, D) or (D,), optional
        Second set of vectors; ``A`` itself if omitted.

    Returns
    -------
    numpy.ndarray of shape (N, M), (N,) or (M,), or float
        As for ``A @ B.T``: the axis of a 1-D input is dropped, and two 1-D
        inputs give a float.

    Raises
    ------
    ValueError
        If a vector is zero (its angle is undefined) or ``A`` and ``B`` have
        different numbers of columns.

    Examples
    --------
    >>> cosine_similarity([1.0, 0.0], [[2.0, 0.0], [1.0, 1.0], [0.0, -3.0]]).round(4)
    array([1.    , 0.7071, 0.    ])
    """
    A = as_float_array(A, "A", ndim=(1, 2))
    UA = _unit_rows(A, "A")
    if B is None:
        UB = UA
    else:
        B = as_float_array(B, "B", ndim=(1, 2))
        if B.shape[-1] != A.shape[-1]:
            raise ValueError(
                f"A and B must have the same number of columns, got shapes {A.shape} and {B.shape}"
            )
        UB = _unit_rows(B, "B")
    S = np.clip(UA @ UB.T, -1.0, 1.0)  # rounding can push |S| a hair above 1
    return float(S) if S.ndim == 0 else S
