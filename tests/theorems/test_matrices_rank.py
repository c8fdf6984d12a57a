"""Tests of book/matrices/rank.md: its theorems on random matrices, and the data facts it states.

- Property tests: row rank = column rank (by SVD and by exact elimination on integer matrices),
  the rank factorisation A = C R read off the RREF, the rank of a product, invertible factors,
  centring (rank drops by at most one), the Gram matrix, and the near-null direction
  (prop-rank-near-null).
- The cancer facts: full rank 30 with numerical ranks below 30 at the page's tolerances, and
  the weakest direction dominated by mean radius against mean perimeter.
"""

from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from m4ml import data, stats
from m4ml.linalg.elimination import echelon_form

seeds = st.integers(0, 2**32 - 1)
dims = st.integers(1, 8)
rank = np.linalg.matrix_rank
# elimination in floating point decides "zero" with a tolerance; on small integer matrices a
# true nonzero pivot is far above this one
TOL = 1e-8


def exact_row_rank(A):
    """The number of independent rows, by elimination in exact rational arithmetic."""
    rows = [[Fraction(int(v)) for v in row] for row in A]
    r = 0
    for col in range(len(rows[0]) if rows else 0):
        p = next((i for i in range(r, len(rows)) if rows[i][col] != 0), None)
        if p is None:
            continue
        rows[r], rows[p] = rows[p], rows[r]
        for i in range(r + 1, len(rows)):
            f = rows[i][col] / rows[r][col]
            rows[i] = [a - f * b for a, b in zip(rows[i], rows[r])]
        r += 1
    return r


@st.composite
def integer_low_rank(draw):
    """An M x D integer matrix of rank at most r: a product of small integer factors (exact)."""
    M, D = draw(dims), draw(dims)
    r = draw(st.integers(0, min(M, D)))
    rng = np.random.default_rng(draw(seeds))
    A = rng.integers(-3, 4, size=(M, r)) @ rng.integers(-3, 4, size=(r, D))
    return A.astype(float), r


@st.composite
def gaussian_low_rank(draw):
    """An M x D Gaussian product of exact rank r (with probability one) and its rng."""
    M, D = draw(dims), draw(dims)
    r = draw(st.integers(0, min(M, D)))
    rng = np.random.default_rng(draw(seeds))
    return rng.normal(size=(M, r)) @ rng.normal(size=(r, D)), r, rng


# ---------- row rank = column rank, rank factorisation ----------

@settings(max_examples=80, deadline=None)
@given(integer_low_rank())
def test_row_rank_equals_column_rank(case):
    A, r = case
    # exact: row rank of A and of its transpose (= column rank of A)
    assert exact_row_rank(A) == exact_row_rank(A.T) <= r
    # floating point: SVD and elimination agree with the exact rank
    assert rank(A) == rank(A.T) == exact_row_rank(A)
    assert echelon_form(A, tol=TOL).rank == echelon_form(A.T, tol=TOL).rank == exact_row_rank(A)


@settings(max_examples=80, deadline=None)
@given(integer_low_rank())
def test_rank_factorisation_from_the_rref(case):
    A, _ = case
    E = echelon_form(A, tol=TOL)
    if E.rank == 0:
        assert np.all(A == 0)
        return
    C, R = A[:, E.pivots], E.R[:E.rank]
    np.testing.assert_allclose(C @ R, A, atol=1e-9 * max(1.0, np.abs(A).max()))
    assert rank(C) == E.rank == R.shape[0]


# ---------- products ----------

@settings(max_examples=80, deadline=None)
@given(gaussian_low_rank(), st.integers(0, 8))
def test_rank_of_a_product_is_at_most_the_rank_of_each_factor(case, r_b):
    A, r_a, rng = case
    K = A.shape[1]
    r_b = min(r_b, K)
    B = rng.normal(size=(K, r_b)) @ rng.normal(size=(r_b, 5))     # rank min(r_b, 5)
    assert rank(A @ B) <= min(rank(A), rank(B))
    # Gaussian factors are in general position: the bound is attained
    assert rank(A @ B) == min(r_a, r_b, 5)


