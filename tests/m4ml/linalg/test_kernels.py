"""Tests of :mod:`m4ml.linalg.kernels` (Gram and Gaussian kernel matrices)."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays
from sklearn.metrics.pairwise import rbf_kernel as sk_rbf_kernel

from m4ml.linalg.kernels import gram_matrix, rbf_kernel

finite = st.floats(-100, 100, allow_nan=False, allow_infinity=False)
length_scales = st.floats(0.05, 200, allow_nan=False, allow_infinity=False)


@st.composite
def two_samples(draw):
    """Matrices X (N, D) and Y (M, D) with the same number of columns."""
    d = draw(st.integers(1, 5))
    X = draw(arrays(np.float64, (draw(st.integers(1, 12)), d), elements=finite))
    Y = draw(arrays(np.float64, (draw(st.integers(1, 12)), d), elements=finite))
    return X, Y


def loop_gram(X, Y):
    return np.array([[x @ y for y in Y] for x in X])


def loop_rbf(X, Y, ell):
    return np.array([[np.exp(-np.sum((x - y) ** 2) / (2 * ell**2)) for y in Y] for x in X])


def rbf_slack(X, Y, ell):
    """Rounding slack of a computed RBF entry.

    The distance identity loses about eps * |x|^2 in absolute terms; divided by
    2 ell^2 and passed through exp (slope at most 1), that is the error of an entry.
    """
    return 1e-12 * (1.0 + (np.abs(X).max() ** 2 + np.abs(Y).max() ** 2) * X.shape[1] / ell**2)


def psd_tolerance(M):
    """Rounding slack for the smallest eigenvalue of a symmetric matrix M: eps times a norm bound."""
    n = len(M)
    return 100 * n * np.finfo(float).eps * max(1.0, np.abs(M).max() * n)


# --- agreement with definitions and with scikit-learn -------------------------------------


@settings(max_examples=150, deadline=None)
@given(two_samples())
def test_gram_matches_loop(XY):
    X, Y = XY
    scale = 1.0 + np.abs(X).max() * np.abs(Y).max() * X.shape[1]
    np.testing.assert_allclose(gram_matrix(X, Y), loop_gram(X, Y), atol=1e-12 * scale)
    np.testing.assert_allclose(gram_matrix(X), loop_gram(X, X), atol=1e-12 * scale)


@settings(max_examples=150, deadline=None)
@given(two_samples(), length_scales)
def test_rbf_matches_loop_and_sklearn(XY, ell):
    X, Y = XY
    K = rbf_kernel(X, Y, length_scale=ell)
    assert K.shape == (len(X), len(Y))
    slack = rbf_slack(X, Y, ell)
    np.testing.assert_allclose(K, loop_rbf(X, Y, ell), atol=slack)
    np.testing.assert_allclose(K, sk_rbf_kernel(X, Y, gamma=1 / (2 * ell**2)), atol=slack)
    np.testing.assert_allclose(rbf_kernel(X, length_scale=ell), loop_rbf(X, X, ell), atol=slack)


def test_known_values():
    X = np.array([[0.0, 0.0], [3.0, 4.0]])
    np.testing.assert_array_equal(gram_matrix(X), [[0.0, 0.0], [0.0, 25.0]])
    K = rbf_kernel(X, length_scale=5.0)  # distance 5 = one length scale
    np.testing.assert_allclose(K, [[1.0, np.exp(-0.5)], [np.exp(-0.5), 1.0]], rtol=1e-15)
    np.testing.assert_allclose(rbf_kernel(X, X[:1], length_scale=1.0), [[1.0], [np.exp(-12.5)]])


def test_accepts_lists_and_integers():
    X = [[1, 2], [3, 4], [5, 7]]
    np.testing.assert_array_equal(gram_matrix(X), np.array(X) @ np.array(X).T)
    assert rbf_kernel(X, length_scale=2).dtype == np.float64


# --- the theorem: Gram and kernel matrices are symmetric positive semi-definite -------------


@settings(max_examples=150, deadline=None)
@given(two_samples())
def test_gram_is_symmetric_psd(XY):
    X, _ = XY
    G = gram_matrix(X)
    np.testing.assert_array_equal(G, G.T)
    assert np.linalg.eigvalsh(G).min() >= -psd_tolerance(G)


@settings(max_examples=150, deadline=None)
@given(two_samples(), length_scales)
def test_rbf_is_symmetric_psd_with_unit_diagonal(XY, ell):
    X, _ = XY
    K = rbf_kernel(X, length_scale=ell)
    np.testing.assert_array_equal(K, K.T)
    np.testing.assert_array_equal(np.diag(K), 1.0)
    assert K.min() >= 0.0 and K.max() <= 1.0
    # Entry errors of size rbf_slack move an eigenvalue by at most N times as much.
    assert np.linalg.eigvalsh(K).min() >= -(psd_tolerance(K) + len(X) * rbf_slack(X, X, ell))


def test_duplicate_rows_give_exact_ones_and_no_negative_distances():
    # Rows far from the origin: the distance identity cancels badly here.
    rng = np.random.default_rng(0)
    X = 1e4 + rng.normal(size=(30, 4))
    X = np.vstack([X, X])  # every row twice
    K = rbf_kernel(X, length_scale=1e-3)
    assert K.max() <= 1.0
    np.testing.assert_array_equal(np.diag(K), 1.0)


def test_tiny_length_scale_gives_identity_without_warnings():
    X = np.arange(6.0).reshape(3, 2)
    np.testing.assert_array_equal(rbf_kernel(X, length_scale=1e-200), np.eye(3))


# --- bad inputs --------------------------------------------------------------------------


@pytest.mark.parametrize("func", [gram_matrix, lambda X, Y=None: rbf_kernel(X, Y, length_scale=1.0)])
def test_bad_arrays(func):
    with pytest.raises(ValueError, match="X must be 2-D"):
        func(np.ones(3))
    with pytest.raises(ValueError, match=r"X must have at least 1 row"):
        func(np.ones((0, 2)))
    with pytest.raises(ValueError, match="X must not contain NaN, got 1 NaN"):
        func([[1.0, np.nan]])
    with pytest.raises(ValueError, match="Y must be finite"):
        func(np.ones((2, 2)), [[1.0, np.inf]])
    with pytest.raises(ValueError, match=r"Y must have one column per column of X \(2 features\)"):
        func(np.ones((2, 2)), np.ones((3, 3)))
    with pytest.raises(TypeError, match="X must be an array of numbers"):
        func("abc")
    with pytest.raises(TypeError, match="Y must be an array of numbers"):
        func(np.ones((2, 2)), [[True, False]])


def test_bad_length_scale():
    X = np.ones((2, 2))
    with pytest.raises(ValueError, match="length_scale must be "):
        rbf_kernel(X, length_scale=0.0)
    with pytest.raises(ValueError, match="length_scale must be "):
        rbf_kernel(X, length_scale=np.inf)
    with pytest.raises(TypeError, match="length_scale must be a real number"):
        rbf_kernel(X, length_scale="1")
    with pytest.raises(TypeError, match="length_scale"):
        rbf_kernel(X)  # no default: the scale depends on the data's units
