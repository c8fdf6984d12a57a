"""m4ml.linalg.elimination: known answers, agreement with SciPy and NumPy, flop counts, bad input."""

from fractions import Fraction

import numpy as np
import pytest
import scipy.linalg

from m4ml.linalg.elimination import (
    LU,
    PLU,
    add_row_matrix,
    back_substitution,
    echelon_form,
    forward_substitution,
    lu,
    lu_solve,
    plu,
    scale_matrix,
    solution_set,
    swap_matrix,
)


def exact_rref(A):
    """RREF and pivot columns in exact rational arithmetic (an independent reference)."""
    R = [[Fraction(int(v)) for v in row] for row in A]
    M, D = len(R), len(R[0])
    pivots, row = [], 0
    for col in range(D):
        p = next((i for i in range(row, M) if R[i][col] != 0), None)
        if p is None:
            continue
        R[row], R[p] = R[p], R[row]
        R[row] = [v / R[row][col] for v in R[row]]
        for i in range(M):
            if i != row and R[i][col] != 0:
                R[i] = [a - R[i][col] * b for a, b in zip(R[i], R[row])]
        pivots.append(col)
        row += 1
        if row == M:
            break
    return np.array([[float(v) for v in r] for r in R]), tuple(pivots)


def lu_flops(n):
    """The exact count of elimination: sum over m = 1..n-1 of 2 m^2 + m."""
    return sum(2 * m * m + m for m in range(1, n))


# ---------- elementary matrices ----------

def test_elementary_matrices_act_on_rows():
    A = np.arange(12.0).reshape(3, 4)
    np.testing.assert_array_equal(swap_matrix(3, 0, 2) @ A, A[[2, 1, 0]])
    expected = A.copy()
    expected[1] *= -2.5
    np.testing.assert_array_equal(scale_matrix(3, 1, -2.5) @ A, expected)
    expected = A.copy()
    expected[2] += 3.0 * A[0]
    np.testing.assert_array_equal(add_row_matrix(3, 2, 0, 3.0) @ A, expected)


def test_elementary_matrices_have_elementary_inverses():
    np.testing.assert_array_equal(swap_matrix(4, 1, 3) @ swap_matrix(4, 1, 3), np.eye(4))
    np.testing.assert_allclose(scale_matrix(4, 2, 4.0) @ scale_matrix(4, 2, 0.25), np.eye(4))
    np.testing.assert_array_equal(add_row_matrix(4, 0, 3, 2.0) @ add_row_matrix(4, 0, 3, -2.0), np.eye(4))


@pytest.mark.parametrize(
    ("call", "match"),
    [
        (lambda: scale_matrix(3, 0, 0.0), "c must be nonzero"),
        (lambda: add_row_matrix(3, 1, 1, 2.0), "j must differ from i"),
        (lambda: swap_matrix(3, 0, 3), "j"),
        (lambda: swap_matrix(0, 0, 0), "n"),
    ],
)
def test_elementary_matrices_reject_bad_input(call, match):
    with pytest.raises(ValueError, match=match):
        call()


# ---------- echelon forms ----------

@pytest.mark.parametrize("seed", range(12))
def test_rref_matches_exact_arithmetic_on_small_integer_matrices(seed):
    rng = np.random.default_rng(seed)
    M, D = rng.integers(1, 6, size=2)
    r = int(rng.integers(0, min(M, D) + 1))
    A = rng.integers(-3, 4, size=(M, r)) @ rng.integers(-3, 4, size=(r, D))
    R_exact, pivots_exact = exact_rref(A)
    E = echelon_form(A)
    np.testing.assert_allclose(E.R, R_exact, atol=1e-10)
    assert E.pivots == pivots_exact
    assert E.rank == np.linalg.matrix_rank(A)


def test_row_echelon_form_shape():
    A = np.array([[0.0, 2.0, 1.0], [0.0, 4.0, 1.0], [1.0, 1.0, 1.0]])
    E = echelon_form(A, reduced=False)
    assert E.pivots == (0, 1, 2)
    # zero below each pivot, and pivots are the largest candidates (partial pivoting)
    np.testing.assert_allclose(np.tril(E.R, -1), 0.0)
    assert E.R[1, 1] == 4.0


