"""Tests of book/linalg/matrix_identities.md: its theorems, and the m4ml functions it uses.

The page computes with ``m4ml.stats.standardize``, ``m4ml.linalg.distances.squared_distances``,
``m4ml.linalg.kernels.gram_matrix`` and ``m4ml.linalg.kernels.rbf_kernel``. The tests below check that
these functions satisfy the identities the page proves (covariance of standardised data,
distances from the Gram matrix, the kernel matrix from distances or from the Gram matrix
alone, block averages as Y^T K Y), so a change to the package that broke a statement of the
page fails here. The remaining tests are property tests of the page's theorems on random
matrices (transpose rules, outer products, quadratic forms, the variance of a linear score).

Tolerances are eps-sized multiples of the magnitudes involved: a sum of K products of
numbers of size at most c is exact up to about K * eps * c^2.
"""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from m4ml import stats
from m4ml.calculus import derivatives, smoothness
from m4ml.linalg.distances import squared_distances
from m4ml.linalg.kernels import gram_matrix, rbf_kernel
from m4ml.models import linear

EPS = np.finfo(float).eps
entries = st.floats(-10, 10, allow_nan=False, allow_infinity=False)
sizes = st.integers(1, 6)
seeds = st.integers(0, 2**32 - 1)


def matrix(rows, cols):
    return arrays(np.float64, (rows, cols), elements=entries)


def vector(n):
    return arrays(np.float64, (n,), elements=entries)


def close(a, b, terms):
    """assert_allclose with an absolute slack for sums of `terms` products of entries <= 10."""
    np.testing.assert_allclose(a, b, rtol=1e-12, atol=1e4 * terms * EPS)


@st.composite
def product_pair(draw):
    m, k, p = draw(sizes), draw(sizes), draw(sizes)
    return draw(matrix(m, k)), draw(matrix(k, p))


@st.composite
def data_and_weights(draw):
    n, d = draw(st.integers(1, 15)), draw(sizes)
    return draw(matrix(n, d)), draw(vector(d))


@st.composite
def gaussian_data(draw, min_rows=2, max_rows=30, max_cols=6):
    """An (N, D) sample of Gaussian data with a random scale and offset per column.

    The offsets are at most a few times the spreads, as for real features; a column whose
    mean is 1e6 times its spread would lose six digits in any centring, which is not what
    these tests are about.
    """
    rng = np.random.default_rng(draw(seeds))
    N, D = draw(st.integers(min_rows, max_rows)), draw(st.integers(1, max_cols))
    scale = 10.0 ** rng.uniform(-2, 3, size=D)
    return scale * (3 * rng.normal(size=D) + rng.normal(size=(N, D)))


# --- the package functions the page uses ----------------------------------------------------


@settings(max_examples=100, deadline=None)
@given(gaussian_data())
def test_covariance_of_standardised_data_is_the_correlation_matrix(X):
    """S = Z^T Z / N (divisor N, as on the page) of z-scores is Pearson's correlation matrix."""
    Z = stats.standardize(X).Z
    N = len(Z)
    np.testing.assert_allclose(Z.mean(axis=0), 0.0, atol=1e-10)
    S = Z.T @ Z / N
    np.testing.assert_allclose(np.diag(S), 1.0, rtol=1e-10)
    np.testing.assert_allclose(S, np.atleast_2d(np.corrcoef(X, rowvar=False)), atol=1e-10)
    # the sum-over-samples form of the page, one rank-one term per sample
    np.testing.assert_allclose(sum(np.outer(z, z) for z in Z) / N, S, atol=1e-10)


@settings(max_examples=100, deadline=None)
@given(gaussian_data(min_rows=1), st.integers(1, 20), seeds)
def test_squared_distances_from_the_gram_matrix(X, M, seed):
    """thm-matrix-identities-distances: ||x_n - y_m||^2 from norms and inner products."""
    Y = X[:1] + np.random.default_rng(seed).normal(size=(M, X.shape[1])) * np.abs(X).max()
    brute = ((X[:, None, :] - Y[None, :, :]) ** 2).sum(axis=-1)
    d2 = squared_distances(X, Y)
    assert d2.shape == (len(X), M) and d2.min() >= 0          # clipped at 0
    scale = (X**2).sum(axis=1)[:, None] + (Y**2).sum(axis=1)[None, :]
    assert np.all(np.abs(d2 - brute) <= 100 * X.shape[1] * EPS * scale)
    G = gram_matrix(X, Y)
    np.testing.assert_allclose(G, X @ Y.T, rtol=1e-12, atol=1e-12 * scale.max())
    via_gram = np.diag(gram_matrix(X))[:, None] + (Y**2).sum(axis=1)[None, :] - 2 * G
    assert np.all(np.abs(via_gram - brute) <= 100 * X.shape[1] * EPS * scale)


