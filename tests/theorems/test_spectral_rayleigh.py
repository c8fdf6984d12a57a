"""Tests of the results stated in book/spectral/rayleigh.md.

- thm-rayleigh-bounds: lambda_min <= R_A(x) <= lambda_max for random symmetric A and random x,
  with equality at the extreme eigenvectors; R_A is scale invariant and equals the weighted
  average eq-rayleigh-average of the eigenvalues.
- prop-rayleigh-stationary: the gradient formula against autograd, and a zero gradient exactly at
  eigenvectors.
- lem-rayleigh-intersect: two random subspaces whose dimensions add up to more than D meet in a
  nonzero vector (found from the null space of [U, -V]).
- thm-rayleigh-courant-fischer on random symmetric matrices and random subspaces: every
  k-dimensional subspace has max R >= lambda_k and every (D-k+1)-dimensional one has
  min R <= lambda_k, with equality on the spans of eigenvectors. The max and min of R over a
  subspace with orthonormal basis B are the extreme eigenvalues of B^T A B (thm-rayleigh-bounds
  applied to B^T A B), which is how the page computes them too.
- cor-rayleigh-weyl: lambda_k(A) + lambda_min(E) <= lambda_k(A + E) <= lambda_k(A) + lambda_max(E),
  and monotonicity under A <= B.
- prop-rayleigh-random: the mean of R over uniform random unit vectors is tr(A)/D, tested with a
  fixed seed at five standard errors, from the exact variance 2(D tr(A^2) - tr(A)^2)/(D^2 (D+2)).
- ex-rayleigh-1 (interlacing for a principal submatrix) and ex-rayleigh-3 (second-order accuracy
  of the Rayleigh quotient near an eigenvector).

Tolerances: 100 * D * eps * ||A||_F, a modest multiple of the rounding in eigvalsh and in a
quadratic form of D^2 terms.
"""

from __future__ import annotations

import autograd
import autograd.numpy as anp
import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

EPS = np.finfo(float).eps
seeds = st.integers(0, 2**32 - 1)
dims = st.integers(1, 9)


def random_symmetric(rng, D):
    B = rng.normal(size=(D, D)) * 10.0 ** rng.integers(-2, 3)
    return (B + B.T) / 2


def tol(A):
    return 100 * len(A) * EPS * max(np.linalg.norm(A), 1e-300)


def rayleigh(A, x):
    return x @ A @ x / (x @ x)


def orthonormal_basis(rng, D, k):
    return np.linalg.qr(rng.normal(size=(D, k)))[0]


@settings(max_examples=200, deadline=None)
@given(seeds, dims)
def test_rayleigh_bounds_and_equality(seed, D):
    rng = np.random.default_rng(seed)
    A = random_symmetric(rng, D)
    lam, Q = np.linalg.eigh(A)
    X = rng.normal(size=(50, D))
    R = np.array([rayleigh(A, x) for x in X])
    assert np.all(lam[0] - tol(A) <= R) and np.all(R <= lam[-1] + tol(A))
    # scale invariance and the weighted average eq-rayleigh-average
    np.testing.assert_allclose([rayleigh(A, -3.5 * x) for x in X], R, atol=tol(A))
    C = X @ Q                                        # coordinates c_d = q_d^T x
    W = C**2 / np.sum(C**2, axis=1, keepdims=True)
    np.testing.assert_allclose(W @ lam, R, atol=tol(A))
    # equality at the extreme eigenvectors
    assert abs(rayleigh(A, Q[:, -1]) - lam[-1]) <= tol(A)
    assert abs(rayleigh(A, Q[:, 0]) - lam[0]) <= tol(A)


@settings(max_examples=100, deadline=None)
@given(seeds, st.integers(2, 6))
def test_gradient_of_the_rayleigh_quotient(seed, D):
    """prop-rayleigh-stationary: the formula against autograd; zero exactly at eigenvectors."""
    rng = np.random.default_rng(seed)
    A = random_symmetric(rng, D)

    def R(x):
        return anp.dot(x, anp.dot(A, x)) / anp.dot(x, x)

    def formula(x):
        return 2 / (x @ x) * (A @ x - rayleigh(A, x) * x)

    x = rng.normal(size=D)
    np.testing.assert_allclose(autograd.grad(R)(x), formula(x), rtol=1e-10, atol=tol(A))
    lam, Q = np.linalg.eigh(A)
    for d in range(D):
        assert np.linalg.norm(formula(Q[:, d])) <= 2 * tol(A)
    # away from an eigenvector the gradient is not zero: ||grad|| = 2 ||A x - R x|| for unit x
    x /= np.linalg.norm(x)
    residual = np.linalg.norm(A @ x - rayleigh(A, x) * x)
    np.testing.assert_allclose(np.linalg.norm(formula(x)), 2 * residual, rtol=1e-12)


