"""Property tests of the identities stated in book/linalg/matrix_identities.md.

Each test draws random matrices with Hypothesis and checks one identity up to
rounding. The tolerances are eps-sized multiples of the magnitudes involved:
a sum of K products of numbers of size at most c is exact up to about
K * eps * c^2.
"""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

EPS = np.finfo(float).eps
entries = st.floats(-10, 10, allow_nan=False, allow_infinity=False)
sizes = st.integers(1, 6)


def matrix(rows, cols):
    return arrays(np.float64, (rows, cols), elements=entries)


def vector(n):
    return arrays(np.float64, (n,), elements=entries)


def close(a, b, terms):
    """assert_allclose with an absolute slack for sums of `terms` products of entries <= 10."""
    np.testing.assert_allclose(a, b, rtol=1e-12, atol=100 * terms * EPS * 100)


@st.composite
def product_pair(draw):
    m, k, p = draw(sizes), draw(sizes), draw(sizes)
    return draw(matrix(m, k)), draw(matrix(k, p))


@st.composite
def data_and_weights(draw):
    n, d = draw(st.integers(1, 15)), draw(sizes)
    return draw(matrix(n, d)), draw(vector(d))


# --- transpose rules ----------------------------------------------------------------------


@st.composite
def three_matrices(draw):
    """A and C of shape (m, k) and B of shape (k, p)."""
    m, k, p = draw(sizes), draw(sizes), draw(sizes)
    return draw(matrix(m, k)), draw(matrix(m, k)), draw(matrix(k, p))


@settings(max_examples=100, deadline=None)
@given(three_matrices(), entries)
def test_transpose_rules(ACB, alpha):
    A, C, B = ACB
    np.testing.assert_array_equal(A.T.T, A)
    np.testing.assert_array_equal((A + C).T, A.T + C.T)
    np.testing.assert_array_equal((alpha * A).T, alpha * A.T)
    close((A @ B).T, B.T @ A.T, A.shape[1])


@settings(max_examples=100, deadline=None)
@given(st.integers(1, 6).flatmap(lambda n: matrix(n, n)))
def test_transpose_of_inverse(M):
    # Adding a large multiple of I makes M strictly diagonally dominant, hence
    # invertible with a condition number below about 3.
    n = len(M)
    A = M + (2 * n * 10 + 1) * np.eye(n)
    np.testing.assert_allclose(np.linalg.inv(A).T, np.linalg.inv(A.T), rtol=0, atol=1e-13)
    np.testing.assert_allclose(A.T @ np.linalg.inv(A).T, np.eye(n), atol=1e-13)


@settings(max_examples=100, deadline=None)
@given(st.integers(1, 8).flatmap(lambda n: st.tuples(vector(n), vector(n))))
def test_dot_product_is_symmetric(xy):
    x, y = xy
    assert x @ y == y @ x  # the same products, summed in the same order


@settings(max_examples=100, deadline=None)
@given(product_pair())
def test_gram_type_products_are_symmetric(AB):
    A, _ = AB
    close(A.T @ A, (A.T @ A).T, len(A))
    close(A @ A.T, (A @ A.T).T, A.shape[1])


# --- columns and outer products -----------------------------------------------------------


@settings(max_examples=100, deadline=None)
@given(data_and_weights())
def test_matrix_vector_product_combines_columns(Xw):
    X, w = Xw
    combination = sum(w[j] * X[:, j] for j in range(X.shape[1]))
    close(X @ w, combination, X.shape[1])


@settings(max_examples=100, deadline=None)
@given(product_pair())
def test_product_is_sum_of_outer_products(AB):
    A, B = AB
    outer_sum = sum(np.outer(A[:, k], B[k, :]) for k in range(A.shape[1]))
    close(A @ B, outer_sum, A.shape[1])


@settings(max_examples=100, deadline=None)
@given(data_and_weights())
def test_scatter_matrix_and_covariance(Xw):
    X, _ = Xw
    N = len(X)
    close(X.T @ X, sum(np.outer(x, x) for x in X), N)
    Xc = X - X.mean(axis=0)
    S = Xc.T @ Xc / N
    close(S, sum(np.outer(x, x) for x in Xc) / N, N)
    close(S, np.atleast_2d(np.cov(X, rowvar=False, bias=True)), N)
    # Exercise: the centred scatter matrix is X^T X - N xbar xbar^T.
    xbar = X.mean(axis=0)
    close(Xc.T @ Xc, X.T @ X - N * np.outer(xbar, xbar), 4 * N)


@st.composite
def square_product_pair(draw):
    """A (m, k) and B (k, m), so that both AB and BA are defined."""
    m, k = draw(sizes), draw(sizes)
    return draw(matrix(m, k)), draw(matrix(k, m))


@settings(max_examples=100, deadline=None)
@given(square_product_pair())
def test_trace_of_product_is_symmetric(AB):
    A, B = AB
    close(np.trace(A @ B), np.trace(B @ A), A.size)


# --- quadratic forms ----------------------------------------------------------------------


@settings(max_examples=100, deadline=None)
@given(st.integers(1, 6).flatmap(lambda n: st.tuples(matrix(n, n), vector(n))))
def test_only_the_symmetric_part_of_a_quadratic_form_matters(Ax):
    A, x = Ax
    n = len(x)
    sym, anti = (A + A.T) / 2, (A - A.T) / 2
    close(x @ A @ x, x @ sym @ x, 100 * n * n)
    close(x @ anti @ x, 0.0, 100 * n * n)


@settings(max_examples=100, deadline=None)
@given(data_and_weights())
def test_variance_of_a_linear_score(Xw):
    X, w = Xw
    Xc = X - X.mean(axis=0)
    S = Xc.T @ Xc / len(X)
    var = np.var(X @ w)
    close(var, w @ S @ w, 1000 * X.shape[1] ** 2)
    assert w @ S @ w >= -1e-9  # S is positive semi-definite


@settings(max_examples=100, deadline=None)
@given(st.integers(1, 10).flatmap(lambda n: st.tuples(matrix(n, 3), vector(n))))
def test_gram_quadratic_form_is_a_squared_norm(Xv):
    X, v = Xv
    G = X @ X.T
    close(v @ G @ v, np.sum((X.T @ v) ** 2), 1000 * len(v) ** 2)


# --- pairwise squared distances -----------------------------------------------------------


@settings(max_examples=100, deadline=None)
@given(st.integers(1, 8).flatmap(lambda d: st.tuples(vector(d), vector(d))))
def test_squared_distance_identity(xy):
    x, y = xy
    close(np.sum((x - y) ** 2), x @ x + y @ y - 2 * x @ y, 10 * len(x))
