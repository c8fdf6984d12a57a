"""Tests of the results stated in book/spectral/psd.md.

- thm-psd-characterisations: for A = B^T B (random B, full rank or with dependent columns) the
  quadratic form is non-negative, the eigenvalues are non-negative, and B = Lambda^(1/2) Q^T from
  the proof reproduces A; a positive definite A has a positive quadratic form at every random x
  and positive eigenvalues; a symmetric matrix with a negative eigenvalue has a negative form
  along its eigenvector.
- thm-psd-gram: Gram matrices B^T B and B B^T are positive semi-definite, and B^T B is definite
  if and only if rank B = D; a covariance matrix is positive semi-definite, with a zero
  eigenvalue whenever N <= D (rank of the centred data at most N - 1).
- thm-psd-shift: the eigenvalues of A + eps I are those of A plus eps, the smallest at least
  eps, Cholesky succeeds, and kappa(A + eps I) <= 1 + lambda_max / eps.
- thm-psd-cholesky: np.linalg.cholesky returns a lower triangular L with a positive diagonal and
  L L^T = A; the recursive algorithm of the proof (implemented below) returns the same L, as
  uniqueness says; the Schur complement is positive definite; Cholesky fails on indefinite
  matrices.
- thm-psd-ellipsoid: the points Q Lambda^(-1/2) u, |u| = 1, satisfy x^T A x = 1, and the
  half-axes q_d / sqrt(lambda_d) are the points of the ellipsoid farthest from and closest to 0.

Tolerances: a modest multiple of D * eps times the size of the matrix, the rounding in a
quadratic form, an eigenvalue or a Cholesky factor computed by backward stable algorithms.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

EPS = np.finfo(float).eps
seeds = st.integers(0, 2**32 - 1)
dims = st.integers(1, 8)


def tol(A):
    return 100 * len(A) * EPS * max(np.linalg.norm(A), 1e-300)


def gram(rng, N, D, rank=None):
    """B^T B for a random N x D matrix B of the given rank (default: full)."""
    rank = min(N, D) if rank is None else rank
    B = rng.normal(size=(N, rank)) @ rng.normal(size=(rank, D))
    return B, B.T @ B


def cholesky_by_the_proof(A):
    """The recursion of the proof of thm-psd-cholesky: l = sqrt(a), m = b / l, recurse on the
    Schur complement C - b b^T / a. Raises ValueError on a non-positive pivot."""
    a = A[0, 0]
    if a <= 0:
        raise ValueError("not positive definite")
    root = np.sqrt(a)
    L = np.zeros_like(A)
    L[0, 0] = root
    if len(A) > 1:
        b = A[1:, 0]
        L[1:, 0] = b / root
        L[1:, 1:] = cholesky_by_the_proof(A[1:, 1:] - np.outer(b, b) / a)
    return L


@settings(max_examples=200, deadline=None)
@given(seeds, st.integers(1, 10), dims, st.data())
def test_gram_matrices_are_positive_semidefinite(seed, N, D, data):
    """thm-psd-gram part 1 and thm-psd-characterisations 1 <=> 2 <=> 3."""
    rank = data.draw(st.integers(0, min(N, D)))
    rng = np.random.default_rng(seed)
    B, A = gram(rng, N, D, rank)
    t = tol(A)
    X = rng.normal(size=(50, D))
    quad = np.einsum("nd,de,ne->n", X, A, X)
    np.testing.assert_allclose(quad, np.sum((X @ B.T) ** 2, axis=1), atol=t * 10)   # ||Bx||^2
    assert np.all(quad >= -t * np.sum(X**2, axis=1))
    lam, Q = np.linalg.eigh(A)
    assert lam[0] >= -t
    # 2 => 3: B' = Lambda^(1/2) Q^T reproduces A
    B2 = np.sqrt(np.clip(lam, 0, None))[:, None] * Q.T
    assert np.abs(B2.T @ B2 - A).max() <= 2 * t
    # the other Gram matrix B B^T is positive semi-definite too
    G = B @ B.T
    assert np.linalg.eigvalsh(G)[0] >= -tol(G)
    # definite if and only if rank B = D
    if rank == D:
        assert lam[0] > 0
        np.linalg.cholesky(A)
    else:
        assert abs(lam[0]) <= t
        # a null vector of B gives a zero quadratic form
        _, _, Vt = np.linalg.svd(B)
        x = Vt[-1]
        assert abs(x @ A @ x) <= t


@settings(max_examples=200, deadline=None)
@given(seeds, dims)
def test_characterisations_of_definiteness(seed, D):
    """thm-psd-characterisations, second list, and an indefinite matrix for contrast."""
    rng = np.random.default_rng(seed)
    Q = np.linalg.qr(rng.normal(size=(D, D)))[0]
    lam = rng.uniform(0.1, 10, size=D)
    A = (Q * lam) @ Q.T
    A = (A + A.T) / 2
    X = rng.normal(size=(50, D))
    quad = np.einsum("nd,de,ne->n", X, A, X)
    # x^T A x >= lambda_min ||x||^2 (thm-rayleigh-bounds)
    assert np.all(quad >= lam.min() * np.sum(X**2, axis=1) * (1 - 1e-10))
    L = np.linalg.cholesky(A)                        # B = L^T has independent columns
    np.testing.assert_allclose(L @ L.T, A, atol=tol(A))
    # flip the sign of one eigenvalue: the form is negative along its eigenvector
    lam[0] = -lam[0]
    M = (Q * lam) @ Q.T
    M = (M + M.T) / 2
    assert Q[:, 0] @ M @ Q[:, 0] < 0
    with pytest.raises(np.linalg.LinAlgError):
        np.linalg.cholesky(M)


@settings(max_examples=200, deadline=None)
@given(seeds, st.integers(2, 12), st.integers(1, 8))
def test_covariance_matrices_are_positive_semidefinite(seed, N, D):
    """thm-psd-gram part 2: S >= 0, singular whenever N <= D."""
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(N, D)) * 10.0 ** rng.uniform(-2, 2, size=D) + rng.normal(size=D)
    Xc = X - X.mean(axis=0)
    S = Xc.T @ Xc / N
    lam = np.linalg.eigvalsh(S)
    assert lam[0] >= -tol(S)
    # the rows of the centred data add up to 0, so their rank is at most N - 1 (up to the
    # rounding of the centring, eps times the size of the raw entries)
    assert np.abs(Xc.sum(axis=0)).max() <= 10 * N * EPS * np.abs(X).max()
    if N <= D:
        assert abs(lam[0]) <= tol(S)


@settings(max_examples=200, deadline=None)
@given(seeds, st.integers(1, 10), dims, st.floats(1e-6, 1e3))
def test_shift_by_epsilon_is_positive_definite(seed, N, D, eps):
    """thm-psd-shift on Gram matrices of any rank, singular ones included."""
    rng = np.random.default_rng(seed)
    _, A = gram(rng, N, D, rank=rng.integers(0, min(N, D) + 1))
    scale = max(np.linalg.norm(A), 1.0)
    eps = eps * scale * 1e-3                        # from 1e-9 to 1 times the size of A
    lam = np.linalg.eigvalsh(A)
    lam_shift = np.linalg.eigvalsh(A + eps * np.eye(D))
    np.testing.assert_allclose(lam_shift, lam + eps, atol=2 * tol(A) + 100 * EPS * eps)
    assert lam_shift[0] >= eps - tol(A) - 100 * EPS * eps  # rounding of the shifted matrix too
    np.linalg.cholesky(A + eps * np.eye(D))
    kappa = lam_shift[-1] / lam_shift[0]
    t = 2 * tol(A) + 100 * EPS * eps                  # rounding in both eigenvalues
    assert kappa <= (eps + lam[-1] + t) / (eps - t)   # 1 + lambda_max / eps, up to rounding


@settings(max_examples=200, deadline=None)
@given(seeds, dims)
def test_cholesky_exists_and_is_unique(seed, D):
    """thm-psd-cholesky: NumPy's factor, the proof's recursion, and the Schur complement."""
    rng = np.random.default_rng(seed)
    _, A = gram(rng, D + 3, D)
    A = A + 1e-3 * np.trace(A) / D * np.eye(D)     # comfortably positive definite
    L = np.linalg.cholesky(A)
    np.testing.assert_array_equal(L, np.tril(L))
    assert np.all(np.diag(L) > 0)
    np.testing.assert_allclose(L @ L.T, A, atol=tol(A))
    # uniqueness: a different algorithm, the recursion of the proof, finds the same factor
    # A is well conditioned (the shift), so the two factors agree far beyond this tolerance
    np.testing.assert_allclose(cholesky_by_the_proof(A), L, atol=1e-9 * np.linalg.norm(L))
    if D > 1:
        schur = A[1:, 1:] - np.outer(A[1:, 0], A[1:, 0]) / A[0, 0]
        assert np.linalg.eigvalsh(schur)[0] > 0


def test_cholesky_by_the_proof_rejects_an_indefinite_matrix():
    """The page's 5/3 J - I (ex-hessian-4 and ex-psd-3): positive entries, not definite."""
    M = 5 / 3 * np.ones((3, 3)) - np.eye(3)
    with pytest.raises(ValueError, match="not positive definite"):
        cholesky_by_the_proof(M)
    with pytest.raises(np.linalg.LinAlgError):
        np.linalg.cholesky(M)


