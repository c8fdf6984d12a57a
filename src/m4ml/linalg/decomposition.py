"""Principal component analysis: the directions of largest variance of a data set.

Two interfaces share one computation: :func:`pca` analyses one data matrix in a
single call, and :class:`PCA` fits the mean, the optional scales and the
components on training data and then maps new data with them.
"""

from __future__ import annotations

from numbers import Integral
from typing import NamedTuple

import numpy as np

from .._validation import check_array, check_bool, check_scalar

__all__ = ["PCA", "PCAResult", "pca"]


class PCAResult(NamedTuple):
    """Result of :func:`pca`."""

    scores: np.ndarray  #: (N, k) coordinates of the centred data on the components
    components: np.ndarray  #: (k, D) orthonormal principal directions, one per row
    explained_variance_ratio: np.ndarray  #: (k,) share of total variance per component
    mean: np.ndarray  #: (D,) the column means that were subtracted


def _check_k(k, name: str, X: np.ndarray) -> int:
    k = check_scalar(k, name, target_type=Integral, min_val=1)
    if k > min(X.shape):
        raise ValueError(
            f"{name} must be at most min(N, D) = {min(X.shape)}, got {k}")
    return int(k)


def _principal_directions(Xc: np.ndarray, k: int):
    """All singular values of ``Xc`` and its first ``k`` right singular vectors.

    The rows of the returned ``(k, D)`` array are orthonormal; the sign of each
    is fixed so that its largest-magnitude entry is positive.
    """
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
    return s, Vt * signs[:, None]


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
    k = _check_k(k, "k", X)
    mean = X.mean(axis=0)
    Xc = X - mean
    s, Vt = _principal_directions(Xc, k)
    total = np.sum(s**2)
    ratio = s[:k] ** 2 / total if total > 0 else np.zeros(k)
    return PCAResult(Xc @ Vt.T, Vt, ratio, mean)


