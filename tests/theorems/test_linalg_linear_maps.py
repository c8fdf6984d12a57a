"""Tests of book/linalg/linear_maps.md: its theorems, and the code and data the page uses.

- The data facts the page states, recomputed from ``m4ml.data.load_digits``: the profile map
  of the 8 x 8 images has rank 15 and nullity 49, the null space of the digits data matrix is
  spanned exactly by its blank pixels, and tiny noise raises the default numerical rank while a
  tolerance of 10 eta (sqrt N + sqrt D) restores it.
- ``m4ml.stats.standardize`` is the affine (not linear) map the common mistakes describe.
- The norm rule for Gaussian noise, ||E||_2 ~ eta (sqrt N + sqrt D), on seeded draws.
- Property tests of the theorems: the matrix of a linear map given as code, composition as the
  matrix product, rank-nullity (with the construction used in its proof), affine solution
  sets, hyperplanes of dimension D - 1, and Weyl's inequality for singular values.
(The hyperplane theorems are tested on ``m4ml.linalg.geometry.Hyperplane`` in test_geometry.py.)
"""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.linalg import null_space, orth

from m4ml import data, stats
from m4ml.linalg.geometry import Hyperplane

seeds = st.integers(0, 2**32 - 1)
dims = st.integers(1, 9)


def matrix_of(f, D):
    """Matrix of a linear map on R^D: column d is f(e_d) (thm-linear-maps-matrix)."""
    return np.column_stack([f(e) for e in np.eye(D)])


def profile(x, n):
    """The page's profile map: the n row sums and n column sums of an n x n image."""
    img = x.reshape(n, n)
    return np.concatenate([img.sum(axis=1), img.sum(axis=0)])


@st.composite
def low_rank(draw):
    """An M x D matrix of rank r, built as a product of M x r and r x D Gaussian factors."""
    M, D = draw(dims), draw(dims)
    r = draw(st.integers(0, min(M, D)))
    rng = np.random.default_rng(draw(seeds))
    A = rng.normal(size=(M, r)) @ rng.normal(size=(r, D))
    return A, r, rng


@pytest.fixture(scope="module")
def digits():
    return data.load_digits()


# ---------- the data facts of the page ----------

def test_profile_map_of_the_digits_has_rank_15_and_nullity_49(digits):
    P = matrix_of(lambda x: profile(x, 8), 64)
    assert P.shape == (16, 64)
    assert np.linalg.matrix_rank(P) == 15
    assert null_space(P).shape[1] == 49
    images = digits.images
    sums = np.concatenate([images.sum(axis=2), images.sum(axis=1)], axis=1)
    np.testing.assert_array_equal(digits.X @ P.T, sums)        # small integers: exact
    g = np.r_[np.ones(8), np.zeros(8)]                          # total ink
    np.testing.assert_array_equal(g @ P, np.ones(64))


@pytest.mark.parametrize("n", [2, 3, 4, 5, 6])
def test_profile_map_rank_and_nullity_for_every_image_size(n):
    """ex-linear-maps-3: rank 2n - 1 and nullity (n - 1)^2."""
    P = matrix_of(lambda x: profile(x, n), n * n)
    assert np.linalg.matrix_rank(P) == 2 * n - 1
    assert null_space(P).shape[1] == (n - 1) ** 2


def test_null_space_of_the_digits_is_spanned_by_the_blank_pixels(digits):
    """Rank-nullity alone cannot show this: the nullity must equal the number of blank pixels."""
    X = digits.X
    blank = np.all(X == 0, axis=0)
    basis = null_space(X)
    assert blank.sum() > 0
    assert basis.shape[1] == blank.sum()                        # nullity = number of blank pixels
    assert np.abs(basis[~blank]).max() < 1e-10                  # supported on the blank pixels
    assert np.linalg.matrix_rank(X) == X.shape[1] - blank.sum()
    assert np.linalg.matrix_rank(X[:, ~blank]) == (~blank).sum()  # the inked pixels: independent


def test_noise_raises_the_default_rank_of_the_digits_and_a_noise_tolerance_restores_it(digits):
    X = digits.X
    N, D = X.shape
    eta = 1e-10
    E = eta * np.random.default_rng(0).standard_normal(X.shape)
    bound = eta * (np.sqrt(N) + np.sqrt(D))
    assert 0.9 < np.linalg.norm(E, 2) / bound < 1.1
    rank = np.linalg.matrix_rank(X)
    assert np.linalg.matrix_rank(X + E) == D                    # wrong: noise fills every dimension
    assert np.linalg.matrix_rank(X + E, tol=10 * bound) == rank


