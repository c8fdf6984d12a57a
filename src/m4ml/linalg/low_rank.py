"""Low-rank approximation: the truncated SVD and the randomised SVD.

By the Eckart-Young-Mirsky theorem, keeping the ``k`` largest singular values
of a matrix gives its best rank-``k`` approximation in the spectral and the
Frobenius norm. :func:`truncated_svd` computes those terms exactly;
:func:`randomized_svd` approximates them from a random sketch of the range of
the matrix (Halko, Martinsson and Tropp, 2011).
"""

from __future__ import annotations

from numbers import Integral
from typing import NamedTuple

import numpy as np

from .._validation import check_array, check_scalar, describe

__all__ = ["SVDResult", "truncated_svd", "randomized_svd"]


class SVDResult(NamedTuple):
    """Result of :func:`truncated_svd` and :func:`randomized_svd`."""

    U: np.ndarray  #: (N, k) orthonormal left singular vectors, as columns
    s: np.ndarray  #: (k,) singular values, largest first
    Vt: np.ndarray  #: (k, D) orthonormal right singular vectors, as rows


def _fix_signs(U: np.ndarray, s: np.ndarray, Vt: np.ndarray) -> SVDResult:
    """Flip each pair (u_i, v_i) so that the largest-magnitude entry of v_i is positive.

    Flipping both vectors of a pair leaves every term sigma_i u_i v_i^T unchanged,
    and the rule makes the output the same on every LAPACK build.
    """
    k = len(s)
    signs = np.sign(Vt[np.arange(k), np.argmax(np.abs(Vt), axis=1)])
    signs[signs == 0] = 1.0
    return SVDResult(U * signs, s, Vt * signs[:, None])


def _check_rank(k, A: np.ndarray) -> int:
    k = check_scalar(k, "k", target_type=Integral, min_val=1)
    if k > min(A.shape):
        raise ValueError(f"k must be at most min(N, D) = {min(A.shape)}, got {k}")
    return k


def _check_rng(rng) -> np.random.Generator:
    if isinstance(rng, np.random.Generator):
        return rng
    if isinstance(rng, (bool, np.bool_)) or not isinstance(rng, Integral):
        raise TypeError(
            f"rng must be a non-negative integer seed or a numpy.random.Generator, "
            f"got {describe(rng)}")
    seed = check_scalar(rng, "rng", target_type=Integral, min_val=0)
    return np.random.default_rng(seed)


def truncated_svd(A, *, k: int) -> SVDResult:
    """The ``k`` leading terms of the singular value decomposition of ``A``.

    With :math:`\\mathbf{A} = \\sum_i \\sigma_i \\mathbf{u}_i \\mathbf{v}_i^\\top`
    and :math:`\\sigma_1 \\ge \\sigma_2 \\ge \\dots`, returns
    :math:`\\mathbf{U}_k`, :math:`(\\sigma_1, \\dots, \\sigma_k)` and
    :math:`\\mathbf{V}_k^\\top`, so that ``(U * s) @ Vt`` is the best rank-``k``
    approximation :math:`\\mathbf{A}_k` of ``A`` in the spectral and the
    Frobenius norm (Eckart-Young-Mirsky). Each pair
    :math:`(\\mathbf{u}_i, \\mathbf{v}_i)` is signed so that the
    largest-magnitude entry of :math:`\\mathbf{v}_i` is positive.

    Parameters
    ----------
    A : array_like, shape (N, D)
        The matrix; no NaN.
    k : int
        Number of terms, ``1 <= k <= min(N, D)``.

    Returns
    -------
    SVDResult
        ``U`` of shape (N, k), ``s`` of shape (k,), ``Vt`` of shape (k, D).

    Examples
    --------
    >>> A = np.array([[3.0, 0.0], [0.0, 1.0], [0.0, 0.0]])
    >>> U, s, Vt = truncated_svd(A, k=1)
    >>> s, (U * s) @ Vt
    (array([3.]), array([[3., 0.],
           [0., 0.],
           [0., 0.]]))
    """
    A = check_array(A, "A", ndim=2, min_rows=1, min_cols=1)
    k = _check_rank(k, A)
    U, s, Vt = np.linalg.svd(A, full_matrices=False)
    return _fix_signs(U[:, :k], s[:k], Vt[:k])