@settings(max_examples=60, deadline=None)
@given(gaussian_low_rank())
def test_invertible_factors_keep_the_rank(case):
    A, r, rng = case
    M, D = A.shape
    B = rng.normal(size=(D, D)) + D * np.eye(D)       # invertible (diagonally dominant on average)
    G = rng.normal(size=(M, M)) + M * np.eye(M)
    assert np.linalg.cond(B) < 1e8 and np.linalg.cond(G) < 1e8
    assert rank(A @ B) == rank(G @ A) == rank(A) == r


@settings(max_examples=60, deadline=None)
@given(gaussian_low_rank())
def test_centring_lowers_the_rank_by_at_most_one(case):
    A, _, _ = case
    centred = A - A.mean(axis=0)
    # decide rank relative to A: centring can leave roundoff in a direction it removed
    tol = 1e-9 * max(1.0, np.linalg.norm(A, 2))
    assert rank(A, tol=tol) - 1 <= rank(centred, tol=tol) <= rank(A, tol=tol)


def test_centring_an_intercept_column_loses_exactly_one():
    rng = np.random.default_rng(0)
    X1 = np.column_stack([np.ones(20), rng.normal(size=(20, 4))])
    assert rank(X1) == 5 and rank(X1 - X1.mean(axis=0)) == 4


@settings(max_examples=60, deadline=None)
@given(gaussian_low_rank())
def test_gram_matrices_have_the_rank_of_the_data(case):
    X, r, _ = case
    assert rank(X.T @ X) == rank(X @ X.T) == rank(X) == r


# ---------- numerical rank ----------

@settings(max_examples=60, deadline=None)
@given(st.integers(2, 30), st.integers(1, 6), seeds)
def test_a_short_image_means_a_nearby_matrix_of_lower_rank(M, D, seed):
    rng = np.random.default_rng(seed)
    A = rng.normal(size=(M, D))
    v = rng.normal(size=D)
    v /= np.linalg.norm(v)
    B = A - np.outer(A @ v, v)
    np.testing.assert_allclose(B @ v, 0.0, atol=1e-12 * np.abs(A).sum())
    assert np.isclose(np.linalg.norm(A - B), np.linalg.norm(A @ v))
    # rounding leaves B v at roundoff level relative to A, not to B
    assert rank(B, tol=1e-10 * np.linalg.norm(A, 2)) <= D - 1
    # with the last right singular vector the distance is the smallest singular value
    _, s, Vt = np.linalg.svd(A, full_matrices=False)
    assert np.isclose(np.linalg.norm(A @ Vt[-1]), s[-1])


@pytest.fixture(scope="module")
def cancer_z():
    cancer = data.load_cancer()
    return stats.standardize(cancer.X).Z, list(cancer.feature_names)


def test_cancer_features_have_full_rank_but_lower_numerical_rank(cancer_z):
    Z, names = cancer_z
    D = Z.shape[1]
    s = np.linalg.svd(Z, compute_uv=False)
    assert rank(Z) == D
    assert np.sum(s > 1e-3 * s[0]) == D
    assert np.sum(s > 1e-2 * s[0]) < D
    assert np.sum(s > 1e-1 * s[0]) < D // 2
    v = np.linalg.svd(Z)[2][-1]
    top = np.argsort(-np.abs(v))[:2]
    assert {names[i] for i in top} == {"mean radius", "mean perimeter"}
    assert v[top[0]] * v[top[1]] < 0                 # radius minus perimeter


def test_size_features_radius_perimeter_area(cancer_z):
    Z, names = cancer_z
    size = [names.index(f"mean {f}") for f in ("radius", "perimeter", "area")]
    s = np.linalg.svd(Z[:, size], compute_uv=False)
    assert rank(Z[:, size]) == 3
    assert s[-1] / s[0] < 0.05 < s[1] / s[0]          # numerical rank 2 at relative tolerance 0.05
