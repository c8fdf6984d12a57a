"""Tests of the results stated in book/spectral/symmetric.md.

- thm-symmetric-real: a general (non-symmetric) eigenvalue solver, which does not know that its
  input is symmetric, finds eigenvalues whose imaginary parts are at rounding level; by the
  Bauer-Fike theorem for the orthogonally diagonalisable A this bound holds even for repeated
  eigenvalues, so a larger imaginary part would contradict the theorem.
- thm-symmetric-orthogonal: eigenvectors computed one at a time, as null vectors of A - lambda I
  (no eigh involved), are orthogonal for well separated eigenvalues, up to rounding divided by
  the gap.
- thm-symmetric-spectral (the spectral theorem) on random symmetric matrices, with and without
  repeated eigenvalues: Q orthogonal, A = Q Lambda Q^T, A q_d = lambda_d q_d, the outer-product
  form eq-symmetric-outer, and the converse (Q Lambda Q^T is symmetric with eigenvalues Lambda).
- cor-symmetric-multiplicity: an eigenvalue of multiplicity m has an eigenspace of dimension m
  (rank of A - lambda I is D - m), and its projector does not depend on the basis chosen.
- The page's eig-versus-eigh example I + J: eigenvalues 1, 1, 4; eigh's basis is orthonormal.

Tolerances: LAPACK's symmetric eigensolver is backward stable, so its residuals are a modest
multiple of D * eps * ||A||; we allow 100 * D * eps * ||A||_F.
"""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

EPS = np.finfo(float).eps
seeds = st.integers(0, 2**32 - 1)
dims = st.integers(1, 9)


def random_symmetric(rng, D, scale=1.0):
    B = rng.normal(scale=scale, size=(D, D))
    return (B + B.T) / 2


def random_orthogonal(rng, D):
    Q, R = np.linalg.qr(rng.normal(size=(D, D)))
    return Q * np.sign(np.diag(R))          # a Haar-distributed orthogonal matrix


def tol(A):
    return 100 * len(A) * EPS * max(np.linalg.norm(A), 1e-300)


@st.composite
def symmetric_matrices(draw):
    """Random symmetric matrices: dense Gaussian ones, and Q diag(lam) Q^T with repeated lam."""
    rng = np.random.default_rng(draw(seeds))
    D = draw(dims)
    scale = 10.0 ** draw(st.integers(-3, 3))
    if draw(st.booleans()):
        return random_symmetric(rng, D, scale)
    values = rng.choice(rng.normal(size=3), size=D) * scale    # few distinct values: repeats
    Q = random_orthogonal(rng, D)
    A = (Q * values) @ Q.T
    return (A + A.T) / 2                      # exactly symmetric, as the theorem assumes


@settings(max_examples=200, deadline=None)
@given(symmetric_matrices())
def test_spectral_theorem(A):
    """thm-symmetric-spectral and eq-symmetric-outer."""
    D = len(A)
    lam, Q = np.linalg.eigh(A)
    assert np.all(np.diff(lam) >= 0)
    np.testing.assert_allclose(Q.T @ Q, np.eye(D), atol=100 * D * EPS)
    assert np.abs((Q * lam) @ Q.T - A).max() <= tol(A)
    assert np.abs(A @ Q - Q * lam).max() <= tol(A)            # A q_d = lambda_d q_d
    outer = sum(lam[d] * np.outer(Q[:, d], Q[:, d]) for d in range(D))
    assert np.abs(outer - A).max() <= tol(A)


@settings(max_examples=200, deadline=None)
@given(seeds, dims)
def test_converse_of_the_spectral_theorem(seed, D):
    """Q Lambda Q^T is symmetric, and its eigenvalues are the diagonal of Lambda."""
    rng = np.random.default_rng(seed)
    Q = random_orthogonal(rng, D)
    lam = np.sort(rng.normal(size=D))
    A = (Q * lam) @ Q.T
    assert np.abs(A - A.T).max() <= tol(A)
    # Weyl (cor-rayleigh-weyl): the rounding in forming A moves each eigenvalue by at most ||E||
    np.testing.assert_allclose(np.linalg.eigvalsh((A + A.T) / 2), lam, atol=2 * tol(A))


