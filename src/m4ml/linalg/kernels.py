"""Gram and kernel matrices, computed without Python loops.

For samples :math:`\\mathbf{x}_1, \\dots, \\mathbf{x}_N` (the rows of
:math:`\\mathbf{X}`) and :math:`\\mathbf{y}_1, \\dots, \\mathbf{y}_M` (the rows of
:math:`\\mathbf{Y}`), a kernel matrix collects one number per pair,
:math:`K_{nm} = k(\\mathbf{x}_n, \\mathbf{y}_m)`. Two kernels are provided:

* the linear kernel :math:`k(\\mathbf{x}, \\mathbf{y}) = \\mathbf{x}^\\top\\mathbf{y}`,
  whose matrix is the Gram matrix :math:`\\mathbf{X}\\mathbf{Y}^\\top`
  (:func:`gram_matrix`);
* the Gaussian or radial basis function (RBF) kernel
  :math:`k(\\mathbf{x}, \\mathbf{y}) = \\exp\\bigl(-\\lVert\\mathbf{x} - \\mathbf{y}\\rVert^2 / (2\\ell^2)\\bigr)`
  with length scale :math:`\\ell > 0` (:func:`rbf_kernel`).

Both are one matrix product plus entrywise work. The squared distances come
from :func:`m4ml.linalg.distances.squared_distances`, which uses
:math:`\\lVert\\mathbf{x} - \\mathbf{y}\\rVert^2 = \\lVert\\mathbf{x}\\rVert^2
+ \\lVert\\mathbf{y}\\rVert^2 - 2\\,\\mathbf{x}^\\top\\mathbf{y}` and clips the
rounding errors that would make an entry negative.
"""

from __future__ import annotations

from numbers import Real

import numpy as np

from .._validation import check_array, check_scalar
from .distances import squared_distances

__all__ = ["gram_matrix", "rbf_kernel"]


def _check_pair(X, Y) -> tuple[np.ndarray, np.ndarray | None]:
    """Validate ``X`` (N, D) and the optional ``Y`` (M, D); name the argument at fault."""
    X = check_array(X, "X", ndim=2, min_rows=1)
    if Y is None:
        return X, None
    Y = check_array(Y, "Y", ndim=2, min_rows=1)
    if Y.shape[1] != X.shape[1]:
        raise ValueError(
            f"Y must have one column per column of X ({X.shape[1]} features), got shape {Y.shape}"
        )
    return X, Y


def _symmetrize(M: np.ndarray) -> np.ndarray:
    """Average ``M`` with its transpose, which removes rounding asymmetry and changes nothing else."""
    return 0.5 * (M + M.T)


def gram_matrix(X, Y=None) -> np.ndarray:
    """Matrix of all inner products between the rows of ``X`` and the rows of ``Y``.

    .. math::

        g_{nm} = \\mathbf{x}_n^\\top \\mathbf{y}_m, \\qquad
        \\mathbf{G} = \\mathbf{X}\\mathbf{Y}^\\top \\in \\mathbb{R}^{N \\times M}.

    With ``Y=None`` this is :math:`\\mathbf{G} = \\mathbf{X}\\mathbf{X}^\\top`, which is
    symmetric and positive semi-definite, since
    :math:`\\mathbf{v}^\\top\\mathbf{G}\\mathbf{v} = \\lVert\\mathbf{X}^\\top\\mathbf{v}\\rVert^2 \\ge 0`;
    the result is then made exactly symmetric.

    Parameters
    ----------
    X : array_like, shape (N, D)
        Samples, one per row; finite.
    Y : array_like, shape (M, D), optional
        Second set of samples with the same D features; ``None`` means ``X``.

    Returns
    -------
    numpy.ndarray, shape (N, M)

    Raises
    ------
    TypeError
        If an input is not numeric.
    ValueError
        If an input is not 2-D, is empty, has non-finite entries, or the
        numbers of columns differ.
    """
    X, Y = _check_pair(X, Y)
    if Y is None:
        return _symmetrize(X @ X.T)
    return X @ Y.T


def rbf_kernel(X, Y=None, *, length_scale) -> np.ndarray:
    """Gaussian (RBF) kernel matrix between the rows of ``X`` and the rows of
    ``Y``.

    .. math::

        K_{nm} = \\exp\\Bigl(-\\frac{\\lVert \\mathbf{x}_n - \\mathbf{y}_m
        \\rVert^2}{2\\ell^2}\\Bigr),

    computed from the matrix of squared distances
    :math:`\\lVert\\mathbf{x}_n\\rVert^2 + \\lVert\\mathbf{y}_m\\rVert^2 -
    2\\,\\mathbf{x}_n^\\top\\mathbf{y}_m`
    (:func:`m4ml.linalg.distances.squared_distances`, clipped at 0), so the
    only :math:`O(NMD)` work is one matrix product. This is scikit-learn's
    ``rbf_kernel`` with ``gamma`` :math:`= 1/(2\\ell^2)`.

    With ``Y=None`` the squared distances of ``X`` to itself are made exactly
    symmetric with a zero diagonal, so that :math:`K_{nn} = 1` and
    :math:`\\mathbf{K} = \\mathbf{K}^\\top` despite rounding. Every entry lies
    in :math:`[0, 1]`, and the matrix is positive semi-definite.

    Parameters
    ----------
    X : array_like, shape (N, D)
        Samples, one per row; finite.
    Y : array_like, shape (M, D), optional
        Second set of samples with the same D features; ``None`` means ``X``.
    length_scale : float
        The length scale :math:`\\ell > 0`, in the units of the features:
        pairs much closer than :math:`\\ell` get a value near 1, pairs much
        farther apart a value near 0. Keyword-only, with no default, because
        no single value suits every data set.

    Returns
    -------
    numpy.ndarray, shape (N, M)

    Raises
    ------
    TypeError
        If an input is not numeric or ``length_scale`` is not a real number.
    ValueError
        If an input is not 2-D, is empty or has non-finite entries, the
        numbers of columns differ, or ``length_scale`` is not a finite
        positive number.
    """
    X, Y = _check_pair(X, Y)
    length_scale = check_scalar(length_scale, "length_scale",
                                target_type=Real, min_val=0,
                                include_boundaries="neither")
    if Y is None:
        d2 = _symmetrize(squared_distances(X, X))
        np.fill_diagonal(d2, 0.0)
    else:
        d2 = squared_distances(X, Y)
    # Divide twice rather than by length_scale**2, which underflows to 0 for
    # tiny length scales. A quotient that overflows is +inf, and exp(-inf) = 0
    # is the right kernel value for a pair infinitely many length scales apart.
    with np.errstate(over="ignore"):
        scaled = d2 / length_scale / (2.0 * length_scale)
    return np.exp(-scaled)