def randomized_svd(
    A,
    *,
    k: int,
    oversampling: int = 10,
    n_power_iter: int = 2,
    rng: int | np.random.Generator = 0,
) -> SVDResult:
    """The ``k`` leading singular triplets of ``A``, from a random sketch.

    The algorithm of Halko, Martinsson and Tropp (2011), with
    :math:`\\ell = k + p` sample vectors (``p = oversampling``) and ``q =
    n_power_iter`` power iterations:

    1. draw a Gaussian matrix :math:`\\boldsymbol{\\Omega} \\in
       \\mathbb{R}^{D\\times \\ell}` and orthonormalise
       :math:`\\mathbf{Y} = \\mathbf{A}\\boldsymbol{\\Omega}` into
       :math:`\\mathbf{Q}` (a QR factorisation);
    2. ``q`` times, replace :math:`\\mathbf{Q}` by an orthonormal basis of
       :math:`\\mathbf{A}^\\top\\mathbf{Q}` and then of
       :math:`\\mathbf{A}(\\cdot)`: this applies
       :math:`(\\mathbf{A}\\mathbf{A}^\\top)^q` to the sketch, which damps the
       small singular values by the factor
       :math:`(\\sigma_j/\\sigma_i)^{2q}`, and re-orthonormalising at every
       step keeps the small directions from being lost to rounding;
    3. compute the small SVD :math:`\\mathbf{Q}^\\top\\mathbf{A} =
       \\hat{\\mathbf{U}}\\boldsymbol{\\Sigma}\\mathbf{V}^\\top` and return
       :math:`\\mathbf{U} = \\mathbf{Q}\\hat{\\mathbf{U}}`,
       :math:`\\boldsymbol{\\Sigma}` and :math:`\\mathbf{V}^\\top`, cut to
       ``k`` terms.

    Then :math:`\\mathbf{Q}\\mathbf{Q}^\\top\\mathbf{A}` approximates
    :math:`\\mathbf{A}` almost as well as the truncated SVD when the singular
    values decay; the cost is :math:`O(ND\\ell(q + 1))` instead of
    :math:`O(ND\\min(N, D))`. Signs follow :func:`truncated_svd`.

    Parameters
    ----------
    A : array_like, shape (N, D)
        The matrix; no NaN.
    k : int
        Number of singular triplets, ``1 <= k <= min(N, D)``.
    oversampling : int
        Extra sample vectors ``p >= 0``; ``k + p`` is capped at ``min(N, D)``.
    n_power_iter : int
        Number of power iterations ``q >= 0``.
    rng : int or numpy.random.Generator
        A seed (non-negative integer) or a generator, for the Gaussian test
        matrix. The same seed gives the same result.

    Returns
    -------
    SVDResult
        ``U`` of shape (N, k), ``s`` of shape (k,), ``Vt`` of shape (k, D).

    Examples
    --------
    >>> A = np.outer([1.0, 2.0, 3.0], [1.0, 0.0, 1.0, 0.0])
    >>> U, s, Vt = randomized_svd(A, k=1, rng=0)
    >>> bool(np.isclose(s[0], np.linalg.norm(A, 2)))
    True
    >>> bool(np.allclose((U * s) @ Vt, A))
    True
    """
    A = check_array(A, "A", ndim=2, min_rows=1, min_cols=1)
    k = _check_rank(k, A)
    oversampling = check_scalar(
        oversampling, "oversampling", target_type=Integral, min_val=0)
    n_power_iter = check_scalar(
        n_power_iter, "n_power_iter", target_type=Integral, min_val=0)
    generator = _check_rng(rng)
    ell = min(k + oversampling, min(A.shape))
    Omega = generator.standard_normal((A.shape[1], ell))
    Q, _ = np.linalg.qr(A @ Omega)
    for _ in range(n_power_iter):
        W, _ = np.linalg.qr(A.T @ Q)
        Q, _ = np.linalg.qr(A @ W)
    U_small, s, Vt = np.linalg.svd(Q.T @ A, full_matrices=False)
    return _fix_signs((Q @ U_small)[:, :k], s[:k], Vt[:k])
