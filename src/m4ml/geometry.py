r"""Hyperplanes in :math:`\mathbb{R}^D`: the decision boundaries of linear classifiers.

A hyperplane is the set :math:`H = \{\mathbf{x} \in \mathbb{R}^D : \mathbf{w}^\top\mathbf{x} = b\}`
with a nonzero **normal vector** :math:`\mathbf{w}` and an **offset** :math:`b`. Every difference of
two points of :math:`H` is orthogonal to :math:`\mathbf{w}`, and the signed distance of a point
:math:`\mathbf{x}` to :math:`H` is :math:`(\mathbf{w}^\top\mathbf{x} - b)/\lVert\mathbf{w}\rVert`
(section "Subspaces, linear maps and hyperplanes" of the book proves both).

Example::

    >>> from m4ml.geometry import Hyperplane
    >>> H = Hyperplane([0.0, 2.0], 2.0)          # the line x_2 = 1 in the plane
    >>> H.signed_distance([[3.0, 5.0], [0.0, 0.0]])
    array([ 4., -1.])
    >>> H.project([3.0, 5.0])
    array([3., 1.])
"""

from __future__ import annotations

import numbers
from dataclasses import dataclass

import numpy as np

from ._validation import as_float_array

__all__ = ["Hyperplane", "perpendicular_bisector"]


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
        w = as_float_array(self.w, "w", ndim=1, min_rows=1).copy()
        norm = float(np.linalg.norm(w))
        if norm == 0.0:
            raise ValueError("w must be a nonzero vector (the normal of the hyperplane), got all zeros")
        if isinstance(self.b, bool) or not isinstance(self.b, (numbers.Real, np.ndarray)):
            raise TypeError(f"b must be a real number, got {type(self.b).__name__} {self.b!r}")
        b = as_float_array(self.b, "b", ndim=0)
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
        X = as_float_array(X, "X", ndim=(1, 2))
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
        r"""Signed distance :math:`(\mathbf{w}^\top\mathbf{x} - b)/\lVert\mathbf{w}\rVert` to the hyperplane.

        Its absolute value is the Euclidean distance from :math:`\mathbf{x}` to the nearest
        point of :math:`H`; it is positive on the side that :math:`\mathbf{w}` points to.

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
    a = as_float_array(a, "a", ndim=1, min_rows=1)
    c = as_float_array(c, "c", ndim=1, min_rows=1)
    if a.shape != c.shape:
        raise ValueError(f"a and c must have the same shape, got {a.shape} and {c.shape}")
    if np.array_equal(a, c):
        raise ValueError("a and c must be different points; every point is equally far from a point and itself")
    return Hyperplane(c - a, float(c @ c - a @ a) / 2)