@settings(max_examples=100, deadline=None)
@given(gaussian_data(min_rows=1), st.integers(1, 8), seeds)
def test_gram_matrix_is_symmetric_psd_with_v_G_v_a_squared_norm(X, k, seed):
    """Part 1 of thm-matrix-identities-distances for m4ml.linalg.kernels.gram_matrix."""
    G = gram_matrix(X)
    np.testing.assert_array_equal(G, G.T)
    V = np.random.default_rng(seed).normal(size=(len(X), k))
    quad = np.einsum("nk,nm,mk->k", V, G, V)
    norms2 = ((X.T @ V) ** 2).sum(axis=0)
    bound = 100 * len(X) * X.shape[1] * EPS * (np.abs(V).sum(axis=0) ** 2) * (X**2).sum(axis=1).max()
    assert np.all(np.abs(quad - norms2) <= bound)


def test_rbf_kernel_is_exp_of_scaled_squared_distances_and_comes_from_the_gram_matrix():
    """The definition of K_nm and exercise ex-matrix-identities-4 (kernel from G alone)."""
    rng = np.random.default_rng(0)
    X = rng.integers(0, 17, size=(60, 64)).astype(float)     # digit-like: small integers
    ell = 20.0
    K = rbf_kernel(X, length_scale=ell)
    np.testing.assert_allclose(K, np.exp(-squared_distances(X, X) / (2 * ell**2)), atol=1e-15)
    G = gram_matrix(X)
    sq = np.diag(G)
    from_gram = np.exp(-np.maximum(sq[:, None] + sq[None, :] - 2 * G, 0) / (2 * ell**2))
    np.testing.assert_allclose(K, from_gram, atol=1e-15)
    assert np.all((K >= 0) & (K <= 1)) and np.all(np.diag(K) == 1.0)
    # integer pixels: the distance identity is exact, so the loop of the page agrees up to
    # the rounding of the final division, which exp magnifies by the size of its argument
    loop = np.array([[np.exp(-((x - z) @ (x - z)) / (2 * ell**2)) for z in X] for x in X])
    np.testing.assert_allclose(K, loop, rtol=1e-14, atol=0)


@settings(max_examples=60, deadline=None)
@given(gaussian_data(min_rows=4, max_rows=25), st.integers(2, 4), seeds)
def test_block_averages_of_a_kernel_matrix_are_Y_T_K_Y(X, n_classes, seed):
    """Entry (k, k') of Y^T K Y / (counts counts^T) is the mean kernel value over a block."""
    rng = np.random.default_rng(seed)
    labels = np.arange(len(X)) % n_classes                      # every class occurs
    rng.shuffle(labels)
    K = rbf_kernel(X, length_scale=float(np.abs(X).max()) + 1.0)
    Y = (labels[:, None] == np.arange(n_classes)).astype(float)
    counts = Y.sum(axis=0)
    block_means = Y.T @ K @ Y / np.outer(counts, counts)
    for j in range(n_classes):
        for jj in range(n_classes):
            block = K[np.ix_(labels == j, labels == jj)]
            np.testing.assert_allclose(block_means[j, jj], block.mean(), rtol=1e-12)


def test_clipping_keeps_distances_non_negative_where_the_raw_formula_cancels():
    """The page's cancellation section: large norms, tiny distances."""
    rng = np.random.default_rng(1)
    X = 1e4 + rng.normal(size=(200, 30))                        # norms ~ 1e9, distances ~ 60
    sq = (X**2).sum(axis=1)
    raw = sq[:, None] + sq[None, :] - 2 * X @ X.T
    assert np.abs(np.diag(raw)).max() <= 1e3 * EPS * sq.max()    # rounding error, either sign
    d2 = squared_distances(X, X)
    assert d2.min() >= 0
    np.testing.assert_allclose(d2, np.maximum(raw, 0), atol=1e3 * EPS * sq.max())


