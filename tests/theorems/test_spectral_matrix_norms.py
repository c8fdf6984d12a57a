"""Property tests of the theorems stated in book/spectral/matrix_norms.md.

- thm-matrix-norms-spectral: ||A||_2 = sqrt(lambda_max(A^T A)) = sigma_max, no unit vector is
  stretched more, and the top eigenvector of A^T A attains it.
- eq-matrix-norms-f2: ||A||_2 <= ||A||_F <= sqrt(rank A) ||A||_2, and ||A||_F^2 = sum sigma_i^2.
- thm-matrix-norms-one-inf: ||A||_1 and ||A||_inf are the largest absolute column and row sums,
  attained at a basis vector and at a sign vector.
- thm-matrix-norms-submultiplicative: ||AB|| <= ||A|| ||B|| in the 1-, 2-, inf- and Frobenius norms.
- def-matrix-norms-condition: kappa(A) = ||A||_2 ||A^-1||_2 = sigma_max / sigma_min >= 1.
- thm-matrix-norms-perturb-b and thm-matrix-norms-perturb-A: the perturbation bounds, and the
  first one attained by b along the top and delta b along the bottom singular direction.
"""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

finite = st.floats(-10, 10, allow_nan=False, allow_infinity=False)
dims = st.integers(1, 7)
matrices = st.tuples(dims, dims).flatmap(lambda s: arrays(np.float64, s, elements=finite))
seeds = st.integers(0, 2**32 - 1)


def _well_conditioned(D, seed, kappa_max=1e6):
    """A random D x D matrix with prescribed singular values in [1, kappa_max]."""
    rng = np.random.default_rng(seed)
    U, _ = np.linalg.qr(rng.normal(size=(D, D)))
    V, _ = np.linalg.qr(rng.normal(size=(D, D)))
    s = np.exp(rng.uniform(0, np.log(kappa_max), size=D))
    return (U * s) @ V.T


@settings(max_examples=200, deadline=None)
@given(matrices, seeds)
def test_spectral_norm_is_the_largest_singular_value(A, seed):
    lam, Q = np.linalg.eigh(A.T @ A)
    s = np.linalg.svd(A, compute_uv=False)
    scale = max(np.abs(A).max(), 1.0)
    two = np.linalg.norm(A, 2)
    assert abs(two - s[0]) <= 1e-10 * scale
    assert abs(two**2 - lam[-1]) <= 1e-10 * scale**2 * A.size
    # the top eigenvector of A^T A attains the maximum
    assert abs(np.linalg.norm(A @ Q[:, -1]) - two) <= 1e-7 * scale * A.size
    # no random unit vector is stretched more
    X = np.random.default_rng(seed).normal(size=(A.shape[1], 50))
    X /= np.linalg.norm(X, axis=0)
    assert np.all(np.linalg.norm(A @ X, axis=0) <= two * (1 + 1e-12) + 1e-12)


@settings(max_examples=200, deadline=None)
@given(matrices)
def test_frobenius_between_spectral_and_sqrt_rank_spectral(A):
    s = np.linalg.svd(A, compute_uv=False)
    fro, two = np.linalg.norm(A), np.linalg.norm(A, 2)
    np.testing.assert_allclose(fro**2, np.sum(s**2), rtol=1e-10, atol=1e-10)
    np.testing.assert_allclose(fro**2, np.trace(A.T @ A), rtol=1e-10, atol=1e-10)
    r = np.linalg.matrix_rank(A)
    assert two <= fro * (1 + 1e-12) + 1e-12
    assert fro <= np.sqrt(r) * two * (1 + 1e-10) + 1e-12


@settings(max_examples=200, deadline=None)
@given(matrices, seeds)
def test_one_and_inf_norms_are_column_and_row_sums(A, seed):
    col, row = np.abs(A).sum(axis=0), np.abs(A).sum(axis=1)
    assert np.isclose(np.linalg.norm(A, 1), col.max())
    assert np.isclose(np.linalg.norm(A, np.inf), row.max())
    # attained: a basis vector for the 1-norm, a sign vector for the inf-norm
    j, i = np.argmax(col), np.argmax(row)
    assert np.isclose(np.abs(A[:, j]).sum(), col.max())
    signs = np.where(A[i] >= 0, 1.0, -1.0)
    assert np.isclose(np.abs(A @ signs).max(), row.max())
    # no random vector does better
    X = np.random.default_rng(seed).normal(size=(A.shape[1], 50))
    ratio_1 = np.abs(A @ X).sum(axis=0) / np.abs(X).sum(axis=0)
    ratio_inf = np.abs(A @ X).max(axis=0) / np.abs(X).max(axis=0)
    assert np.all(ratio_1 <= col.max() * (1 + 1e-12) + 1e-12)
    assert np.all(ratio_inf <= row.max() * (1 + 1e-12) + 1e-12)


