"""k-means clustering with Lloyd's algorithm, written to be read.

The k-means objective of a partition of the rows of :math:`\\mathbf{X}` into
clusters with labels :math:`c_n \\in \\{0, \\dots, K-1\\}` and centroids
:math:`\\boldsymbol{\\mu}_0, \\dots, \\boldsymbol{\\mu}_{K-1}` is the within-cluster
sum of squares

.. math::

    J = \\sum_{n=1}^{N} \\lVert \\mathbf{x}_n - \\boldsymbol{\\mu}_{c_n} \\rVert_2^2 .

Lloyd's algorithm alternates two steps, each of which never increases
:math:`J`: assign every point to its nearest centroid, then move every
centroid to the mean of its points. :func:`kmeans` records :math:`J` after
every assignment so that pages can plot (and tests can check) its descent.
"""

from __future__ import annotations

from numbers import Integral, Real
from typing import NamedTuple

import numpy as np

from .._validation import check_array, check_choice, check_labels, check_scalar
from ..linalg.distances import _squared_distances

__all__ = ["KMeansResult", "kmeans", "assign", "update_centroids", "objective"]


class KMeansResult(NamedTuple):
    """Result of :func:`kmeans` (the best of its ``n_init`` runs)."""

    labels: np.ndarray  #: (N,) cluster of each row, in 0..K-1
    centroids: np.ndarray  #: (K, D) one centroid per row
    inertia: float  #: the objective J at (labels, centroids)
    n_iter: int  #: number of update steps taken
    converged: bool  #: whether a stopping rule was met within ``max_iter``
    history: np.ndarray  #: J after the first assignment and after every iteration, (n_iter + 1,)


def _check_data_and_centroids(X, C) -> tuple[np.ndarray, np.ndarray]:
    X = check_array(X, "X", ndim=2, min_rows=1)
    C = check_array(C, "C", ndim=2, min_rows=1)
    if C.shape[1] != X.shape[1]:
        raise ValueError(
            f"C must have one column per column of X ({X.shape[1]}), got shape {C.shape}"
        )
    return X, C


def _check_labels(labels, name: str, n: int, k: int) -> np.ndarray:
    return check_labels(labels, name, n_samples=n, n_classes=k, integer=True)


def assign(X, C, *, previous=None) -> tuple[np.ndarray, np.ndarray]:
    """Assignment step: the nearest centroid of every row of ``X`` and its squared distance.

    Returns ``(labels, d2)`` with ``labels[n]`` the index of the row of ``C``
    closest to row ``n`` of ``X`` and ``d2[n]`` the squared distance to it, so
    that ``d2.sum()`` is the objective at the new labels. If ``previous``
    labels are given, a point keeps its label unless another centroid is
    *strictly* closer. This tie rule is what makes the objective decrease
    strictly whenever a label changes, so Lloyd's algorithm cannot cycle
    between partitions of equal cost.
    """
    X, C = _check_data_and_centroids(X, C)
    if previous is not None:
        previous = _check_labels(previous, "previous", len(X), len(C))
    return _assign(X, C, previous)


def update_centroids(X, labels, C) -> np.ndarray:
    """Update step: move each centroid (row of ``C``) to the mean of the rows of ``X`` with its label.

    An empty cluster has no mean. Its centroid is re-seeded at the point that
    lies farthest from its own (updated) centroid; with several empty clusters
    they take the farthest points in decreasing order of distance. That point
    then sits on a centroid of its own, so the objective still does not
    increase at the next assignment. (If ``X`` has fewer than K distinct rows,
    a cluster can stay empty; this does not stop the algorithm.)
    """
    X, C = _check_data_and_centroids(X, C)
    labels = _check_labels(labels, "labels", len(X), len(C))
    return _update_centroids(X, labels, C)


def objective(X, labels, C) -> float:
    """The within-cluster sum of squares :math:`J`, computed directly from the differences."""
    X, C = _check_data_and_centroids(X, C)
    labels = _check_labels(labels, "labels", len(X), len(C))
    return float(np.sum((X - C[labels]) ** 2))


# The unchecked versions below are what the iterations call: inputs are
# validated once in kmeans, not in every step.


def _assign(X, C, previous=None, x_sq=None):
    """Labels of the nearest centroids and the squared distances to them (see
    :func:`assign`)."""
    d2 = _squared_distances(X, C, x_sq)  # (N, K)
    labels = np.argmin(d2, axis=1)
    rows = np.arange(len(X))
    if previous is not None:  # keep the old label on ties
        keep = d2[rows, previous] <= d2[rows, labels]
        labels = np.where(keep, previous, labels)
    return labels, d2[rows, labels]


def _update_centroids(X, labels, C):
    """Cluster means, with empty clusters re-seeded (see
    :func:`update_centroids`)."""
    k = C.shape[0]
    # (N, K) membership matrix
    one_hot = labels[:, None] == np.arange(k)[None, :]
    counts = one_hot.sum(axis=0)
    # (K, D): the sum of the rows in each cluster
    sums = one_hot.T.astype(X.dtype) @ X
    new = C.copy()
    filled = counts > 0
    new[filled] = sums[filled] / counts[filled, None]
    empty = np.flatnonzero(~filled)
    if empty.size:  # re-seed at the points farthest from their own centroids
        own = np.sum((X - new[labels]) ** 2, axis=1)
        farthest = np.argsort(own, kind="stable")[::-1][: empty.size]
        new[empty] = X[farthest]
    return new


