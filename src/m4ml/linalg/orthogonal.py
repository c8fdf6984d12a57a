r"""Orthogonal matrices: Householder reflections and the QR factorisation they give.

A **Householder reflection** :math:`\mathbf{F} = \mathbf{I} - 2\mathbf{v}\mathbf{v}^\top`,
with :math:`\lVert\mathbf{v}\rVert = 1`, mirrors :math:`\mathbb{R}^N` in the hyperplane
orthogonal to :math:`\mathbf{v}`. It is symmetric and orthogonal
(:math:`\mathbf{F}^\top\mathbf{F} = \mathbf{F}^2 = \mathbf{I}`) and has determinant
:math:`-1`. :func:`householder_vector` finds the :math:`\mathbf{v}` that maps a given
vector onto a multiple of :math:`\mathbf{e}_1`; :func:`householder_qr` applies one
such reflection per column to reduce a matrix to upper triangular form, which gives
:math:`\mathbf{A} = \mathbf{Q}\mathbf{R}`. :func:`orthogonality_loss` measures how far a
computed :math:`\mathbf{Q}` is from having orthonormal columns.

Example::

    >>> import numpy as np
    >>> from m4ml.linalg.orthogonal import householder_qr
    >>> Q, R = householder_qr([[3.0, 1.0], [4.0, 2.0]])
    >>> R.round(6)
    array([[-5. , -2.2],
           [ 0. ,  0.4]])
    >>> np.allclose(Q @ R, [[3.0, 1.0], [4.0, 2.0]])
    True
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from .._validation import check_array, check_choice

__all__ = ["QR", "householder_qr", "householder_reflector", "householder_vector",
           "orthogonality_loss"]


class QR(NamedTuple):
    """The factors of :math:`\\mathbf{A} = \\mathbf{Q}\\mathbf{R}`."""

    Q: np.ndarray
    R: np.ndarray


def householder_vector(x) -> np.ndarray:
    r"""The unit vector :math:`\mathbf{v}` whose reflection sends ``x`` onto the first axis.

    With :math:`s = 1` if :math:`x_1 \ge 0` and :math:`s = -1` otherwise,

    .. math::

        \mathbf{u} = \mathbf{x} + s\,\lVert\mathbf{x}\rVert\,\mathbf{e}_1, \qquad
        \mathbf{v} = \mathbf{u} / \lVert\mathbf{u}\rVert, \qquad
        (\mathbf{I} - 2\mathbf{v}\mathbf{v}^\top)\,\mathbf{x}
        = -s\,\lVert\mathbf{x}\rVert\,\mathbf{e}_1 .

    The sign :math:`s` makes the first entry of :math:`\mathbf{u}` the sum of two
    numbers of the same sign, so no cancellation can occur and :math:`\mathbf{u} \ne
    \mathbf{0}` whenever :math:`\mathbf{x} \ne \mathbf{0}`. For :math:`\mathbf{x} =
    \mathbf{0}` every reflection works; the function returns :math:`\mathbf{e}_1`.

    Parameters
    ----------
    x : array_like, shape (N,)
        A vector with at least one entry.

    Returns
    -------
    numpy.ndarray, shape (N,)
        :math:`\mathbf{v}` with :math:`\lVert\mathbf{v}\rVert = 1`.

    Raises
    ------
    TypeError
        If ``x`` is not numeric.
    ValueError
        If ``x`` is not 1-D, is empty, or holds NaN or infinite values.

    Examples
    --------
    >>> v = householder_vector([3.0, 4.0])
    >>> ((np.eye(2) - 2 * np.outer(v, v)) @ [3.0, 4.0]).round(12)
    array([-5.,  0.])
    """
    x = check_array(x, "x", ndim=1, min_rows=1)
    # Scaling by the largest entry is exact up to rounding and keeps the squares in
    # the norm from overflowing or underflowing; v does not depend on the scale.
    scale = np.abs(x).max()
    if scale == 0.0:
        v = np.zeros_like(x)
        v[0] = 1.0
        return v
    u = x / scale
    sign = 1.0 if u[0] >= 0 else -1.0
    u[0] += sign * np.linalg.norm(u)
    return u / np.linalg.norm(u)


def householder_reflector(v) -> np.ndarray:
    r"""The reflection :math:`\mathbf{F} = \mathbf{I} - 2\,\mathbf{v}\mathbf{v}^\top / (\mathbf{v}^\top\mathbf{v})`.

    :math:`\mathbf{F}` fixes every vector orthogonal to :math:`\mathbf{v}` and sends
    :math:`\mathbf{v}` to :math:`-\mathbf{v}`: it mirrors space in the hyperplane
    :math:`\mathbf{v}^\perp`. It is symmetric, orthogonal and its own inverse, and
    :math:`\det\mathbf{F} = -1`.

    Parameters
    ----------
    v : array_like, shape (N,)
        A nonzero normal vector of the mirror; it need not have length 1.

    Returns
    -------
    numpy.ndarray, shape (N, N)

    Raises
    ------
    TypeError
        If ``v`` is not numeric.
    ValueError
        If ``v`` is not 1-D, is empty, is zero or holds NaN or infinite values.

    Examples
    --------
    >>> householder_reflector([1.0, 1.0]).round(12)
    array([[ 0., -1.],
           [-1.,  0.]])
    """
    v = check_array(v, "v", ndim=1, min_rows=1)
    scale = np.abs(v).max()
    if scale == 0.0:
        raise ValueError("v must be a nonzero vector (the normal of the mirror), got all zeros")
    v = v / scale
    v = v / np.linalg.norm(v)
    return np.eye(len(v)) - 2.0 * np.outer(v, v)


def householder_qr(A, *, mode: str = "reduced") -> QR:
    r"""QR factorisation by Householder reflections.

    For :math:`k = 1, \dots, m` with :math:`m = \min(N - 1, K)`, a reflection
    :math:`\mathbf{F}_k` that leaves the first :math:`k - 1` coordinates alone maps
    the part of column :math:`k` on and below the diagonal onto a multiple of
    :math:`\mathbf{e}_k` (:func:`householder_vector`). After all of them,

    .. math::

        \mathbf{F}_m \cdots \mathbf{F}_2\mathbf{F}_1\,\mathbf{A} = \mathbf{R}
        \quad\Longrightarrow\quad
        \mathbf{A} = \mathbf{Q}\mathbf{R}, \qquad
        \mathbf{Q} = \mathbf{F}_1\mathbf{F}_2\cdots\mathbf{F}_m ,

    since each :math:`\mathbf{F}_k` is its own inverse. :math:`\mathbf{Q}` is a product
    of orthogonal matrices, hence orthogonal, and :math:`\mathbf{R}` is upper
    triangular. Each reflection is applied as
    :math:`\mathbf{B} \leftarrow \mathbf{B} - 2\mathbf{v}(\mathbf{v}^\top\mathbf{B})`,
    without forming :math:`\mathbf{F}_k`, at a cost of about :math:`2NK^2 - \tfrac23 K^3`
    flops for :math:`\mathbf{R}` when :math:`N \ge K`. Orthogonal transformations do
    not magnify rounding errors, so the computed :math:`\mathbf{Q}` has orthonormal
    columns to within a modest multiple of the unit roundoff however badly
    conditioned :math:`\mathbf{A}` is, unlike Gram-Schmidt
    (:func:`m4ml.linalg.geometry.gram_schmidt`).

    The diagonal of :math:`\mathbf{R}` may have either sign, as in
    ``numpy.linalg.qr``; multiply the columns of :math:`\mathbf{Q}` and the rows of
    :math:`\mathbf{R}` by the signs of that diagonal to make it positive.

    Parameters
    ----------
    A : array_like, shape (N, K)
        The matrix to factorise, of any shape.
    mode : {"reduced", "complete"}, keyword-only
        ``"reduced"`` returns :math:`\mathbf{Q}` of shape (N, min(N, K)) and
        :math:`\mathbf{R}` of shape (min(N, K), K); ``"complete"`` returns the square
        orthogonal :math:`\mathbf{Q}` of shape (N, N) and :math:`\mathbf{R}` of shape
        (N, K), as ``numpy.linalg.qr`` does with the same modes.

    Returns
    -------
    QR
        The named pair ``(Q, R)``.

    Raises
    ------
    TypeError
        If ``A`` is not numeric or ``mode`` is not a string.
    ValueError
        If ``A`` is not 2-D, has no rows or no columns, holds NaN or infinite
        values, or ``mode`` is not one of the two names.

    Examples
    --------
    >>> A = np.array([[1.0, 2.0], [2.0, 1.0], [2.0, 2.0]])
    >>> Q, R = householder_qr(A)
    >>> Q.shape, R.shape
    ((3, 2), (2, 2))
    >>> bool(np.allclose(Q.T @ Q, np.eye(2)) and np.allclose(Q @ R, A))
    True
    """
    A = check_array(A, "A", ndim=2, min_rows=1, min_cols=1)
    mode = check_choice(mode, "mode", ("reduced", "complete"))
    N, K = A.shape
    R = A.copy()
    vectors = []
    for k in range(min(N - 1, K)):
        v = householder_vector(R[k:, k])
        # apply H_k = I - 2 v v^T to rows k, ..., N - 1 of columns k, ...
        R[k:, k:] -= 2.0 * np.outer(v, v @ R[k:, k:])
        # column k is now zero below the diagonal, up to rounding: store 0
        R[k + 1:, k] = 0.0
        vectors.append(v)
    n_cols = N if mode == "complete" else min(N, K)
    # Q = H_1 H_2 ... H_m times the first columns of I, applied right to left
    Q = np.eye(N, n_cols)
    for k in reversed(range(len(vectors))):
        v = vectors[k]
        Q[k:, :] -= 2.0 * np.outer(v, v @ Q[k:, :])
    return QR(Q, R[:n_cols, :])


def orthogonality_loss(Q) -> float:
    r"""The loss of orthogonality :math:`\lVert\mathbf{Q}^\top\mathbf{Q} - \mathbf{I}\rVert_2`.

    It is 0 exactly when the columns of :math:`\mathbf{Q}` are orthonormal. For
    :math:`\mathbf{Q}` of shape (N, K), the identity is :math:`K \times K`; the norm is
    the spectral norm, the largest singular value.

    Parameters
    ----------
    Q : array_like, shape (N, K)
        A computed matrix that should have orthonormal columns.

    Returns
    -------
    float

    Raises
    ------
    TypeError
        If ``Q`` is not numeric.
    ValueError
        If ``Q`` is not 2-D, has no rows or columns, or holds NaN or infinite values.

    Examples
    --------
    >>> orthogonality_loss(np.eye(3))
    0.0
    >>> round(orthogonality_loss([[1.0, 1.0], [0.0, 1.0]]), 6)
    1.618034
    """
    Q = check_array(Q, "Q", ndim=2, min_rows=1, min_cols=1)
    return float(np.linalg.norm(Q.T @ Q - np.eye(Q.shape[1]), 2))