@settings(max_examples=200, deadline=None)
@given(symmetric_matrices())
def test_eigenvalues_of_a_symmetric_matrix_are_real(A):
    """thm-symmetric-real, seen through the general solver np.linalg.eigvals."""
    ev = np.linalg.eigvals(A)
    assert np.abs(np.imag(ev)).max() <= tol(A)
    np.testing.assert_allclose(np.sort(np.real(ev)), np.linalg.eigvalsh(A), atol=tol(A))


@settings(max_examples=100, deadline=None)
@given(seeds, st.integers(2, 7))
def test_eigenvectors_of_distinct_eigenvalues_are_orthogonal(seed, D):
    """thm-symmetric-orthogonal, with each eigenvector found on its own as a null vector."""
    rng = np.random.default_rng(seed)
    # eigenvalues 1, 2, ..., D: every gap is 1
    Q = random_orthogonal(rng, D)
    A = (Q * np.arange(1.0, D + 1)) @ Q.T
    A = (A + A.T) / 2
    vectors = []
    for lam in np.linalg.eigvals(A).real:
        _, _, Vt = np.linalg.svd(A - lam * np.eye(D))
        v = Vt[-1]                                   # a unit null vector of A - lambda I
        assert np.linalg.norm(A @ v - lam * v) <= tol(A)
        vectors.append(v)
    V = np.array(vectors)
    G = V @ V.T
    # perturbation theory: each computed vector is within O(tol / gap) of the true one (gap = 1)
    np.testing.assert_allclose(G, np.eye(D), atol=10 * tol(A))


@settings(max_examples=100, deadline=None)
@given(seeds, st.integers(2, 8), st.integers(1, 8))
def test_repeated_eigenvalue_has_a_full_eigenspace(seed, D, m):
    """cor-symmetric-multiplicity: dimension of the eigenspace = multiplicity; unique projector."""
    m = min(m, D)
    rng = np.random.default_rng(seed)
    others = 3 + rng.uniform(size=D - m)            # all at least 3 away from the repeated value
    values = np.concatenate([np.zeros(m), others])
    Q = random_orthogonal(rng, D)
    A = (Q * values) @ Q.T
    A = (A + A.T) / 2
    assert np.linalg.matrix_rank(A, tol=1e-8) == D - m      # null space of A - 0 I has dimension m
    lam, V = np.linalg.eigh(A)
    Vm = V[:, :m]                                    # eigh's basis of the eigenspace of 0
    P_true = Q[:, :m] @ Q[:, :m].T                   # the basis we built it from
    np.testing.assert_allclose(Vm @ Vm.T, P_true, atol=1e-10)
    # any rotation of a basis of the eigenspace is again an orthonormal eigenbasis
    R = random_orthogonal(rng, m)
    W = Vm @ R
    np.testing.assert_allclose(A @ W, 0 * W, atol=1e-10)
    np.testing.assert_allclose(W.T @ W, np.eye(m), atol=1e-12)


def test_the_common_mistakes_matrix():
    """The page's I + J: eigenvalues 1, 1, 4, an orthonormal eigh basis, eig's vectors eigenvectors."""
    A = np.eye(3) + np.ones((3, 3))
    lam, Q = np.linalg.eigh(A)
    np.testing.assert_allclose(lam, [1, 1, 4], atol=1e-14)
    np.testing.assert_allclose(Q.T @ Q, np.eye(3), atol=1e-14)
    np.testing.assert_allclose(Q[:, :2] @ Q[:, :2].T, np.eye(3) - np.ones((3, 3)) / 3, atol=1e-14)
    w, V = np.linalg.eig(A)
    np.testing.assert_allclose(A @ V, V * w, atol=1e-13)   # eigenvectors, orthogonal or not
