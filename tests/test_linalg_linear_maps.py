"""Property tests for the theorems of book/linalg/linear_maps.md.

Matrix of a linear map, composition as the matrix product, rank-nullity (with the
construction used in its proof), affine solution sets, hyperplanes of dimension D - 1,
and the numerical-rank behaviour the page shows.
"""

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.linalg import null_space, orth

seeds = st.integers(0, 2**32 - 1)
dims = st.integers(1, 9)


def matrix_of(f, D):
    """Matrix of a linear map on R^D: column d is f(e_d)."""
    return np.column_stack([f(e) for e in np.eye(D)])


@st.composite
def low_rank(draw):
    """An M x D matrix of rank r, built as a product of M x r and r x D Gaussian factors."""
    M, D = draw(dims), draw(dims)
    r = draw(st.integers(0, min(M, D)))
    rng = np.random.default_rng(draw(seeds))
    A = rng.normal(size=(M, r)) @ rng.normal(size=(r, D))
    return A, r, rng


# ---------- linear maps and their matrices ----------

@settings(max_examples=60, deadline=None)
@given(dims, dims, seeds)
def test_matrix_of_a_linear_map_reproduces_it(M, D, seed):
    rng = np.random.default_rng(seed)
    A = rng.normal(size=(M, D))

    def f(x):  # a linear map given only as a function
        return A @ x

    np.testing.assert_allclose(matrix_of(f, D), A, atol=1e-12)
    x, y = rng.normal(size=D), rng.normal(size=D)
    a, c = rng.normal(size=2)
    np.testing.assert_allclose(f(a * x + c * y), a * f(x) + c * f(y), atol=1e-10)


@settings(max_examples=60, deadline=None)
@given(dims, dims, dims, seeds)
def test_composition_is_the_matrix_product(D, M, K, seed):
    rng = np.random.default_rng(seed)
    A, B = rng.normal(size=(M, D)), rng.normal(size=(K, M))
    composed = matrix_of(lambda x: B @ (A @ x), D)
    np.testing.assert_allclose(composed, B @ A, atol=1e-10)


def test_image_profile_map_is_linear_with_rank_15():
    """Row and column sums of an 8 x 8 image: a linear map R^64 -> R^16 of rank 15."""

    def profile(x):
        img = x.reshape(8, 8)
        return np.concatenate([img.sum(axis=1), img.sum(axis=0)])

    P = matrix_of(profile, 64)
    assert P.shape == (16, 64)
    assert np.linalg.matrix_rank(P) == 15
    assert null_space(P).shape[1] == 49
    x = np.random.default_rng(0).integers(0, 17, size=64).astype(float)
    np.testing.assert_allclose(P @ x, profile(x))


@settings(max_examples=60, deadline=None)
@given(dims, seeds, st.floats(-5, 5).filter(lambda c: abs(c) > 1e-3))
def test_affine_maps_are_not_linear(D, seed, offset):
    rng = np.random.default_rng(seed)
    A = rng.normal(size=(D, D))
    c = offset * np.ones(D)

    def g(x):
        return A @ x + c

    assert not np.allclose(g(np.zeros(D)), 0)           # g(0) = c != 0
    x, y = rng.normal(size=D), rng.normal(size=D)
    np.testing.assert_allclose(g(x + y) - (g(x) + g(y)), -c, atol=1e-10)
    # augmented coordinates [x; 1] make it linear
    A_aug = np.block([[A, c[:, None]], [np.zeros((1, D)), np.ones((1, 1))]])
    np.testing.assert_allclose((A_aug @ np.append(x, 1.0))[:D], g(x), atol=1e-10)


# ---------- rank-nullity ----------

@settings(max_examples=100, deadline=None)
@given(low_rank())
def test_rank_nullity(case):
    A, r, _ = case
    M, D = A.shape
    rank = np.linalg.matrix_rank(A)
    N = null_space(A)
    assert rank == r
    assert N.shape == (D, D - r)
    assert rank + N.shape[1] == D
    np.testing.assert_allclose(A @ N, 0.0, atol=1e-10 * (1 + np.abs(A).max()))
    np.testing.assert_allclose(N.T @ N, np.eye(D - r), atol=1e-10)


