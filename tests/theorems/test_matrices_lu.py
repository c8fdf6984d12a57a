"""Tests of book/matrices/lu.md: its theorems on random and nearly singular matrices, and its data.

- Property tests: A = L U without pivoting when no pivot vanishes (L unit lower triangular,
  U upper triangular, the multipliers below the diagonal of L); P A = L U with partial pivoting
  and |l_ik| <= 1 on random, nearly singular and exactly singular matrices, with a zero on the
  diagonal of U exactly for the singular ones; the flop count (2n^3/3 - n^2/2 - n/6) measured by
  the implementation; triangular solves and lu_solve for many right-hand sides against SciPy;
  uniqueness of LU (exercise 1); the growth factor 2^(n-1) of exercise 3.
- The page's facts: the tiny-pivot matrix loses the answer without pivoting and keeps it with
  pivoting; on the weather ridge system m4ml's factors equal LAPACK's, one factorisation solves
  every year, and the reuse saves more than a factor 2 in flops.
"""

import calendar

import numpy as np
import pytest
import scipy.linalg
from hypothesis import given, settings
from hypothesis import strategies as st

from m4ml import data
from m4ml.linalg import features
from m4ml.linalg.elimination import back_substitution, forward_substitution, lu, lu_solve, plu
from m4ml.models import linear

seeds = st.integers(0, 2**32 - 1)
sizes = st.integers(1, 12)


def check_triangular_factors(L, U):
    n = L.shape[0]
    np.testing.assert_array_equal(np.triu(L, 1), 0.0)
    np.testing.assert_array_equal(np.diag(L), 1.0)
    np.testing.assert_array_equal(np.tril(U, -1), 0.0)
    assert L.shape == U.shape == (n, n)


@settings(max_examples=80, deadline=None)
@given(sizes, seeds)
def test_lu_without_pivoting_when_pivots_are_nonzero(n, seed):
    rng = np.random.default_rng(seed)
    A = rng.normal(size=(n, n)) + 2 * n * np.eye(n)       # diagonally dominant: no zero pivot
    F = lu(A)
    check_triangular_factors(F.L, F.U)
    np.testing.assert_allclose(F.L @ F.U, A, atol=1e-12 * np.abs(A).max() * n)
    if n > 1:                                              # the first column of L: multipliers
        np.testing.assert_allclose(F.L[1:, 0], A[1:, 0] / A[0, 0], rtol=1e-14)


@st.composite
def square_matrices(draw):
    """Random, nearly singular (one tiny singular value) or exactly singular square matrices."""
    n = draw(sizes)
    kind = draw(st.sampled_from(["random", "nearly singular", "singular", "tiny pivots"]))
    rng = np.random.default_rng(draw(seeds))
    A = rng.normal(size=(n, n))
    if kind == "nearly singular":
        U, s, Vt = np.linalg.svd(A)
        s[-1] = s[0] * 10.0 ** -draw(st.integers(8, 15))
        A = (U * s) @ Vt
    elif kind == "singular" and n > 1:
        A[:, -1] = A[:, 0]                                # two equal columns: exactly singular
    elif kind == "tiny pivots":
        A[np.diag_indices(n)] = 1e-18
    return A, kind


@settings(max_examples=150, deadline=None)
@given(square_matrices())
def test_plu_with_partial_pivoting(case):
    A, kind = case
    n = A.shape[0]
    F = plu(A)
    check_triangular_factors(F.L, F.U)
    assert np.abs(F.L).max() <= 1.0                        # partial pivoting bounds the multipliers
    np.testing.assert_array_equal(np.sort(F.perm), np.arange(n))
    np.testing.assert_array_equal(F.P, np.eye(n)[F.perm])
    np.testing.assert_array_equal(F.P @ A, A[F.perm])
    # backward stable: the residual is a few roundoffs of |L||U|
    residual = np.abs(F.P @ A - F.L @ F.U).max()
    assert residual <= 10 * n * np.finfo(float).eps * (np.abs(F.L) @ np.abs(F.U)).max()
    if kind == "singular" and n > 1:
        # equal columns: exact arithmetic gives a zero pivot, rounding leaves at most roundoff
        assert np.abs(np.diag(F.U)).min() <= 10 * n * np.finfo(float).eps * np.abs(A).max() * 2**n


def test_zero_pivot_on_the_diagonal_for_a_singular_matrix_and_lu_solve_refuses():
    S = np.array([[1.0, 2.0, 3.0], [2.0, 4.0, 6.0], [1.0, 0.0, 1.0]])
    F = plu(S)
    assert np.any(np.diag(F.U) == 0)
    with pytest.raises(ValueError, match="singular"):
        lu_solve(F, np.ones(3))
    R = np.array([[2.0, 1.0], [1.0, 3.0]])
    assert np.all(np.diag(plu(R).U) != 0)


