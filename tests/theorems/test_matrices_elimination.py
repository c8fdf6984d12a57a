"""Tests of book/matrices/elimination.md: its theorems on random systems, and the weather facts.

- Property tests: elementary matrices act on rows and have elementary inverses; row operations
  keep the solutions; the pivot columns are a basis of the column space; the three kinds of
  solution set, on systems built to fall into each case, with solutions checked against NumPy;
  Gauss-Jordan inversion.
- The page's weather fits: a line through three days has no solution, a parabola one, a cubic a
  one-parameter family whose forecasts for 15 October spread widely; exercise 2 by its cases.
"""

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from m4ml import data
from m4ml.linalg.elimination import (
    add_row_matrix,
    echelon_form,
    scale_matrix,
    solution_set,
    swap_matrix,
)

seeds = st.integers(0, 2**32 - 1)
dims = st.integers(1, 7)
# elimination decides "zero" with a tolerance; on small integer matrices a true nonzero pivot is
# far above this one, while rounding stays far below it
TOL = 1e-8


def integer_matrix(rng, M, D, r):
    """An M x D integer matrix of rank at most r (small entries, so elimination is nearly exact)."""
    return (rng.integers(-3, 4, size=(M, r)) @ rng.integers(-3, 4, size=(r, D))).astype(float)


# ---------- elementary matrices ----------

@settings(max_examples=60, deadline=None)
@given(st.integers(2, 6), st.integers(1, 5), seeds)
def test_elementary_matrices_apply_their_operation_and_are_invertible(M, D, seed):
    rng = np.random.default_rng(seed)
    A = rng.normal(size=(M, D))
    i, j = rng.choice(M, size=2, replace=False)
    c = float(rng.uniform(0.5, 2) * rng.choice([-1, 1]))
    swapped = A.copy()
    swapped[[i, j]] = swapped[[j, i]]
    np.testing.assert_array_equal(swap_matrix(M, i, j) @ A, swapped)
    scaled = A.copy()
    scaled[i] *= c
    np.testing.assert_allclose(scale_matrix(M, i, c) @ A, scaled)
    added = A.copy()
    added[i] += c * A[j]
    np.testing.assert_allclose(add_row_matrix(M, i, j, c) @ A, added)
    # inverses are elementary matrices of the same kind
    np.testing.assert_allclose(scale_matrix(M, i, c) @ scale_matrix(M, i, 1 / c), np.eye(M))
    np.testing.assert_allclose(add_row_matrix(M, i, j, c) @ add_row_matrix(M, i, j, -c), np.eye(M))
    np.testing.assert_array_equal(swap_matrix(M, i, j) @ swap_matrix(M, i, j), np.eye(M))


# ---------- echelon forms and pivot columns ----------

@settings(max_examples=80, deadline=None)
@given(dims, dims, seeds)
def test_rref_shape_and_pivot_columns_are_a_basis(M, D, seed):
    rng = np.random.default_rng(seed)
    A = integer_matrix(rng, M, D, int(rng.integers(0, min(M, D) + 1)))
    E = echelon_form(A, tol=TOL)
    r = E.rank
    assert r == np.linalg.matrix_rank(A)
    # RREF: pivots increase, pivot columns are unit vectors, rows below r are zero
    assert list(E.pivots) == sorted(E.pivots)
    np.testing.assert_allclose(E.R[:, list(E.pivots)], np.eye(M)[:, :r], atol=1e-12)
    np.testing.assert_allclose(E.R[r:], 0.0, atol=1e-12)
    for k, p in enumerate(E.pivots):                     # zeros left of each pivot
        np.testing.assert_allclose(E.R[k, :p], 0.0, atol=1e-12)
    # pivot columns of A are independent and give every column back
    C = A[:, list(E.pivots)]
    assert np.linalg.matrix_rank(C) == r
    np.testing.assert_allclose(C @ E.R[:r], A, atol=1e-9)
    # same null space as A
    if r < D:
        basis = solution_set(A, np.zeros(M), tol=TOL).null_basis
        np.testing.assert_allclose(A @ basis, 0.0, atol=1e-9)


@settings(max_examples=60, deadline=None)
@given(dims, dims, seeds)
def test_row_operations_keep_the_solutions(M, D, seed):
    rng = np.random.default_rng(seed)
    A = integer_matrix(rng, M, D, min(M, D))
    x = rng.integers(-3, 4, size=D).astype(float)
    b = A @ x
    G = np.eye(M)
    for _ in range(5):                                    # a random product of elementary matrices
        i, j = rng.integers(0, M, size=2)
        G = (add_row_matrix(M, i, j, 2.0) if i != j else scale_matrix(M, i, -3.0)) @ G
    S, S_G = solution_set(A, b, tol=TOL), solution_set(G @ A, G @ b, tol=TOL)
    assert S.kind == S_G.kind != "none"
    np.testing.assert_allclose(A @ S_G.particular, b, atol=1e-8)