def _init_centroids(
    X: np.ndarray, k: int, init: str, rng: np.random.Generator, x_sq: np.ndarray
) -> np.ndarray:
    N = X.shape[0]
    if init == "random":
        return X[rng.choice(N, size=k, replace=False)].copy()
    # k-means++: the first centroid uniformly, each next one with probability
    # proportional to the squared distance to the nearest centroid chosen so far.
    C = np.empty((k, X.shape[1]))
    C[0] = X[rng.integers(N)]
    nearest = _squared_distances(X, C[:1], x_sq)[:, 0]
    for j in range(1, k):  # a loop over centroids, never over samples
        total = nearest.sum()
        p = nearest / total if total > 0 else np.full(N, 1.0 / N)
        C[j] = X[rng.choice(N, p=p)]
        nearest = np.minimum(nearest, _squared_distances(X, C[j : j + 1], x_sq)[:, 0])
    return C


def _lloyd(X: np.ndarray, C: np.ndarray, max_iter: int, tol: float, x_sq: np.ndarray) -> KMeansResult:
    labels, d2 = _assign(X, C, x_sq=x_sq)
    J = float(d2.sum())
    history = [J]
    converged = False
    n_iter = 0
    for n_iter in range(1, max_iter + 1):  # noqa: B007 - read after the loop
        C = _update_centroids(X, labels, C)
        new_labels, d2 = _assign(X, C, previous=labels, x_sq=x_sq)
        J_new = float(d2.sum())
        history.append(J_new)
        unchanged = np.array_equal(new_labels, labels)
        labels = new_labels
        if unchanged or J - J_new <= tol * J:
            converged = True
            break
        J = J_new
    return KMeansResult(labels, C, history[-1], n_iter, converged, np.array(history))


def kmeans(
    X,
    n_clusters: int,
    *,
    n_init: int = 10,
    max_iter: int = 300,
    tol: float = 1e-10,
    seed: int = 0,
    init: str = "k-means++",
) -> KMeansResult:
    """Cluster the rows of ``X`` into :math:`K` groups with Lloyd's algorithm.

    Each of the ``n_init`` runs starts from its own initial centroids and
    iterates assignment and update steps until the labels stop changing or
    the objective falls by no more than the fraction ``tol`` in one
    iteration; the run with the smallest objective is returned.

    Parameters
    ----------
    X : array_like, shape (N, D)
        Data, one sample per row; finite, with at least :math:`K` rows.
    n_clusters : int
        The number :math:`K \\ge 1` of clusters.
    n_init : int
        Number of runs from different initialisations.
    max_iter : int
        The most update steps in one run.
    tol : float
        Stop a run when :math:`J_{t-1} - J_t \\le` ``tol`` :math:`\\cdot J_{t-1}`.
        With ``tol=0`` a run stops only when no label changes (or at
        ``max_iter``).
    seed : int
        Seed of the random generator that draws all initialisations; the same
        seed gives the same result.
    init : {"k-means++", "random"}
        ``"random"`` picks :math:`K` distinct rows uniformly; ``"k-means++"`` picks
        them one at a time with probability proportional to the squared
        distance to the nearest centroid already chosen (Arthur and
        Vassilvitskii, 2007).

    Returns
    -------
    KMeansResult
        ``labels``, ``centroids``, ``inertia`` (the objective), ``n_iter``,
        ``converged`` and ``history`` (the objective after the first
        assignment and after each iteration) of the best run.

    Raises
    ------
    TypeError
        If ``X`` is not numeric or an integer argument is not an integer.
    ValueError
        If ``X`` is not 2-D, has non-finite entries or fewer than :math:`K` rows,
        or an argument is out of range.

    Notes
    -----
    Distances are computed as :math:`\\lVert\\mathbf{x}\\rVert^2 - 2\\mathbf{x}^\\top
    \\mathbf{c} + \\lVert\\mathbf{c}\\rVert^2`, so the history is non-increasing up to
    rounding errors of the size of machine epsilon times :math:`\\sum_n \\lVert
    \\mathbf{x}_n \\rVert^2`.
    """
    X = check_array(X, "X", ndim=2, min_rows=1)
    n_clusters = check_scalar(n_clusters, "n_clusters", target_type=Integral, min_val=1)
    check_array(X, "X", min_rows=n_clusters)
    n_init = check_scalar(n_init, "n_init", target_type=Integral, min_val=1)
    max_iter = check_scalar(max_iter, "max_iter", target_type=Integral, min_val=1)
    tol = check_scalar(tol, "tol", target_type=Real, min_val=0)
    seed = check_scalar(seed, "seed", target_type=Integral, min_val=0)
    check_choice(init, "init", ("k-means++", "random"))

    rng = np.random.default_rng(seed)
    x_sq = np.einsum("nd,nd->n", X, X)
    best = None
    for _ in range(n_init):
        result = _lloyd(X, _init_centroids(X, n_clusters, init, rng, x_sq), max_iter, tol, x_sq)
        if best is None or result.inertia < best.inertia:
            best = result
    return best