@settings(max_examples=100, deadline=None)
@given(seeds, st.integers(2, 8), st.data())
def test_large_subspaces_intersect(seed, D, data):
    """lem-rayleigh-intersect."""
    k = data.draw(st.integers(1, D))
    m = data.draw(st.integers(D - k + 1, D))
    rng = np.random.default_rng(seed)
    U, V = orthonormal_basis(rng, D, k), orthonormal_basis(rng, D, m)
    _, _, Vt = np.linalg.svd(np.hstack([U, -V]))
    coef = Vt[-1]                                   # [U, -V] has more columns than rows
    x = U @ coef[:k]
    np.testing.assert_allclose(x, V @ coef[k:], atol=1e-12)
    # x != 0: the columns of U are orthonormal, so ||x|| = ||a||, and a = 0 would force b = 0
    assert np.linalg.norm(x) > 0.1


@settings(max_examples=200, deadline=None)
@given(seeds, dims, st.data())
def test_courant_fischer(seed, D, data):
    """thm-rayleigh-courant-fischer on random subspaces, and equality on eigenvector spans."""
    k = data.draw(st.integers(1, D))                # 1-based index of lambda_k
    rng = np.random.default_rng(seed)
    A = random_symmetric(rng, D)
    lam, Q = np.linalg.eigh(A)
    t = tol(A)
    for _ in range(20):
        B = orthonormal_basis(rng, D, k)             # a random k-dimensional subspace
        assert np.linalg.eigvalsh(B.T @ A @ B)[-1] >= lam[k - 1] - t
        C = orthonormal_basis(rng, D, D - k + 1)     # a random (D-k+1)-dimensional subspace
        assert np.linalg.eigvalsh(C.T @ A @ C)[0] <= lam[k - 1] + t
    # the optimal subspaces
    low, high = Q[:, :k], Q[:, k - 1:]
    assert abs(np.linalg.eigvalsh(low.T @ A @ low)[-1] - lam[k - 1]) <= t
    assert abs(np.linalg.eigvalsh(high.T @ A @ high)[0] - lam[k - 1]) <= t


@settings(max_examples=200, deadline=None)
@given(seeds, dims)
def test_weyl_inequalities(seed, D):
    """cor-rayleigh-weyl, and monotonicity: A <= A + P for P positive semi-definite."""
    rng = np.random.default_rng(seed)
    A, E = random_symmetric(rng, D), random_symmetric(rng, D)
    lam_A, lam_E, lam_AE = (np.linalg.eigvalsh(M) for M in (A, E, A + E))
    t = tol(A) + tol(E)
    assert np.all(lam_A + lam_E[0] - t <= lam_AE) and np.all(lam_AE <= lam_A + lam_E[-1] + t)
    G = rng.normal(size=(D, D))
    P = G @ G.T
    assert np.all(lam_A <= np.linalg.eigvalsh(A + P) + t + tol(P))


@settings(max_examples=50, deadline=None)
@given(seeds, st.integers(2, 20))
def test_mean_rayleigh_quotient_of_a_random_direction(seed, D):
    """prop-rayleigh-random: E[u^T A u] = tr(A) / D for u uniform on the sphere."""
    rng = np.random.default_rng(seed)
    A = random_symmetric(rng, D)
    M = 4000
    U = rng.normal(size=(M, D))
    U /= np.linalg.norm(U, axis=1, keepdims=True)
    R = np.sum((U @ A) * U, axis=1)
    var = 2 * (D * np.trace(A @ A) - np.trace(A) ** 2) / (D**2 * (D + 2))
    assert abs(R.mean() - np.trace(A) / D) <= 5 * np.sqrt(var / M) + tol(A)
    # the sample variance agrees with the exact one (a loose check of the formula used above)
    assert abs(R.var() - var) <= 0.25 * var + tol(A) ** 2


@settings(max_examples=100, deadline=None)
@given(seeds, st.integers(2, 8), st.data())
def test_interlacing_for_a_principal_submatrix(seed, D, data):
    """ex-rayleigh-1: lambda_k(A) <= lambda_k(B) <= lambda_{k+D-m}(A) for any m rows/columns."""
    m = data.draw(st.integers(1, D))
    rng = np.random.default_rng(seed)
    A = random_symmetric(rng, D)
    keep = np.sort(rng.choice(D, size=m, replace=False))
    lam_A = np.linalg.eigvalsh(A)
    lam_B = np.linalg.eigvalsh(A[np.ix_(keep, keep)])
    t = tol(A)
    assert np.all(lam_A[:m] <= lam_B + t) and np.all(lam_B <= lam_A[D - m:] + t)


@settings(max_examples=100, deadline=None)
@given(seeds, st.integers(2, 8))
def test_rayleigh_quotient_error_is_second_order(seed, D):
    """ex-rayleigh-3: R(q + eps e) - lambda = eps^2 (e^T A e - lambda) / (1 + eps^2)."""
    rng = np.random.default_rng(seed)
    A = random_symmetric(rng, D)
    lam, Q = np.linalg.eigh(A)
    d = rng.integers(D)
    q = Q[:, d]
    e = rng.normal(size=D)
    e -= (e @ q) * q
    e /= np.linalg.norm(e)
    for eps in (1e-1, 1e-2, 1e-3):
        error = rayleigh(A, q + eps * e) - lam[d]
        predicted = eps**2 * (e @ A @ e - lam[d]) / (1 + eps**2)
        assert abs(error - predicted) <= 10 * tol(A)
