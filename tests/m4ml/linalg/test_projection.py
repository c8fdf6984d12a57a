"""Tests of m4ml.linalg.projection against NumPy and SciPy, and its input checks."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.linalg

from m4ml.linalg.projection import FourSubspaces, four_subspaces, pinv, projector


def rank_deficient(n: int, d: int, r: int, seed: int = 0) -> np.ndarray:
    """A random n x d matrix of rank exactly r (a product of n x r and r x d factors)."""
    rng = np.random.default_rng(seed)
    return rng.normal(size=(n, r)) @ rng.normal(size=(r, d))


@pytest.mark.parametrize("shape", [(5, 3), (3, 5), (4, 4), (1, 6), (6, 1)])
def test_pinv_matches_numpy_on_full_rank_matrices(shape):
    A = np.random.default_rng(1).normal(size=shape)
    assert np.allclose(pinv(A), np.linalg.pinv(A, rtol=None), atol=1e-12)
    assert np.allclose(pinv(A), scipy.linalg.pinv(A), atol=1e-12)


@pytest.mark.parametrize(("n", "d", "r"), [(8, 5, 2), (5, 8, 3), (6, 6, 1)])
def test_pinv_matches_numpy_on_rank_deficient_matrices(n, d, r):
    A = rank_deficient(n, d, r)
    assert np.allclose(pinv(A), np.linalg.pinv(A, rtol=None), atol=1e-10)


def test_pinv_inverts_an_invertible_matrix():
    A = np.array([[2.0, 1.0], [1.0, 3.0]])
    assert np.allclose(pinv(A), np.linalg.inv(A))


def test_pinv_of_zero_matrix_is_its_transpose_shape_of_zeros():
    assert np.array_equal(pinv(np.zeros((3, 2))), np.zeros((2, 3)))


def test_pinv_cut_off_drops_a_rounding_level_singular_value():
    A = np.random.default_rng(8).normal(size=(10, 4))
    A = np.column_stack([A, A[:, 0] + A[:, 1]])     # exactly dependent in exact arithmetic
    s = np.linalg.svd(A, compute_uv=False)
    assert s[-1] < 1e-12 * s[0]                    # a rounding error, not a true singular value
    # the default cut-off removes it, so the norm of pinv is 1 / sigma_4
    assert np.linalg.norm(pinv(A), 2) == pytest.approx(1 / s[-2], rel=1e-8)
    # rtol = 0 inverts it and blows up
    assert np.linalg.norm(pinv(A, rtol=0.0), 2) > 1e8


def test_pinv_rtol_drops_small_singular_values():
    U, _ = np.linalg.qr(np.random.default_rng(2).normal(size=(5, 3)))
    V, _ = np.linalg.qr(np.random.default_rng(3).normal(size=(3, 3)))
    A = U @ np.diag([1.0, 1e-2, 1e-6]) @ V.T
    expected = V[:, :2] @ np.diag([1.0, 1e2]) @ U[:, :2].T
    assert np.allclose(pinv(A, rtol=1e-4), expected, atol=1e-10)
    assert np.allclose(pinv(A, rtol=1e-4), np.linalg.pinv(A, rtol=1e-4), atol=1e-10)


def test_projector_matches_the_formula_for_independent_columns():
    A = np.random.default_rng(4).normal(size=(7, 3))
    expected = A @ np.linalg.solve(A.T @ A, A.T)
    assert np.allclose(projector(A), expected, atol=1e-12)


def test_projector_depends_only_on_the_span():
    A = rank_deficient(6, 4, 2, seed=5)
    B = A @ np.random.default_rng(6).normal(size=(4, 7))   # same column space, other columns
    Q = scipy.linalg.orth(A)
    assert np.allclose(projector(A), Q @ Q.T, atol=1e-10)
    assert np.allclose(projector(B), Q @ Q.T, atol=1e-10)


def test_projector_onto_a_vector():
    v = np.array([[3.0], [4.0]])
    assert np.allclose(projector(v), v @ v.T / 25)


def test_four_subspaces_dimensions_and_scipy_bases():
    A = rank_deficient(7, 5, 2, seed=7)
    sub = four_subspaces(A)
    assert isinstance(sub, FourSubspaces)
    assert sub.rank == np.linalg.matrix_rank(A) == 2
    assert sub.column.shape == (7, 2) and sub.row.shape == (5, 2)
    assert sub.null.shape == (5, 3) and sub.left_null.shape == (7, 5)
    # the same subspaces as SciPy's orth and null_space: equal projectors
    for basis, reference in [(sub.column, scipy.linalg.orth(A)), (sub.row, scipy.linalg.orth(A.T)),
                             (sub.null, scipy.linalg.null_space(A)),
                             (sub.left_null, scipy.linalg.null_space(A.T))]:
        assert np.allclose(basis.T @ basis, np.eye(basis.shape[1]), atol=1e-12)
        assert np.allclose(basis @ basis.T, reference @ reference.T, atol=1e-10)
    assert np.allclose(A @ sub.null, 0, atol=1e-10) and np.allclose(A.T @ sub.left_null, 0, atol=1e-10)


def test_four_subspaces_of_a_full_rank_square_matrix():
    sub = four_subspaces(np.array([[1.0, 2.0], [3.0, 4.0]]))
    assert sub.rank == 2 and sub.null.shape == (2, 0) and sub.left_null.shape == (2, 0)


def test_four_subspaces_of_the_zero_matrix():
    sub = four_subspaces(np.zeros((3, 2)))
    assert sub.rank == 0 and sub.column.shape == (3, 0) and sub.null.shape == (2, 2)


@pytest.mark.parametrize("func", [pinv, projector, four_subspaces])
def test_bad_input(func):
    with pytest.raises(ValueError, match="A must be 2-D"):
        func(np.ones(3))
    with pytest.raises(ValueError, match="A must not contain NaN"):
        func(np.array([[1.0, np.nan]]))
    with pytest.raises(ValueError, match="A must be finite"):
        func(np.array([[1.0, np.inf]]))
    with pytest.raises(TypeError, match="A must be an array of numbers"):
        func("abc")
    with pytest.raises(ValueError, match="A must have at least 1 row"):
        func(np.zeros((0, 2)))
    with pytest.raises(ValueError, match="rtol must be < 1"):
        func(np.eye(2), rtol=1.0)
    with pytest.raises(ValueError, match="rtol must be >= 0"):
        func(np.eye(2), rtol=-1e-3)
    with pytest.raises(TypeError, match="rtol must be a real number"):
        func(np.eye(2), rtol="small")
    with pytest.raises(TypeError):
        func(np.eye(2), 1e-3)          # options are keyword-only