def test_rref_of_augmented_identity_gives_the_inverse():
    A = np.array([[2.0, 1.0, 0.0], [1.0, 3.0, 1.0], [0.0, 1.0, 4.0]])
    E = echelon_form(np.hstack([A, np.eye(3)]))
    np.testing.assert_allclose(E.R[:, :3], np.eye(3), atol=1e-14)
    np.testing.assert_allclose(E.R[:, 3:], np.linalg.inv(A), rtol=1e-12)


def test_tolerance_decides_what_counts_as_zero():
    A = np.array([[1.0, 1.0], [1.0, 1.0 + 1e-9]])
    assert echelon_form(A).rank == 2
    assert echelon_form(A, tol=1e-6).rank == 1
    with pytest.raises(ValueError, match="tol"):
        echelon_form(A, tol=-1.0)


def test_zero_matrix_has_no_pivots():
    E = echelon_form(np.zeros((2, 3)))
    assert E.pivots == () and E.rank == 0
    np.testing.assert_array_equal(E.R, 0.0)


# ---------- solution sets ----------

def test_three_kinds_of_solution_set():
    A = np.array([[1.0, 2.0], [2.0, 4.0]])
    assert solution_set(A, [1.0, 3.0]).kind == "none"
    S = solution_set(A, [1.0, 2.0])
    assert S.kind == "infinite" and S.null_basis.shape == (2, 1)
    np.testing.assert_allclose(A @ S.particular, [1.0, 2.0])
    np.testing.assert_allclose(A @ S.null_basis, 0.0, atol=1e-14)
    U = solution_set(np.array([[2.0, 1.0], [1.0, 3.0]]), [3.0, 4.0])
    assert U.kind == "unique" and U.null_basis.shape == (2, 0)
    np.testing.assert_allclose(U.particular, [1.0, 1.0])


def test_solution_set_checks_b():
    with pytest.raises(ValueError, match="b must have shape"):
        solution_set(np.eye(2), np.ones(3))


# ---------- triangular solves ----------

@pytest.mark.parametrize("K", [None, 3])
def test_triangular_solves_match_scipy(K):
    rng = np.random.default_rng(1)
    n = 7
    L = np.tril(rng.normal(size=(n, n))) + 4 * np.eye(n)
    U = np.triu(rng.normal(size=(n, n))) + 4 * np.eye(n)
    b = rng.normal(size=n if K is None else (n, K))
    np.testing.assert_allclose(forward_substitution(L, b),
                               scipy.linalg.solve_triangular(L, b, lower=True), rtol=1e-12)
    np.testing.assert_allclose(back_substitution(U, b), scipy.linalg.solve_triangular(U, b), rtol=1e-12)
    np.testing.assert_allclose(forward_substitution(L, b, unit_diagonal=True),
                               scipy.linalg.solve_triangular(L, b, lower=True, unit_diagonal=True), rtol=1e-12)


@pytest.mark.parametrize(
    ("call", "match"),
    [
        (lambda: back_substitution(np.array([[1.0, 2.0], [0.0, 0.0]]), np.ones(2)), "U is singular"),
        (lambda: forward_substitution(np.array([[0.0, 0.0], [1.0, 1.0]]), np.ones(2)), "L is singular"),
        (lambda: back_substitution(np.array([[1.0, 0.0], [1.0, 1.0]]), np.ones(2)), "U must be upper"),
        (lambda: forward_substitution(np.triu(np.ones((2, 2))), np.ones(2)), "L must be lower"),
        (lambda: back_substitution(np.ones((2, 3)), np.ones(2)), "U must be square"),
        (lambda: back_substitution(np.eye(2), np.ones(3)), "b must have 2 rows"),
    ],
)
def test_triangular_solves_reject_bad_input(call, match):
    with pytest.raises(ValueError, match=match):
        call()


# ---------- LU and PLU ----------

