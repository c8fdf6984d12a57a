r"""Geometry in :math:`\mathbb{R}^D`: angles, orthonormal bases and hyperplanes.

:func:`cosine_similarity` measures the angle between vectors, :func:`gram_schmidt`
turns independent vectors into an orthonormal basis of their span, and
:class:`Hyperplane` describes the decision boundaries of linear classifiers.

A hyperplane is the set :math:`H = \{\mathbf{x} \in \mathbb{R}^D : \mathbf{w}^\top\mathbf{x} = b\}`
with a nonzero **normal vector** :math:`\mathbf{w}` and an **offset** :math:`b`. Every difference of
two points of :math:`H` is orthogonal to :math:`\mathbf{w}`, and the signed distance of a point
:math:`\mathbf{x}` to :math:`H` is :math:`(\mathbf{w}^\top\mathbf{x} - b)/\lVert\mathbf{w}\rVert`
(section "Subspaces, linear maps and hyperplanes" of the book proves both).

Example::

    >>> from m4ml.linalg.geometry import Hyperplane
    >>> H = Hyperplane([0.0, 2.0], 2.0)          # the line x_2 = 1 in the plane
    >>> H.signed_distance([[3.0, 5.0], [0.0, 0.0]])
    array([ 4., -1.])
    >>> H.project([3.0, 5.0])
    array([3., 1.])
"""

from __future__ import annotations

from dataclasses import dataclass
from numbers import Real

import numpy as np

from .._validation import check_array, check_bool, check_scalar

__all__ = ["Hyperplane", "cosine_similarity", "gram_schmidt", "perpendicular_bisector"]


@dataclass(frozen=True, eq=False)
class Hyperplane:
    r"""The hyperplane :math:`H = \{\mathbf{x} : \mathbf{w}^\top\mathbf{x} = b\}` in :math:`\mathbb{R}^D`.

    Parameters
    ----------
    w : array_like, shape (D,)
        Normal vector; must be nonzero. Points with :math:`\mathbf{w}^\top\mathbf{x} > b`
        lie on the **positive side**, the side that :math:`\mathbf{w}` points to.
    b : float
        Offset. The point of :math:`H` closest to the origin is
        :math:`b\,\mathbf{w}/\lVert\mathbf{w}\rVert^2`.

    Notes
    -----
    The pair :math:`(c\mathbf{w}, cb)` describes the same set for every :math:`c \neq 0`;
    for :math:`c > 0` it also has the same positive side and the same signed distances.
    Instances are immutable (``w`` is stored as a read-only copy) and compare by identity.
    """

    w: np.ndarray
    b: float

    def __post_init__(self) -> None:
        w = check_array(self.w, "w", ndim=1, min_rows=1).copy()
        norm = float(np.linalg.norm(w))
        if norm == 0.0:
            raise ValueError("w must be a nonzero vector (the normal of the hyperplane), got all zeros")
        if isinstance(self.b, np.ndarray):
            b = float(check_array(self.b, "b", ndim=0))
        else:
            b = check_scalar(self.b, "b", target_type=Real)
        w.setflags(write=False)
        object.__setattr__(self, "w", w)
        object.__setattr__(self, "b", float(b))

    @property
    def dim(self) -> int:
        r"""The dimension :math:`D` of the ambient space (the hyperplane itself has dimension D - 1)."""
        return self.w.shape[0]

    @property
    def unit_normal(self) -> np.ndarray:
        r"""The unit normal :math:`\mathbf{w}/\lVert\mathbf{w}\rVert`, pointing to the positive side."""
        return self.w / np.linalg.norm(self.w)

    @property
    def point(self) -> np.ndarray:
        r"""The point of :math:`H` closest to the origin, :math:`b\,\mathbf{w}/\lVert\mathbf{w}\rVert^2`."""
        return self.b * self.w / (self.w @ self.w)

    def _points(self, X) -> np.ndarray:
        X = check_array(X, "X", ndim=(1, 2))
        if X.shape[-1] != self.dim:
            want = f"({self.dim},) or (N, {self.dim})"
            raise ValueError(
                f"X must have {self.dim} entries per point (shape {want}) to match w, "
                f"got shape {X.shape}"
            )
        return X

    def value(self, X) -> np.ndarray | float:
        r"""The affine function :math:`\mathbf{w}^\top\mathbf{x} - b` at each point (each row of ``X``)."""
        X = self._points(X)
        out = X @ self.w - self.b
        return float(out) if X.ndim == 1 else out

    def signed_distance(self, X) -> np.ndarray | float:
        r"""Signed distance :math:`(\mathbf{w}^\top\mathbf{x} -
        b)/\lVert\mathbf{w}\rVert` to the hyperplane.

        Its absolute value is the Euclidean distance from :math:`\mathbf{x}` to
        the nearest point of :math:`H`; it is positive on the side that
        :math:`\mathbf{w}` points to.

        Parameters
        ----------
        X : array_like, shape (D,) or (N, D)
            One point, or one point per row.
        """
        X = self._points(X)
        out = (X @ self.w - self.b) / np.linalg.norm(self.w)
        return float(out) if X.ndim == 1 else out

    def side(self, X) -> np.ndarray | int:
        r"""The side of each point: +1 if :math:`\mathbf{w}^\top\mathbf{x} > b`, -1 if below, 0 on :math:`H`."""
        X = self._points(X)
        out = np.sign(X @ self.w - self.b).astype(int)
        return int(out) if X.ndim == 1 else out

    def project(self, X) -> np.ndarray:
        r"""Orthogonal projection onto the hyperplane, the nearest point of :math:`H`.

        :math:`\mathbf{p} = \mathbf{x} - \frac{\mathbf{w}^\top\mathbf{x} - b}{\lVert\mathbf{w}\rVert^2}\,\mathbf{w}`,
        applied to each row of ``X``; the result has the shape of ``X``.
        """
        X = self._points(X)
        step = (X @ self.w - self.b) / (self.w @ self.w)
        return X - np.multiply.outer(step, self.w)