@settings(max_examples=40, deadline=None)
@given(st.integers(1, 60), seeds)
def test_measured_flops_equal_the_formula(n, seed):
    A = np.random.default_rng(seed).normal(size=(n, n)) + n * np.eye(n)
    six_times = 4 * n**3 - 3 * n**2 - n                  # 6 (2n^3/3 - n^2/2 - n/6)
    assert 6 * lu(A).flops == six_times
    assert 6 * plu(A).flops == six_times


@settings(max_examples=60, deadline=None)
@given(sizes, st.integers(1, 5), seeds)
def test_triangular_and_lu_solves_match_scipy(n, K, seed):
    rng = np.random.default_rng(seed)
    A = rng.normal(size=(n, n)) + 3 * np.sqrt(n) * np.eye(n)
    B = rng.normal(size=(n, K))
    F = plu(A)
    np.testing.assert_allclose(lu_solve(F, B), scipy.linalg.lu_solve(scipy.linalg.lu_factor(A), B),
                               rtol=1e-9, atol=1e-12)
    L, U = F.L, F.U
    np.testing.assert_allclose(forward_substitution(L, B, unit_diagonal=True),
                               scipy.linalg.solve_triangular(L, B, lower=True, unit_diagonal=True),
                               rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(back_substitution(U, B), scipy.linalg.solve_triangular(U, B),
                               rtol=1e-9, atol=1e-12)


@settings(max_examples=40, deadline=None)
@given(sizes, seeds)
def test_lu_is_unique(n, seed):
    """ex-lu-1: two unit-lower/upper factorisations of an invertible matrix coincide."""
    rng = np.random.default_rng(seed)
    L1 = np.tril(rng.normal(size=(n, n)), -1) + np.eye(n)
    U1 = np.triu(rng.normal(size=(n, n))) + 3 * np.eye(n) * np.sign(rng.normal(size=n))
    A = L1 @ U1
    F = lu(A)
    np.testing.assert_allclose(F.L, L1, atol=1e-6)
    np.testing.assert_allclose(F.U, U1, atol=1e-6 * np.abs(U1).max())


@pytest.mark.parametrize("n", [2, 5, 20, 30])
def test_growth_factor_of_the_worst_case_matrix(n):
    G = np.eye(n) - np.tril(np.ones((n, n)), -1)
    G[:, -1] = 1.0
    F = plu(G)
    np.testing.assert_array_equal(F.perm, np.arange(n))   # no swaps
    assert np.abs(F.U).max() / np.abs(G).max() == 2.0 ** (n - 1)


# ---------- the page's facts ----------

def test_tiny_pivot_without_pivoting_loses_every_digit():
    A = np.array([[1e-20, 1.0], [1.0, 1.0]])
    b = np.array([1.0, 2.0])
    x_plain, x_pivot = lu_solve(lu(A), b), lu_solve(plu(A), b)
    np.testing.assert_array_equal(x_plain, [0.0, 1.0])
    np.testing.assert_allclose(x_pivot, [1.0, 1.0], rtol=1e-15)
    assert np.linalg.cond(A) < 3


@pytest.fixture(scope="module")
def weather_system():
    weather = data.load_weather(missing="drop")
    n_days = weather.groupby(weather.index.year).size()
    years = [yr for yr in n_days.index if n_days[yr] == 365 and not calendar.isleap(yr)]
    Y = np.column_stack([weather.loc[str(yr), "tmax"].to_numpy() for yr in years])
    Phi = features.polynomial_features(np.arange(365) / 365, degree=8, intercept=False)
    X = Phi - Phi.mean(axis=0)
    Y_c = Y - Y.mean(axis=0)
    A = X.T @ X + X.shape[0] * 1e-3 * np.eye(X.shape[1])
    return years, X, Y_c, A


def test_weather_ridge_system_factors_equal_lapack_and_solve_every_year(weather_system):
    years, X, Y_c, A = weather_system
    D = A.shape[0]
    F = plu(A)
    packed, piv = scipy.linalg.lu_factor(A)
    perm = np.arange(D)
    for k, p in enumerate(piv):
        perm[[k, p]] = perm[[p, k]]
    np.testing.assert_array_equal(perm, F.perm)
    np.testing.assert_allclose(np.tril(packed, -1) + np.eye(D), F.L, atol=1e-10)
    W = lu_solve(F, X.T @ Y_c)
    k = years.index(2019)
    np.testing.assert_allclose(W[:, k], linear.ridge_fit(X, Y_c[:, k], alpha=1e-3), rtol=1e-8)
    K = len(years)
    per_rhs = 2 * D**2 - D
    assert K * (F.flops + per_rhs) / (F.flops + K * per_rhs) > 2