# --- theorems of the page on random matrices ----------------------------------------------------


@st.composite
def three_matrices(draw):
    """A and C of shape (m, k) and B of shape (k, p)."""
    m, k, p = draw(sizes), draw(sizes), draw(sizes)
    return draw(matrix(m, k)), draw(matrix(m, k)), draw(matrix(k, p))


@settings(max_examples=100, deadline=None)
@given(three_matrices(), entries)
def test_transpose_rules(ACB, c):
    A, C, B = ACB
    np.testing.assert_array_equal((A + C).T, A.T + C.T)
    np.testing.assert_array_equal((c * A).T, c * A.T)
    close((A @ B).T, B.T @ A.T, A.shape[1])
    # the same rule for m4ml's Gram matrix G(X, Y) = X Y^T: G(A, B^T) = AB and G(B^T, A) = B^T A^T
    close(gram_matrix(A, B.T).T, gram_matrix(B.T, A), A.shape[1])
    close(gram_matrix(A + C, B.T), gram_matrix(A, B.T) + gram_matrix(C, B.T), 2 * A.shape[1])


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
@given(data_and_weights())
def test_matrix_vector_product_combines_columns(Xw):
    X, w = Xw
    combination = sum(w[j] * X[:, j] for j in range(X.shape[1]))
    close(X @ w, combination, X.shape[1])
    # m4ml's least-squares loss forms Xw the same way: its residual against the combination is 0
    scale = 1 + np.abs(combination).max()
    assert linear.ridge_objective(w, X, combination) <= (1e3 * EPS * X.shape[1] * scale) ** 2


@settings(max_examples=100, deadline=None)
@given(product_pair())
def test_product_is_sum_of_outer_products(AB):
    A, B = AB
    outer_sum = sum(np.outer(A[:, k], B[k, :]) for k in range(A.shape[1]))
    close(A @ B, outer_sum, A.shape[1])
    close(gram_matrix(A, B.T), outer_sum, A.shape[1])     # m4ml's product, column by column


@settings(max_examples=100, deadline=None)
@given(data_and_weights())
def test_scatter_matrix_and_covariance(Xw):
    X, _ = Xw
    N = len(X)
    close(X.T @ X, sum(np.outer(x, x) for x in X), N)
    close(gram_matrix(X.T), sum(np.outer(x, x) for x in X), N)   # the scatter matrix through m4ml
    # m4ml's smoothness constant of least squares is the top eigenvalue of X^T X / N
    top = np.linalg.eigvalsh(sum(np.outer(x, x) for x in X))[-1] / N
    close(smoothness.lipschitz_constant_least_squares(X), top, 4 * N * X.shape[1])
    Xc = X - X.mean(axis=0)
    S = Xc.T @ Xc / N
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
    close(np.trace(gram_matrix(A, B.T)), np.trace(gram_matrix(B, A.T)), A.size)   # tr(AB) = tr(BA)


@settings(max_examples=100, deadline=None)
@given(st.integers(1, 6).flatmap(lambda n: st.tuples(matrix(n, n), vector(n))))
def test_only_the_symmetric_part_of_a_quadratic_form_matters(Ax):
    A, x = Ax
    n = len(x)
    sym, anti = (A + A.T) / 2, (A - A.T) / 2
    close(x @ A @ x, x @ sym @ x, 100 * n * n)
    close(x @ anti @ x, 0.0, 100 * n * n)
    # so the gradient of x^T A x is (A + A^T) x = 2 sym x, which m4ml's gradient check confirms
    check = derivatives.check_gradient(lambda v: v @ A @ v, lambda v: 2 * sym @ v, x, atol=1e-6)
    assert check.ok, check.relative_error


@settings(max_examples=100, deadline=None)
@given(data_and_weights())
def test_variance_of_a_linear_score(Xw):
    X, w = Xw
    Xc = X - X.mean(axis=0)
    S = Xc.T @ Xc / len(X)
    var = np.var(X @ w)
    close(var, w @ S @ w, 1000 * X.shape[1] ** 2)
    assert w @ S @ w >= -1e-9  # S is positive semi-definite
    score = X @ w
    if np.ptp(score) > 1e-6 * (1 + np.abs(score).max()):     # standardize refuses constant scores
        close(stats.standardize(score).std ** 2, w @ S @ w, 1000 * X.shape[1] ** 2)