# ---------- the three kinds of solution set ----------

@settings(max_examples=100, deadline=None)
@given(dims, dims, seeds, st.sampled_from(["consistent", "inconsistent"]))
def test_classification_of_solution_sets(M, D, seed, which):
    rng = np.random.default_rng(seed)
    r = int(rng.integers(0, min(M, D) + 1))
    A = integer_matrix(rng, M, D, r)
    r = np.linalg.matrix_rank(A)
    if which == "consistent":
        b = A @ rng.integers(-3, 4, size=D).astype(float)
    else:
        if r == M:                                          # every b is in the column space
            return
        # a b outside the column space: add a component orthogonal to it
        U = np.linalg.svd(A)[0] if r else np.eye(M)
        b = A @ rng.normal(size=D) + U[:, r]
    S = solution_set(A, b, tol=TOL)
    rank_aug = np.linalg.matrix_rank(np.column_stack([A, b]))
    if rank_aug > r:
        assert S.kind == "none" and S.particular is None
        assert np.linalg.norm(A @ np.linalg.lstsq(A, b, rcond=None)[0] - b) > 1e-6
        return
    assert S.kind == ("unique" if r == D else "infinite")
    np.testing.assert_allclose(A @ S.particular, b, atol=1e-8)
    assert S.null_basis.shape == (D, D - r)                  # rank-nullity
    if D > r:
        assert np.linalg.matrix_rank(S.null_basis) == D - r
        c = rng.normal(size=D - r)
        np.testing.assert_allclose(A @ (S.particular + S.null_basis @ c), b, atol=1e-8)
    else:
        np.testing.assert_allclose(S.particular, np.linalg.lstsq(A, b, rcond=None)[0], atol=1e-8)


@settings(max_examples=40, deadline=None)
@given(st.integers(1, 5), st.integers(1, 4), seeds)
def test_fewer_equations_than_unknowns_never_give_exactly_one_solution(M, extra, seed):
    rng = np.random.default_rng(seed)
    D = M + extra
    S = solution_set(rng.normal(size=(M, D)), rng.normal(size=M))
    assert S.kind in ("none", "infinite")


# ---------- Gauss-Jordan ----------

@settings(max_examples=60, deadline=None)
@given(st.integers(1, 7), seeds)
def test_gauss_jordan_inverts_or_detects_singularity(n, seed):
    rng = np.random.default_rng(seed)
    A = rng.normal(size=(n, n)) + n * np.eye(n)
    R = echelon_form(np.hstack([A, np.eye(n)])).R
    np.testing.assert_allclose(R[:, :n], np.eye(n), atol=1e-10)
    np.testing.assert_allclose(R[:, n:] @ A, np.eye(n), atol=1e-9)
    np.testing.assert_allclose(A @ R[:, n:], np.eye(n), atol=1e-9)
    if n > 1:
        S = A.copy()
        S[-1] = 2.0 * S[0]                                   # dependent rows: singular
        assert echelon_form(S, tol=TOL * np.abs(S).sum(axis=1).max()).rank < n


# ---------- the page's data ----------

@pytest.fixture(scope="module")
def three_days():
    weather = data.load_weather(start="2019-01-01", end="2019-12-31", missing="drop")
    days = pd.to_datetime(["2019-01-15", "2019-04-15", "2019-07-15"])
    t = (days.day_of_year.to_numpy() - 1) / 365
    return t, weather.loc[days, "tmax"].to_numpy(), float(weather.loc["2019-10-15", "tmax"])


def test_polynomials_through_three_days(three_days):
    t, y, october = three_days
    kinds = [solution_set(np.vander(t, p + 1, increasing=True), y).kind for p in (1, 2, 3)]
    assert kinds == ["none", "unique", "infinite"]
    S = solution_set(np.vander(t, 4, increasing=True), y)
    a = np.vander([(288 - 1) / 365], 4, increasing=True)[0]       # 15 October is day 288
    forecasts = a @ (S.particular[:, None] + S.null_basis @ np.array([[-300.0, 0.0, 300.0]]))
    assert forecasts.max() - forecasts.min() > 20
    assert forecasts.min() < october < forecasts.max()


@pytest.mark.parametrize(("a", "b", "kind"), [(5, 0, "unique"), (4, 0, "none"), (4, 3, "infinite")])
def test_exercise_2_cases(a, b, kind):
    A = np.array([[1.0, 1, 1], [1, 2, 3], [2, 3, a]])
    assert solution_set(A, [1.0, 2.0, b]).kind == kind