class PCA:
    """Principal component analysis fitted on training data, applied to new data.

    :meth:`fit` learns the column means :math:`\\bar{\\mathbf{x}}` of the
    training data, optionally their standard deviations :math:`s_d` (divisor
    :math:`N`), and the SVD :math:`\\tilde{\\mathbf{X}} =
    \\mathbf{U}\\boldsymbol{\\Sigma}\\mathbf{V}^\\top` of the centred (and
    scaled) training matrix. A sample :math:`\\mathbf{x}`, old or new, is then
    coded as :math:`\\mathbf{z} = \\mathbf{V}_k^\\top \\mathbf{S}^{-1}(\\mathbf{x}
    - \\bar{\\mathbf{x}})` with :math:`\\mathbf{S} = \\operatorname{diag}(s_d)`
    (or :math:`\\mathbf{I}` without scaling), and reconstructed as
    :math:`\\hat{\\mathbf{x}} = \\bar{\\mathbf{x}} + \\mathbf{S}\\mathbf{V}_k
    \\mathbf{z}`. New data are always centred with the *training* mean.

    The explained variance of component :math:`i` is :math:`\\sigma_i^2 / N`,
    the :math:`i`-th eigenvalue of the covariance matrix
    :math:`\\frac1N\\tilde{\\mathbf{X}}^\\top\\tilde{\\mathbf{X}}` (divisor
    :math:`N`, as everywhere in the book; scikit-learn divides by :math:`N-1`).
    The sign of each component is fixed as in :func:`pca`: its largest-magnitude
    weight is positive.

    Parameters
    ----------
    n_components : int, optional
        Number of components ``k``, ``1 <= k <= min(N, D)`` of the training
        data; ``None`` keeps all ``min(N, D)``.
    scale : bool
        If true, divide each centred column by its training standard deviation
        before the SVD (a column that is constant in the training data is left
        unscaled: it is zero after centring).

    Attributes
    ----------
    mean_ : numpy.ndarray, shape (D,)
        Column means of the training data.
    scale_ : numpy.ndarray, shape (D,)
        The divisors of the columns (all ones when ``scale`` is false).
    components_ : numpy.ndarray, shape (k, D)
        Orthonormal principal directions, one per row.
    singular_values_ : numpy.ndarray, shape (k,)
        :math:`\\sigma_1 \\ge \\dots \\ge \\sigma_k`.
    explained_variance_ : numpy.ndarray, shape (k,)
        :math:`\\sigma_i^2 / N`.
    explained_variance_ratio_ : numpy.ndarray, shape (k,)
        :math:`\\sigma_i^2 / \\sum_j \\sigma_j^2` (zeros for constant data).
    total_variance_ : float
        :math:`\\frac1N\\sum_j \\sigma_j^2`, the trace of the covariance matrix.

    Examples
    --------
    >>> X = np.array([[0.0, 0.0], [2.0, 2.0], [4.0, 4.0], [1.0, 3.0]])
    >>> model = PCA(n_components=1).fit(X)
    >>> model.mean_
    array([1.75, 2.25])
    >>> model.explained_variance_.round(6), round(model.total_variance_, 6)
    (array([4.]), 4.375)
    >>> model.transform([[1.75, 2.25]])
    array([[0.]])
    """

    def __init__(self, *, n_components: int | None = None, scale: bool = False) -> None:
        if n_components is not None:
            n_components = check_scalar(n_components, "n_components",
                                        target_type=Integral, min_val=1)
        self.n_components = n_components
        self.scale = check_bool(scale, "scale")

    def __repr__(self) -> str:
        return f"PCA(n_components={self.n_components!r}, scale={self.scale!r})"

    def fit(self, X) -> PCA:
        """Learn the mean, scales and components from ``X`` (N, D); return ``self``."""
        X = check_array(X, "X", ndim=2, min_rows=2, min_cols=1)
        k = (min(X.shape) if self.n_components is None
             else _check_k(self.n_components, "n_components", X))
        mean = X.mean(axis=0)
        Xc = X - mean
        scale = np.ones(X.shape[1])
        if self.scale:
            sd = Xc.std(axis=0)
            scale = np.where(sd > 0, sd, 1.0)
            Xc = Xc / scale
        s, Vt = _principal_directions(Xc, k)
        total = float(np.sum(s**2))
        n = X.shape[0]
        self.mean_, self.scale_, self.components_ = mean, scale, Vt
        self.singular_values_ = s[:k].copy()
        self.explained_variance_ = s[:k] ** 2 / n
        self.explained_variance_ratio_ = (s[:k] ** 2 / total if total > 0
                                          else np.zeros(k))
        self.total_variance_ = total / n
        return self

    def _fitted(self, method: str) -> None:
        if not hasattr(self, "components_"):
            raise ValueError(
                f"PCA must be fitted before {method}: call fit(X) on training "
                "data first")

    def transform(self, X) -> np.ndarray:
        """Codes (N', k) of the rows of ``X`` (N', D).

        New rows are centred (and scaled) with the *training* statistics.
        """
        self._fitted("transform")
        D = self.components_.shape[1]
        X = check_array(X, "X", ndim=2, shape=(None, D))
        return ((X - self.mean_) / self.scale_) @ self.components_.T

    def fit_transform(self, X) -> np.ndarray:
        """:meth:`fit` on ``X``, then the codes of ``X`` itself."""
        return self.fit(X).transform(X)

    def inverse_transform(self, Z) -> np.ndarray:
        """Reconstructions (N', D) of codes ``Z`` (N', k).

        Each code :math:`\\mathbf{z}` maps back to :math:`\\bar{\\mathbf{x}} +
        \\mathbf{S}\\mathbf{V}_k\\mathbf{z}`.
        """
        self._fitted("inverse_transform")
        k = self.components_.shape[0]
        Z = check_array(Z, "Z", ndim=2, shape=(None, k))
        return (Z @ self.components_) * self.scale_ + self.mean_