@settings(max_examples=100, deadline=None)
@given(low_rank())
def test_images_of_the_added_basis_vectors_form_a_basis_of_the_range(case):
    """The construction in the proof: extend a basis of the null space to one of R^D."""
    A, r, rng = case
    M, D = A.shape
    N = null_space(A)
    # extend: random vectors, then keep the part orthogonal to the null space
    V = rng.normal(size=(D, D - N.shape[1]))
    V -= N @ (N.T @ V)
    basis = np.column_stack([N, V])
    assert np.linalg.matrix_rank(basis) == D          # a basis of R^D
    images = A @ V                                     # r vectors in R^M
    assert images.shape[1] == r
    assert np.linalg.matrix_rank(images) == r          # linearly independent
    if r > 0:                                          # and they span the column space
        R = orth(A)
        assert R.shape[1] == r
        coeffs, *_ = np.linalg.lstsq(images, R, rcond=None)
        np.testing.assert_allclose(images @ coeffs, R, atol=1e-8)


@settings(max_examples=60, deadline=None)
@given(low_rank())
def test_rank_of_transpose_equals_rank(case):
    A, r, _ = case
    assert np.linalg.matrix_rank(A.T) == r
    assert null_space(A.T).shape[1] == A.shape[0] - r


# ---------- subspaces and affine sets ----------

@settings(max_examples=60, deadline=None)
@given(low_rank())
def test_null_space_is_closed_under_linear_combinations(case):
    A, r, rng = case
    N = null_space(A)
    if N.shape[1] == 0:
        return
    u, v = N @ rng.normal(size=N.shape[1]), N @ rng.normal(size=N.shape[1])
    a, c = rng.normal(size=2)
    np.testing.assert_allclose(A @ (a * u + c * v), 0.0, atol=1e-9 * (1 + np.abs(A).max()))


@settings(max_examples=60, deadline=None)
@given(low_rank())
def test_solution_set_is_a_translate_of_the_null_space(case):
    A, r, rng = case
    x0 = rng.normal(size=A.shape[1])
    b = A @ x0                                        # a consistent right-hand side
    N = null_space(A)
    x = x0 + N @ rng.normal(size=N.shape[1])
    np.testing.assert_allclose(A @ x, b, atol=1e-9 * (1 + np.abs(A).max()))


@settings(max_examples=60, deadline=None)
@given(st.integers(1, 12), seeds)
def test_hyperplane_directions_form_a_subspace_of_dimension_D_minus_1(D, seed):
    rng = np.random.default_rng(seed)
    w = rng.normal(size=D)
    U = null_space(w[None, :])
    assert U.shape == (D, D - 1)
    np.testing.assert_allclose(w @ U, 0.0, atol=1e-12 * (1 + np.abs(w).max()))


# ---------- numerical rank ----------

@settings(max_examples=40, deadline=None)
@given(low_rank())
def test_tiny_noise_raises_the_default_rank_but_not_a_sensible_tolerance(case):
    A, r, rng = case
    M, D = A.shape
    if r == min(M, D):
        return
    scale = np.abs(A).max() if r > 0 else 1.0
    noisy = A + 1e-9 * scale * rng.normal(size=A.shape)
    assert np.linalg.matrix_rank(noisy) == min(M, D)   # every singular value is now nonzero
    if r > 0:
        s = np.linalg.svd(A, compute_uv=False)
        if s[r - 1] < 1e-5 * s[0]:                      # a nearly rank-deficient draw: no clear gap
            return
    tol = 1e-6 * scale                                 # far above the noise, far below the signal
    assert np.linalg.matrix_rank(noisy, tol=tol) == r


@settings(max_examples=60, deadline=None)
@given(st.integers(1, 9), st.data())
def test_independent_vectors_extend_to_a_basis(D, data):
    """The lemma behind rank-nullity, run as the algorithm its proof describes."""
    k = data.draw(st.integers(0, D))
    rng = np.random.default_rng(data.draw(seeds))
    basis = rng.normal(size=(D, k))                    # k independent vectors (with probability 1)
    assert np.linalg.matrix_rank(basis) == k
    for e in np.eye(D):                                # add any vector outside the current span
        candidate = np.column_stack([basis, e])
        if np.linalg.matrix_rank(candidate) > basis.shape[1]:
            basis = candidate
    assert basis.shape == (D, D)                       # stops at D vectors ...
    assert np.linalg.matrix_rank(basis) == D           # ... which form a basis of R^D


@settings(max_examples=60, deadline=None)
@given(low_rank(), st.floats(1e-12, 1e-1))
def test_singular_values_move_by_at_most_the_norm_of_the_perturbation(case, size):
    """Weyl's inequality, which the page uses to choose a rank tolerance for noisy data."""
    A, _, rng = case
    E = size * rng.normal(size=A.shape)
    moved = np.abs(np.linalg.svd(A + E, compute_uv=False) - np.linalg.svd(A, compute_uv=False))
    bound = np.linalg.norm(E, 2)
    assert np.all(moved <= bound + 1e-12 * (1 + np.abs(A).max()))
