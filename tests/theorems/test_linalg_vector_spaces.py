"""Property tests of the results stated in book/linalg/vector_spaces.md.

- prop-vector-spaces-span: a linear combination of linear combinations is a linear combination.
- thm-vector-spaces-coordinates: coordinates in a basis exist and are unique.
- thm-vector-spaces-too-many: more than D vectors in R^D are linearly dependent (the
  elimination of the proof, run as an algorithm, finds the coefficients).
- cor-vector-spaces-dimension: a basis of R^D has exactly D vectors.
- prop-vector-spaces-rank: independent columns <=> min_{||c|| = 1} ||Ac|| > 0.
- thm-vector-spaces-monomials: 1, t, ..., t^p are independent on any p + 1 distinct points
  (the Vandermonde matrix is invertible), so a polynomial of degree <= p through them is unique.
- prop-vector-spaces-linear-model: w -> Phi w is linear.
- The common mistake "linear in the input": the checks g(0) = 0 (linear) and a zero second
  difference (affine) separate a straight line from a curved Fourier model.
- The probability vectors are not closed under addition or scaling.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from m4ml.linalg.features import fourier_features, polynomial_features

finite = st.floats(-10.0, 10.0, allow_nan=False, allow_infinity=False)


def dependence_coefficients(V: np.ndarray) -> np.ndarray:
    """Coefficients c != 0 with V @ c = 0 for V of shape (D, m), m > D.

    This runs the induction of the proof of thm-vector-spaces-too-many: pick a vector whose
    last coordinate is not zero, subtract multiples of it from the others to clear their last
    coordinates, solve the smaller problem in R^(D-1), and undo the subtraction.
    """
    D, m = V.shape
    assert m > D
    if D == 0:
        c = np.zeros(m)
        c[0] = 1.0
        return c
    last = V[-1]
    j = int(np.argmax(np.abs(last)))  # largest pivot, for numerical stability
    if last[j] == 0.0:  # every vector lies in R^(D-1) x {0}
        return dependence_coefficients(V[:-1])
    others = [i for i in range(m) if i != j]
    U = V[:, others] - np.outer(V[:, j], last[others] / last[j])  # last row is now zero
    c_others = dependence_coefficients(U[:-1])
    c = np.zeros(m)
    c[others] = c_others
    c[j] = -(c_others @ last[others]) / last[j]
    return c


@st.composite
def too_many_vectors(draw):
    D = draw(st.integers(1, 6))
    m = draw(st.integers(D + 1, D + 4))
    V = draw(arrays(np.float64, (D, m), elements=finite))
    return V


@settings(max_examples=300, deadline=None)
@given(too_many_vectors())
def test_more_than_D_vectors_are_dependent(V):
    c = dependence_coefficients(V)
    assert np.max(np.abs(c)) > 0  # a nontrivial combination ...
    c = c / np.max(np.abs(c))
    scale = np.abs(V).sum() + 1.0
    np.testing.assert_allclose(V @ c, 0.0, atol=1e-9 * scale)  # ... that vanishes


@settings(max_examples=200, deadline=None)
@given(st.integers(1, 6), st.integers(0, 2**16))
def test_coordinates_in_a_basis_are_unique(D, seed):
    rng = np.random.default_rng(seed)
    B = rng.normal(size=(D, D)) + 3 * np.eye(D)  # columns b_1, ..., b_D
    assume(np.linalg.cond(B) < 1e6)  # a (numerically) invertible matrix: a basis of R^D
    c = rng.normal(size=D)
    v = B @ c
    # existence: solving B c = v recovers the coordinates we started from ...
    np.testing.assert_allclose(np.linalg.solve(B, v), c, rtol=1e-8, atol=1e-8)
    # ... uniqueness: another coordinate vector gives a different vector
    c2 = c + rng.normal(size=D)
    assert not np.allclose(B @ c2, v, atol=1e-10 * (np.abs(B).sum() + 1))


@settings(max_examples=100, deadline=None)
@given(st.integers(1, 6), st.integers(0, 2**16))
def test_a_basis_of_RD_has_D_vectors(D, seed):
    # D random vectors in R^D are a basis (with probability one), D - 1 never span R^D:
    # some standard basis vector e_d is not a combination of them (positive residual).
    rng = np.random.default_rng(seed)
    B = rng.normal(size=(D, D))
    assume(np.linalg.cond(B) < 1e6)
    assert np.linalg.matrix_rank(B) == D
    if D >= 2:
        fewer = B[:, :-1]
        residuals = [np.linalg.norm(fewer @ np.linalg.lstsq(fewer, e, rcond=None)[0] - e) for e in np.eye(D)]
        assert max(residuals) > 1e-6


def smallest_gain(A: np.ndarray) -> float:
    """min over unit vectors c of ||A c||: the smallest singular value (A has N >= K)."""
    return float(np.linalg.svd(A, compute_uv=False)[-1])


@settings(max_examples=200, deadline=None)
@given(st.integers(2, 8), st.integers(1, 5), st.integers(0, 2**16))
def test_dependent_columns_have_zero_smallest_gain(extra_rows, K, seed):
    rng = np.random.default_rng(seed)
    N = K + extra_rows
    A = rng.normal(size=(N, K))
    # make the last column a combination of the others (or zero when K = 1)
    coeffs = rng.normal(size=K - 1)
    A[:, -1] = A[:, :-1] @ coeffs
    assert smallest_gain(A) <= 1e-12 * (np.abs(A).max() + 1) * N
    assert np.linalg.matrix_rank(A) == K - 1


@settings(max_examples=200, deadline=None)
@given(st.integers(0, 6), st.integers(1, 5), st.integers(0, 2**16))
def test_independent_columns_have_positive_smallest_gain(extra_rows, K, seed):
    rng = np.random.default_rng(seed)
    A = rng.normal(size=(K + extra_rows, K))
    sigma_min = smallest_gain(A)
    assume(sigma_min > 1e-6)  # independent columns (probability one for Gaussian entries)
    assert np.linalg.matrix_rank(A) == K
    # sigma_min is the minimum of ||A c|| over unit c: random unit vectors never go below it
    C = rng.normal(size=(K, 500))
    C /= np.linalg.norm(C, axis=0)
    assert np.min(np.linalg.norm(A @ C, axis=0)) >= sigma_min * (1 - 1e-10)
    # ... and the last right singular vector attains it
    v = np.linalg.svd(A)[2][-1]
    assert np.linalg.norm(A @ v) == pytest.approx(sigma_min, rel=1e-8, abs=1e-12)


@st.composite
def distinct_nodes(draw):
    """p and p + 1 distinct points in [-1, 1], at least 0.1 apart (well conditioned)."""
    p = draw(st.integers(0, 6))
    grid = draw(st.lists(st.integers(-10, 10), min_size=p + 1, max_size=p + 1, unique=True))
    return p, np.array(grid, dtype=float) / 10.0


@settings(max_examples=300, deadline=None)
@given(distinct_nodes(), arrays(np.float64, 7, elements=finite))
def test_polynomial_through_p_plus_1_points_is_unique(case, values):
    p, t = case
    y = values[: p + 1]
    V = polynomial_features(t, p)  # square Vandermonde matrix, (p + 1) x (p + 1)
    assert np.linalg.matrix_rank(V) == p + 1  # monomials independent on the nodes
    c = np.linalg.solve(V, y)
    np.testing.assert_allclose(V @ c, y, atol=1e-8 * (np.abs(y).max() + 1))
    # the only polynomial of degree <= p vanishing at p + 1 distinct points is zero
    np.testing.assert_allclose(np.linalg.solve(V, np.zeros(p + 1)), 0.0, atol=0)


@settings(max_examples=200, deadline=None)
@given(st.integers(1, 6), arrays(np.float64, 6, elements=st.floats(-1.0, 1.0)))
def test_a_nonzero_polynomial_of_degree_p_has_at_most_p_roots(p, raw_roots):
    # (t - r_1) ... (t - r_p) has degree p and vanishes at r_1..r_p; on any further point
    # distinct from them it is nonzero, so it cannot vanish at p + 1 distinct points.
    roots = raw_roots[:p]
    coeffs = np.polynomial.polynomial.polyfromroots(roots)  # increasing powers
    extra = 1.5  # outside [-1, 1], hence distinct from every root
    assert abs(np.polynomial.polynomial.polyval(extra, coeffs)) > 0
    np.testing.assert_allclose(np.polynomial.polynomial.polyval(roots, coeffs), 0.0, atol=1e-9)


@settings(max_examples=200, deadline=None)
@given(st.integers(1, 20), st.integers(1, 6), st.integers(0, 2**16), finite, finite)
def test_linear_model_is_linear_in_w(N, K, seed, a, b):
    rng = np.random.default_rng(seed)
    Phi = rng.normal(size=(N, K))
    u, v = rng.normal(size=(2, K))
    np.testing.assert_allclose(Phi @ (a * u + b * v), a * (Phi @ u) + b * (Phi @ v), rtol=1e-12, atol=1e-11)
    np.testing.assert_array_equal(Phi @ np.zeros(K), np.zeros(N))  # 0 maps to the zero function


@settings(max_examples=200, deadline=None)
@given(st.integers(1, 8), st.integers(1, 5), st.integers(1, 4), st.integers(0, 2**16))
def test_combinations_of_combinations_stay_in_the_span(D, K, M, seed):
    # Each column of A @ C is a combination of the columns of A; so is any combination of them.
    rng = np.random.default_rng(seed)
    A, C, d = rng.normal(size=(D, K)), rng.normal(size=(K, M)), rng.normal(size=M)
    np.testing.assert_allclose((A @ C) @ d, A @ (C @ d), rtol=1e-10, atol=1e-10)


@settings(max_examples=200, deadline=None)
@given(st.integers(2, 10), st.integers(0, 2**16), st.floats(-5.0, 5.0))
def test_probability_vectors_are_not_a_vector_space(D, seed, a):
    rng = np.random.default_rng(seed)
    p, q = rng.dirichlet(np.ones(D), size=2)
    assert (p + q).sum() == pytest.approx(2.0)  # the sum leaves the set
    assume(abs(a - 1.0) > 1e-3)
    assert (a * p).sum() != pytest.approx(1.0)  # so does every rescaling other than a = 1
    assert np.zeros(D).sum() != 1.0  # and the zero vector was never in it


@settings(max_examples=200, deadline=None)
@given(finite, finite, st.floats(1.0, 180.0), st.integers(0, 2**16))
def test_second_difference_separates_affine_from_linear_and_from_curved(a, b, s, seed):
    """The page's check: g(0) = 0 tells linear from affine; g(2s) - 2 g(s) + g(0) = 0 tells
    affine from curved. A straight line built with polynomial_features (scaled to [-1, 1])
    passes the second test whatever its intercept; a curved Fourier model fails it."""
    days = np.array([0.0, s, 2 * s])
    line = polynomial_features(days, 1, scale=(0, 365)) @ np.array([a, b])
    scale = abs(a) + abs(b) + 1.0
    assert abs(line[2] - 2 * line[1] + line[0]) <= 1e-12 * scale
    assert line[0] == pytest.approx(a - b, abs=1e-12 * scale)   # day 0 is s = -1: g(0) = a - b
    # a Fourier model's second difference is that of its cosine and sine, not zero in general
    w = np.random.default_rng(seed).normal(size=3)
    Phi = fourier_features(days, n_harmonics=1, period=365.25)   # columns 1, cos, sin
    curve = Phi @ w
    omega = 2 * np.pi / 365.25
    expected = (w[1] * (np.cos(2 * omega * s) - 2 * np.cos(omega * s) + 1)
                + w[2] * (np.sin(2 * omega * s) - 2 * np.sin(omega * s)))
    assert curve[2] - 2 * curve[1] + curve[0] == pytest.approx(expected, abs=1e-12)