@pytest.mark.parametrize("n", [1, 2, 5, 30])
def test_plu_matches_scipy_lu_factor_and_lu(n):
    A = np.random.default_rng(n).normal(size=(n, n))
    F = plu(A)
    lu_piv, piv = scipy.linalg.lu_factor(A)
    # LAPACK's swaps, replayed, give the same permutation
    perm = np.arange(n)
    for k, p in enumerate(piv):
        perm[[k, p]] = perm[[p, k]]
    np.testing.assert_array_equal(F.perm, perm)
    np.testing.assert_allclose(np.tril(lu_piv, -1) + np.eye(n), F.L, atol=1e-12)
    np.testing.assert_allclose(np.triu(lu_piv), F.U, atol=1e-12)
    P_s, L_s, U_s = scipy.linalg.lu(A)          # A = P_s L U, so P = P_s^T
    np.testing.assert_array_equal(P_s.T, F.P)
    np.testing.assert_allclose(L_s, F.L, atol=1e-12)
    np.testing.assert_allclose(F.P @ A, F.L @ F.U, atol=1e-12)


def test_lu_without_pivoting_on_a_diagonally_dominant_matrix():
    rng = np.random.default_rng(3)
    A = rng.normal(size=(6, 6)) + 10 * np.eye(6)
    F = lu(A)
    assert isinstance(F, LU)
    np.testing.assert_allclose(F.L @ F.U, A, atol=1e-12)
    np.testing.assert_allclose(np.diag(F.L), 1.0)
    # no row swaps are needed, so plu agrees
    G = plu(A)
    np.testing.assert_array_equal(G.perm, np.arange(6))
    np.testing.assert_allclose(G.U, F.U, atol=1e-12)


@pytest.mark.parametrize("n", [1, 2, 3, 10, 57])
def test_flop_counts_are_exact(n):
    A = np.random.default_rng(n).normal(size=(n, n)) + n * np.eye(n)
    assert lu(A).flops == lu_flops(n)
    assert plu(A).flops == lu_flops(n)
    # the closed form 2n^3/3 - n^2/2 - n/6, times 6
    assert lu_flops(n) * 6 == 4 * n**3 - 3 * n**2 - n


def test_lu_solve_many_right_hand_sides_matches_numpy():
    rng = np.random.default_rng(4)
    A = rng.normal(size=(9, 9))
    B = rng.normal(size=(9, 5))
    F = plu(A)
    assert isinstance(F, PLU)
    np.testing.assert_allclose(lu_solve(F, B), np.linalg.solve(A, B), rtol=1e-9)
    np.testing.assert_allclose(lu_solve(F, B[:, 0]), np.linalg.solve(A, B[:, 0]), rtol=1e-9)


def test_tiny_pivot_without_pivoting_loses_the_answer():
    eps = 1e-20
    A = np.array([[eps, 1.0], [1.0, 1.0]])
    b = np.array([1.0, 2.0])
    x_true = np.linalg.solve(A, b)
    x_plain = lu_solve(lu(A), b)
    x_piv = lu_solve(plu(A), b)
    assert abs(x_plain[0] - x_true[0]) > 0.5
    np.testing.assert_allclose(x_piv, x_true, rtol=1e-15)


def test_zero_pivot_and_singular_matrices():
    with pytest.raises(ValueError, match="A has a zero pivot in position 0"):
        lu(np.array([[0.0, 1.0], [1.0, 1.0]]))
    S = np.array([[1.0, 2.0], [2.0, 4.0]])
    F = plu(S)
    np.testing.assert_allclose(F.P @ S, F.L @ F.U)
    with pytest.raises(ValueError, match="factors describe a singular matrix"):
        lu_solve(F, np.ones(2))


@pytest.mark.parametrize(
    ("call", "exc", "match"),
    [
        (lambda: plu(np.ones((2, 3))), ValueError, "A must be square"),
        (lambda: lu(np.array([[1.0, np.inf], [0.0, 1.0]])), ValueError, "A must be finite"),
        (lambda: lu_solve((np.eye(2), np.eye(2)), np.ones(2)), TypeError, "factors must be the result"),
        (lambda: lu_solve(plu(np.eye(2)), np.ones(3)), ValueError, "b must have 2 rows"),
    ],
)
def test_lu_rejects_bad_input(call, exc, match):
    with pytest.raises(exc, match=match):
        call()