@pytest.mark.parametrize("N, D", [(50, 50), (200, 20), (1797, 64), (30, 400)])
def test_norm_of_gaussian_noise_is_close_to_sqrt_N_plus_sqrt_D(N, D):
    """E||G||_2 <= sqrt N + sqrt D, P(||G||_2 >= sqrt N + sqrt D + t) <= exp(-t^2/2)
    (Davidson and Szarek 2001, Thm II.13), and the ratio tends to 1."""
    rng = np.random.default_rng(1000 * N + D)
    bound = np.sqrt(N) + np.sqrt(D)
    norms = np.array([np.linalg.norm(rng.standard_normal((N, D)), 2) for _ in range(20)])
    assert norms.mean() <= bound + 1.0       # the mean of 20 draws, each with sd below 1
    assert norms.max() <= bound + 4.0        # each draw: probability at most exp(-8)
    assert norms.mean() >= 0.85 * bound


# ---------- standardisation is affine ----------

@settings(max_examples=60, deadline=None)
@given(st.integers(2, 30), st.integers(1, 6), seeds)
def test_standardisation_is_affine_not_linear(N, D, seed):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=D) * 5 + rng.uniform(0.5, 3, size=D) * rng.normal(size=(N, D))
    fit = stats.standardize(X)

    def to_z(x):
        return stats.standardize(x[None, :], mean=fit.mean, std=fit.std).Z[0]

    offset = to_z(np.zeros(D))
    np.testing.assert_allclose(offset, -fit.mean / fit.std, rtol=1e-12)
    A_lin = np.diag(1 / fit.std)
    np.testing.assert_allclose(X @ A_lin.T + offset, fit.Z, atol=1e-10)
    A_aug = np.column_stack([A_lin, offset])                    # acts on (x, 1)
    np.testing.assert_allclose(np.column_stack([X, np.ones(N)]) @ A_aug.T, fit.Z, atol=1e-10)
    # the recipe of thm-linear-maps-matrix fails for an affine map: it adds the offset D times
    A_wrong = matrix_of(to_z, D)
    np.testing.assert_allclose(A_wrong, A_lin + offset[:, None], atol=1e-10)
    # ex-linear-maps-2 (c): a score of the z-scores is affine in x
    w = rng.normal(size=D)
    intercept = -np.sum(w * fit.mean / fit.std)
    np.testing.assert_allclose(fit.Z @ w, X @ (w / fit.std) + intercept, atol=1e-9)


# ---------- linear maps and their matrices ----------

@settings(max_examples=60, deadline=None)
@given(dims, seeds)
def test_matrix_of_a_linear_map_given_as_code(D, seed):
    """Feeding the basis vectors to code that never mentions a matrix recovers its matrix."""
    rng = np.random.default_rng(seed)
    maps = [np.cumsum, lambda x: x[::-1], lambda x: np.diff(x, prepend=0.0),
            lambda x: np.convolve(x, [1.0, -2.0, 1.0])]
    for f in maps:
        A = matrix_of(f, D)
        x = rng.normal(size=D)
        np.testing.assert_allclose(A @ x, f(x), atol=1e-12 * (1 + np.abs(x).sum()))


@settings(max_examples=60, deadline=None)
@given(dims, dims, dims, seeds)
def test_composition_is_the_matrix_product(D, M, K, seed):
    rng = np.random.default_rng(seed)
    A, B = rng.normal(size=(M, D)), rng.normal(size=(K, M))
    composed = matrix_of(lambda x: B @ (A @ x), D)
    np.testing.assert_allclose(composed, B @ A, atol=1e-10)


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
    # differences of points of m4ml's Hyperplane lie in that subspace, and span all of it
    H = Hyperplane(w, float(rng.normal()))
    P = H.project(rng.normal(size=(D + 2, D)) * 3)
    diffs = P[1:] - P[0]
    np.testing.assert_allclose(diffs @ w, 0.0, atol=1e-10 * (1 + np.abs(P).max()) * np.abs(w).sum())
    if D > 1:
        assert np.linalg.matrix_rank(diffs, tol=1e-8 * np.abs(diffs).max()) == D - 1


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