@settings(max_examples=200, deadline=None)
@given(seeds, st.integers(2, 6))
def test_ellipsoid_of_a_positive_definite_matrix(seed, D):
    """thm-psd-ellipsoid: the parametrisation, and the half-axes as extreme distances."""
    rng = np.random.default_rng(seed)
    Q = np.linalg.qr(rng.normal(size=(D, D)))[0]
    lam = rng.uniform(0.1, 10, size=D)
    A = (Q * lam) @ Q.T
    U = rng.normal(size=(500, D))
    U /= np.linalg.norm(U, axis=1, keepdims=True)
    P = U @ (Q / np.sqrt(lam)).T                    # rows: Q Lambda^(-1/2) u
    np.testing.assert_allclose(np.einsum("nd,de,ne->n", P, A, P), 1.0, rtol=1e-12)
    radii = np.linalg.norm(P, axis=1)
    lo, hi = 1 / np.sqrt(lam.max()), 1 / np.sqrt(lam.min())
    assert np.all(radii >= lo * (1 - 1e-12)) and np.all(radii <= hi * (1 + 1e-12))
    for d in range(D):                              # the half-axes lie on the ellipsoid
        x = Q[:, d] / np.sqrt(lam[d])
        assert abs(x @ A @ x - 1) <= 1e-12
