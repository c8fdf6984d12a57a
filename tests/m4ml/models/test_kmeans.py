"""Tests of :mod:`m4ml.models.kmeans` (k-means with Lloyd's algorithm)."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays
from sklearn.cluster import KMeans
from sklearn.datasets import make_blobs
from sklearn.metrics import adjusted_rand_score

from m4ml.linalg.distances import squared_distances
from m4ml.models.kmeans import assign, kmeans, objective, update_centroids


@st.composite
def data_and_k(draw):
    """A small data matrix (possibly with repeated rows) and a k it can hold."""
    n = draw(st.integers(1, 25))
    d = draw(st.integers(1, 4))
    # A coarse grid of values makes repeated rows and exact ties common.
    values = st.one_of(
        st.integers(-3, 3).map(float),
        st.floats(-100, 100, allow_nan=False, allow_infinity=False),
    )
    X = draw(arrays(np.float64, (n, d), elements=values))
    k = draw(st.integers(1, n))
    return X, k


# --- the theorem: neither step increases the objective ----------------------------------


@settings(max_examples=200, deadline=None)
@given(data_and_k(), st.integers(0, 2**16), st.sampled_from(["k-means++", "random"]))
def test_objective_never_increases_along_history(Xk, seed, init):
    X, k = Xk
    result = kmeans(X, k, n_init=1, seed=seed, init=init, tol=0.0)
    # The distances are computed as |x|^2 - 2 x.c + |c|^2, so an increase can
    # only be rounding error, of the order of machine epsilon times sum |x|^2.
    slack = 1e-9 * (np.sum(X**2) + 1.0)
    assert np.all(np.diff(result.history) <= slack)
    assert result.history[-1] == pytest.approx(objective(X, result.labels, result.centroids),
                                               rel=1e-9, abs=slack)


@settings(max_examples=100, deadline=None)
@given(data_and_k(), st.integers(0, 2**16))
def test_each_step_separately_does_not_increase_objective(Xk, seed):
    X, k = Xk
    rng = np.random.default_rng(seed)
    C = X[rng.choice(len(X), size=k, replace=False)]
    labels, _ = assign(X, C)
    slack = 1e-9 * (np.sum(X**2) + 1.0)
    C_new = update_centroids(X, labels, C)
    assert objective(X, labels, C_new) <= objective(X, labels, C) + slack  # update step
    labels_new, d2 = assign(X, C_new, previous=labels)
    assert objective(X, labels_new, C_new) <= objective(X, labels, C_new) + slack  # assignment
    assert d2.sum() == pytest.approx(objective(X, labels_new, C_new), rel=1e-9, abs=slack)


def test_stops_at_a_fixed_point():
    rng = np.random.default_rng(1)
    X = rng.normal(size=(200, 3))
    result = kmeans(X, 4, tol=0.0)
    assert result.converged
    # At a fixed point the centroids are the means of their clusters ...
    for j in range(4):
        np.testing.assert_allclose(result.centroids[j], X[result.labels == j].mean(axis=0), atol=1e-12)
    # ... and every point is with its nearest centroid.
    labels, _ = assign(X, result.centroids, previous=result.labels)
    np.testing.assert_array_equal(labels, result.labels)


# --- reproducibility and correctness ---------------------------------------------------


def test_same_seed_same_result_and_other_seed_may_differ():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(150, 5))
    a = kmeans(X, 5, seed=3, n_init=2)
    b = kmeans(X, 5, seed=3, n_init=2)
    np.testing.assert_array_equal(a.labels, b.labels)
    np.testing.assert_array_equal(a.centroids, b.centroids)
    np.testing.assert_array_equal(a.history, b.history)
    assert a.inertia == b.inertia


@pytest.mark.parametrize("init", ["k-means++", "random"])
def test_recovers_well_separated_blobs_exactly(init):
    X, truth = make_blobs(n_samples=300, centers=[[0, 0], [20, 0], [0, 20], [20, 20]],
                          cluster_std=1.0, random_state=0)
    result = kmeans(X, 4, seed=0, init=init)
    assert adjusted_rand_score(truth, result.labels) == 1.0
    assert result.converged
    # Each centroid is the mean of the blob it found.
    for j in range(4):
        members = result.labels == j
        np.testing.assert_allclose(result.centroids[j], X[members].mean(axis=0), atol=1e-10)


def test_inertia_agrees_with_scikit_learn():
    X, _ = make_blobs(n_samples=500, centers=5, n_features=3, cluster_std=2.0, random_state=42)
    ours = kmeans(X, 5, n_init=10, seed=0)
    theirs = KMeans(n_clusters=5, n_init=10, random_state=0).fit(X)
    # Both should reach the same (global) optimum on this easy data set; the
    # tolerance allows for different floating-point summation orders.
    assert ours.inertia == pytest.approx(theirs.inertia_, rel=1e-9)
    assert adjusted_rand_score(theirs.labels_, ours.labels) == 1.0


def test_k_equal_one_and_k_equal_n():
    rng = np.random.default_rng(2)
    X = rng.normal(size=(12, 2))
    one = kmeans(X, 1)
    np.testing.assert_allclose(one.centroids[0], X.mean(axis=0))
    assert one.inertia == pytest.approx(np.sum((X - X.mean(axis=0)) ** 2))
    every = kmeans(X, 12)
    assert every.inertia == pytest.approx(0.0, abs=1e-12)


def test_empty_cluster_is_reseeded_at_farthest_point():
    X = np.array([[0.0], [1.0], [2.0], [10.0]])
    labels = np.array([0, 0, 0, 0])  # cluster 1 is empty
    C = np.array([[0.0], [100.0]])
    new = update_centroids(X, labels, C)
    np.testing.assert_allclose(new[0], [3.25])
    np.testing.assert_allclose(new[1], [10.0])  # the point farthest from its centroid


def test_fewer_distinct_rows_than_k_does_not_fail():
    X = np.zeros((5, 2))
    result = kmeans(X, 3)
    assert result.inertia == 0.0
    assert result.converged


# --- input validation -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("X", "k", "kwargs", "error", "match"),
    [
        (np.zeros(5), 2, {}, ValueError, r"X must be 2-D"),
        (np.zeros((3, 2)), 4, {}, ValueError, r"X must have at least 4 row"),
        (np.array([[1.0, np.nan], [0.0, 0.0]]), 1, {}, ValueError, r"X must not contain NaN, got 1 NaN"),
        (np.array([[1.0, np.inf], [0.0, 0.0]]), 1, {}, ValueError, r"X must be finite"),
        ("abc", 1, {}, TypeError, r"X must be an array of numbers"),
        (np.zeros((3, 2)), 0, {}, ValueError, r"n_clusters must be >= 1"),
        (np.zeros((3, 2)), 2.0, {}, TypeError, r"n_clusters must be an integer"),
        (np.zeros((3, 2)), True, {}, TypeError, r"n_clusters must be an integer"),
        (np.zeros((3, 2)), 2, {"n_init": 0}, ValueError, r"n_init must be >= 1"),
        (np.zeros((3, 2)), 2, {"max_iter": 0}, ValueError, r"max_iter must be >= 1"),
        (np.zeros((3, 2)), 2, {"tol": -1.0}, ValueError, r"tol must be "),
        (np.zeros((3, 2)), 2, {"seed": -1}, ValueError, r"seed must be >= 0"),
        (np.zeros((3, 2)), 2, {"seed": None}, TypeError, r"seed must be an integer"),
        (np.zeros((3, 2)), 2, {"init": "kmeans++"}, ValueError, r"init must be one of"),
    ],
)
def test_bad_inputs_raise_clear_errors(X, k, kwargs, error, match):
    with pytest.raises(error, match=match):
        kmeans(X, k, **kwargs)


@pytest.mark.parametrize(
    ("call", "match"),
    [
        (lambda: assign(np.zeros((4, 2)), np.zeros((2, 3))), r"C must have one column per column of X \(2\)"),
        (lambda: assign(np.zeros((4, 2)), np.zeros(2)), r"C must be 2-D"),
        (lambda: assign(np.zeros((4, 2)), np.zeros((2, 2)), previous=np.zeros(3, int)),
         r"previous must have one label per sample, shape \(4,\)"),
        (lambda: update_centroids(np.zeros((4, 2)), np.array([0, 1, 2, 0]), np.zeros((2, 2))),
         r"labels must hold labels in 0..1"),
        (lambda: objective(np.zeros((4, 2)), np.array([0, 0, 0, -1]), np.zeros((2, 2))),
         r"labels must hold labels in 0..1"),
    ],
)
def test_step_functions_check_their_inputs(call, match):
    with pytest.raises(ValueError, match=match):
        call()


def test_float_labels_are_a_type_error():
    with pytest.raises(TypeError, match="labels must hold integer class labels 0..1, got dtype float64"):
        update_centroids(np.zeros((4, 2)), np.zeros(4), np.zeros((2, 2)))


def test_squared_distances_match_direct_formula():
    rng = np.random.default_rng(4)
    X, C = rng.normal(size=(30, 5)), rng.normal(size=(4, 5))
    direct = np.sum((X[:, None, :] - C[None, :, :]) ** 2, axis=2)
    np.testing.assert_allclose(squared_distances(X, C), direct, rtol=1e-10, atol=1e-12)


def test_max_iter_reached_is_reported():
    rng = np.random.default_rng(5)
    X = rng.normal(size=(400, 2))
    result = kmeans(X, 8, n_init=1, max_iter=1, tol=0.0, init="random")
    assert result.n_iter == 1
    assert not result.converged
    assert len(result.history) == 2


# --- empty clusters (book/problems/clustering.md, "Implementing k-means") -------------------


def test_reseeded_empty_cluster_is_filled_at_the_next_assignment():
    """The moved centroid sits on the farthest point, which joins it, and J falls."""
    X = np.array([[0.0], [1.0], [2.0], [10.0]])
    C = np.array([[0.0], [100.0]])  # no point is nearest to the second centroid
    labels, d2 = assign(X, C)
    assert np.bincount(labels, minlength=2)[1] == 0
    C_new = update_centroids(X, labels, C)
    labels_new, d2_new = assign(X, C_new, previous=labels)
    assert np.bincount(labels_new, minlength=2)[1] == 1  # the point 10 moved
    assert d2_new.sum() < objective(X, labels, C_new) <= d2.sum()


@settings(max_examples=200, deadline=None)
@given(data_and_k(), st.integers(0, 2**16), st.sampled_from(["k-means++", "random"]))
def test_a_cluster_left_empty_means_every_point_sits_on_a_centroid(Xk, seed, init):
    X, k = Xk
    result = kmeans(X, k, n_init=1, seed=seed, init=init, tol=0.0)
    if np.any(np.bincount(result.labels, minlength=k) == 0):
        assert result.inertia <= 1e-9 * (np.sum(X**2) + 1.0)