@st.composite
def product_pairs(draw):
    n, m, d = draw(dims), draw(dims), draw(dims)
    A = draw(arrays(np.float64, (n, m), elements=finite))
    B = draw(arrays(np.float64, (m, d), elements=finite))
    return A, B


@settings(max_examples=300, deadline=None)
@given(product_pairs())
def test_submultiplicativity(pair):
    A, B = pair
    for order in (1, 2, np.inf, "fro"):
        lhs = np.linalg.norm(A @ B, order)
        rhs = np.linalg.norm(A, order) * np.linalg.norm(B, order)
        assert lhs <= rhs * (1 + 1e-10) + 1e-10, order


@settings(max_examples=200, deadline=None)
@given(st.integers(1, 8), seeds)
def test_condition_number_is_the_ratio_of_singular_values(D, seed):
    A = _well_conditioned(D, seed)
    s = np.linalg.svd(A, compute_uv=False)
    kappa = np.linalg.norm(A, 2) * np.linalg.norm(np.linalg.inv(A), 2)
    # inv(A) carries a relative error of order kappa * eps
    np.testing.assert_allclose(kappa, s[0] / s[-1], rtol=1e-6)
    np.testing.assert_allclose(np.linalg.cond(A), s[0] / s[-1], rtol=1e-6)
    assert kappa >= 1 - 1e-9


@settings(max_examples=300, deadline=None)
@given(st.integers(1, 8), seeds, st.floats(1e-8, 1e-2))
def test_perturbing_b_is_bounded_by_kappa(D, seed, size):
    rng = np.random.default_rng(seed)
    A = _well_conditioned(D, seed, kappa_max=1e4)
    b = rng.normal(size=D)
    db = size * rng.normal(size=D)
    x, dx = np.linalg.solve(A, b), np.linalg.solve(A, db)     # A dx = db by linearity
    kappa = np.linalg.cond(A)
    lhs = np.linalg.norm(dx) / np.linalg.norm(x)
    rhs = kappa * np.linalg.norm(db) / np.linalg.norm(b)
    # each solve carries a relative error of order kappa * eps <= 1e-12
    assert lhs <= rhs * (1 + 1e-9)


@settings(max_examples=200, deadline=None)
@given(st.integers(2, 8), seeds)
def test_perturbation_bound_for_b_is_attained(D, seed):
    A = _well_conditioned(D, seed, kappa_max=1e4)
    U, s, Vt = np.linalg.svd(A)
    b, db = U[:, 0], 1e-6 * U[:, -1]            # x along v_1, dx along v_D
    x, dx = np.linalg.solve(A, b), np.linalg.solve(A, db)
    amplification = (np.linalg.norm(dx) / np.linalg.norm(x)) / (np.linalg.norm(db) / np.linalg.norm(b))
    np.testing.assert_allclose(amplification, s[0] / s[-1], rtol=1e-8)


@settings(max_examples=300, deadline=None)
@given(st.integers(1, 8), seeds, st.floats(1e-10, 1e-3))
def test_perturbing_A_is_bounded_by_kappa(D, seed, size):
    rng = np.random.default_rng(seed)
    A = _well_conditioned(D, seed, kappa_max=1e3)
    b = rng.normal(size=D)
    dA = size * np.linalg.norm(A, 2) * rng.normal(size=(D, D)) / np.sqrt(D)
    x = np.linalg.solve(A, b)
    x_new = np.linalg.solve(A + dA, b)
    dx = x_new - x
    kappa, eps = np.linalg.cond(A), np.linalg.norm(dA, 2) / np.linalg.norm(A, 2)
    # rounding in the two solves adds about kappa * 1e-16 relative error
    slack = 1e-11 * np.linalg.norm(x)
    assert np.linalg.norm(dx) <= kappa * eps * np.linalg.norm(x_new) * (1 + 1e-8) + slack
    if kappa * eps < 1:
        assert np.linalg.norm(dx) <= kappa * eps / (1 - kappa * eps) * np.linalg.norm(x) * (1 + 1e-8) + slack
