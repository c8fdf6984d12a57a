"""The nearest-centroid classifier, with any p-norm as its distance.

The classifier stores the mean :math:`\\boldsymbol{\\mu}_k` of each class on the
training set and predicts
:math:`f(\\mathbf{x}) = \\arg\\min_k \\lVert \\mathbf{x} - \\boldsymbol{\\mu}_k \\rVert_p`
with the p-norm of :func:`m4ml.linalg.norms.p_norm`.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from .._validation import check_array, check_labels
from ..linalg.norms import p_norm

__all__ = ["Centroids", "nearest_centroid_fit", "nearest_centroid_predict"]


class Centroids(NamedTuple):
    """Result of :func:`nearest_centroid_fit`; unpack it into :func:`nearest_centroid_predict`."""

    centroids: np.ndarray  #: (K, D) the mean of each class, one per row
    classes: np.ndarray  #: (K,) the class labels, sorted; row k of centroids belongs to classes[k]


def nearest_centroid_fit(X, y) -> Centroids:
    """Fit the nearest-centroid classifier: the mean :math:`\\boldsymbol{\\mu}_k` of the rows of each class.

    Parameters
    ----------
    X : array_like, shape (N, D)
        Training data, one sample per row.
    y : array_like, shape (N,)
        Class labels (integers or strings).

    Returns
    -------
    Centroids
        ``(centroids, classes)`` with the classes in sorted order.
    """
    X = check_array(X, "X", ndim=2, min_rows=1)
    y = check_labels(y, "y", n_samples=len(X))
    classes = np.unique(y)
    centroids = np.stack([X[y == k].mean(axis=0) for k in classes])
    return Centroids(centroids, classes)


def nearest_centroid_predict(X, centroids, classes, *,
                             p: float = 2) -> np.ndarray:
    """Predict :math:`f(\\mathbf{x}) = \\arg\\min_k \\lVert\\mathbf{x} -
    \\boldsymbol{\\mu}_k\\rVert_p` for each row of ``X``.

    Parameters
    ----------
    X : array_like, shape (M, D)
        Samples to classify.
    centroids : array_like, shape (K, D)
        Class means, e.g. from :func:`nearest_centroid_fit`.
    classes : array_like, shape (K,)
        Label of each centroid.
    p : float
        The norm that measures distance: ``p >= 1`` or ``np.inf``.

    Returns
    -------
    numpy.ndarray, shape (M,)
        The label of the nearest centroid; a tie goes to the earlier class.
        An (M, K, D) array of differences is formed, which is fine for the
        book's data sets.
    """
    X = check_array(X, "X", ndim=2, min_rows=1)
    centroids = check_array(centroids, "centroids", ndim=2, min_rows=1)
    centroids = check_array(centroids, "centroids", shape=(None, X.shape[1]))
    classes = check_labels(classes, "classes", n_samples=len(centroids))
    # (M, K)
    dist = p_norm(X[:, None, :] - centroids[None, :, :], p=p, axis=-1)
    return classes[np.argmin(dist, axis=1)]
