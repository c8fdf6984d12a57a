"""Principal component analysis: the directions of largest variance of a data set."""

from __future__ import annotations

from numbers import Integral
from typing import NamedTuple

import numpy as np

from .._validation import check_array, check_scalar

__all__ = ["PCAResult", "pca"]


class PCAResult(NamedTuple):
    """Result of :func:`pca`."""

    scores: np.ndarray  #: (N, k) coordinates of the centred data on the components
    components: np.ndarray  #: (k, D) orthonormal principal directions, one per row
    explained_variance_ratio: np.ndarray  #: (k,) share of total variance per component
    mean: np.ndarray  #: (D,) the column means that were subtracted


def pca(X, *, k: int = 2) -> PCAResult:
    """Principal component analysis through the SVD of the centred data.

    With the centred data :math:`\\tilde{\\mathbf{X}} = \\mathbf{X} -
    \\mathbf{1}\\bar{\\mathbf{x}}^\\top =
    \\mathbf{U}\\boldsymbol{\\Sigma}\\mathbf{V}^\\top`, the principal
    directions are the first ``k`` rows of :math:`\\mathbf{V}^\\top` and the
    scores are :math:`\\tilde{\\mathbf{X}}\\mathbf{V}_k`. Component :math:`i`
    explains the share :math:`\\sigma_i^2 / \\sum_j \\sigma_j^2` of the total
    variance. Signs of components are fixed so that the largest-magnitude
    loading is positive, which makes results reproducible across LAPACK builds.

    Parameters
    ----------
    X : array_like, shape (N, D)
        Data, one sample per row; no NaN.
    k : int
        Number of components, ``1 <= k <= min(N, D)``.
    """
    X = check_array(X, "X", ndim=2, min_rows=2)
    k = check_scalar(k, "k", target_type=Integral, min_val=1)
    if k > min(X.shape):
        raise ValueError(
            f"k must be at most min(N, D) = {min(X.shape)}, got {k}")
    mean = X.mean(axis=0)
    Xc = X - mean
    if Xc.shape[0] < Xc.shape[1]:
        # Wide data (e.g. genotypes): factor the transpose,
        # Xc^T = U' S V'^T, so Xc = V' S U'^T and the right singular vectors
        # are the columns of U'.
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