def perpendicular_bisector(a, c) -> Hyperplane:
    r"""The hyperplane of points equally far from ``a`` and ``c``.

    :math:`\{\mathbf{x} : \lVert\mathbf{x} - \mathbf{a}\rVert = \lVert\mathbf{x} - \mathbf{c}\rVert\}`
    is the hyperplane with :math:`\mathbf{w} = \mathbf{c} - \mathbf{a}` and
    :math:`b = \tfrac12(\lVert\mathbf{c}\rVert^2 - \lVert\mathbf{a}\rVert^2)`. Its positive side
    holds the points closer to ``c``. With ``a`` and ``c`` the two class centroids, it is the
    decision boundary of the nearest-centroid classifier.

    Parameters
    ----------
    a, c : array_like, shape (D,)
        Two different points.
    """
    a = check_array(a, "a", ndim=1, min_rows=1)
    c = check_array(c, "c", ndim=1, min_rows=1)
    if a.shape != c.shape:
        raise ValueError(f"a and c must have the same shape, got {a.shape} and {c.shape}")
    if np.array_equal(a, c):
        raise ValueError("a and c must be different points; every point is equally far from a point and itself")
    return Hyperplane(c - a, float(c @ c - a @ a) / 2)


def gram_schmidt(A, *, modified: bool = True,
                 tol: float = 1e-10) -> np.ndarray:
    """Orthonormalise the columns of ``A`` by the Gram-Schmidt process.

    For :math:`j = 1, \\dots, K`, column :math:`\\mathbf{a}_j` loses its
    components along the earlier directions and the remainder is scaled to
    length 1:

    .. math::

        \\mathbf{v}_j = \\mathbf{a}_j - \\sum_{i<j}
        (\\mathbf{q}_i^\\top\\mathbf{a}_j)\\,\\mathbf{q}_i, \\qquad
        \\mathbf{q}_j = \\mathbf{v}_j / \\lVert\\mathbf{v}_j\\rVert .

    The result :math:`\\mathbf{Q}` has orthonormal columns, and its first
    :math:`j` columns span the same subspace as the first :math:`j` columns of
    ``A``, for every :math:`j`. It is the :math:`\\mathbf{Q}` of the QR
    factorisation :math:`\\mathbf{A} = \\mathbf{Q}\\mathbf{R}` whose
    :math:`\\mathbf{R}` has a positive diagonal.

    The *classical* variant (``modified=False``) computes all coefficients
    :math:`\\mathbf{q}_i^\\top\\mathbf{a}_j` from the original column. The
    *modified* variant subtracts one direction at a time and takes each
    coefficient from the partly reduced vector, :math:`\\mathbf{v} \\leftarrow
    \\mathbf{v} - (\\mathbf{q}_i^\\top\\mathbf{v})\\,\\mathbf{q}_i`. Both agree
    in exact arithmetic; in floating point the loss of orthogonality
    :math:`\\lVert\\mathbf{Q}^\\top\\mathbf{Q} - \\mathbf{I}\\rVert` grows like
    :math:`\\kappa(\\mathbf{A})^2\\,u` for the classical and like
    :math:`\\kappa(\\mathbf{A})\\,u` for the modified variant (:math:`u` the
    unit roundoff). For accurate work prefer the Householder QR of
    ``numpy.linalg.qr``, whose loss is of order :math:`u`.

    Parameters
    ----------
    A : array_like, shape (N, K)
        The vectors to orthonormalise, one per column, with ``K <= N``.
    modified : bool
        Use modified (default) or classical Gram-Schmidt.
    tol : float
        Relative tolerance for linear dependence: column :math:`j` counts as
        dependent on the columns before it when
        :math:`\\lVert\\mathbf{v}_j\\rVert \\le` ``tol``
        :math:`\\lVert\\mathbf{a}_j\\rVert`, that is when its distance to their
        span is at most ``tol`` times its length.

    Returns
    -------
    numpy.ndarray, shape (N, K)
        :math:`\\mathbf{Q}` with :math:`\\mathbf{Q}^\\top\\mathbf{Q} =
        \\mathbf{I}_K` (up to rounding).

    Raises
    ------
    ValueError
        If ``A`` is not 2-D, has no columns or more columns than rows, has a
        zero column, or has a column that is linearly dependent on the earlier
        ones within ``tol``. Dependent columns are reported, never silently
        dropped.

    Examples
    --------
    >>> gram_schmidt([[3.0, 1.0], [4.0, 0.0]]).round(4)
    array([[ 0.6,  0.8],
           [ 0.8, -0.6]])
    """
    A = check_array(A, "A", ndim=2)
    tol = check_scalar(tol, "tol", target_type=Real, min_val=0)
    modified = check_bool(modified, "modified")
    N, K = A.shape
    if K == 0 or K > N:
        raise ValueError(
            f"A must have between 1 and N = {N} columns, got shape {A.shape}"
            + (f": {K} vectors in R^{N} are linearly dependent"
               if K > N else "")
        )
    col_max = np.abs(A).max(axis=0)
    if np.any(col_max == 0):
        zero = np.flatnonzero(col_max == 0)[:5].tolist()
        raise ValueError(f"A has zero column(s) {zero}")
    # Scaling a column by a power of 2 is exact and leaves Q unchanged; it
    # keeps the squares inside the norms from overflowing or underflowing.
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

        S_{nm} =
        \\frac{\\mathbf{a}_n^\\top\\mathbf{b}_m}
        {\\lVert\\mathbf{a}_n\\rVert\\,\\lVert\\mathbf{b}_m\\rVert}
        \\in [-1, 1].

    All pairs are computed at once: with the rows scaled to length 1 (matrices
    :math:`\\mathbf{U}_A`, :math:`\\mathbf{U}_B`), :math:`\\mathbf{S} =
    \\mathbf{U}_A\\mathbf{U}_B^\\top`. Scaling a row by a positive number does
    not change its similarities.

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
    >>> B = [[2.0, 0.0], [1.0, 1.0], [0.0, -3.0]]
    >>> cosine_similarity([1.0, 0.0], B).round(4)
    array([1.    , 0.7071, 0.    ])
    """
    A = check_array(A, "A", ndim=(1, 2))
    UA = _unit_rows(A, "A")
    if B is None:
        UB = UA
    else:
        B = check_array(B, "B", ndim=(1, 2))
        if B.shape[-1] != A.shape[-1]:
            raise ValueError(
                "A and B must have the same number of columns, got shapes "
                f"{A.shape} and {B.shape}"
            )
        UB = _unit_rows(B, "B")
    S = np.clip(UA @ UB.T, -1.0, 1.0)  # rounding can push |S| a hair above 1
    return float(S) if S.ndim == 0 else S
