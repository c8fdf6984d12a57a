"""Property tests of the theorems stated in book/spectral/svd.md.

- thm-svd-existence, by its own construction: from the eigendecomposition of A^T A, sigma_i =
  sqrt(lambda_i) and u_i = A v_i / sigma_i give orthonormal u_i, A = sum sigma_i u_i v_i^T, the
  number of terms is rank A, and A^T u_i = sigma_i v_i.
- cor-svd-gram: the SVD diagonalises A^T A and A A^T, which share their nonzero eigenvalues
  sigma_i^2; the construction run on A^T (the route for wide data) gives the same SVD.
- The full, reduced and compact forms have the stated shapes and all reproduce A.
- thm-svd-ellipsoid: A maps unit vectors onto the ellipsoid sum (u_i^T y)^2 / sigma_i^2 = 1,
  and the points of the ellipsoid come from unit vectors.
"""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

seeds = st.integers(0, 2**32 - 1)


def _matrix(N, D, r, seed):
    """A random N x D matrix of rank r with singular values in [0.1, 10]."""
    rng = np.random.default_rng(seed)
    U, _ = np.linalg.qr(rng.normal(size=(N, r)))
    V, _ = np.linalg.qr(rng.normal(size=(D, r)))
    return (U * rng.uniform(0.1, 10, size=r)) @ V.T


@st.composite
def shapes_and_rank(draw):
    N, D = draw(st.integers(1, 9)), draw(st.integers(1, 9))
    r = draw(st.integers(1, min(N, D)))
    return N, D, r


def _svd_from_gram(A):
    """The proof of thm-svd-existence: eigendecomposition of A^T A, then u_i = A v_i / sigma_i."""
    lam, V = np.linalg.eigh(A.T @ A)
    lam, V = lam[::-1], V[:, ::-1]
    r = int(np.sum(lam > 1e-8 * lam[0]))
    s = np.sqrt(lam[:r])
    return A @ V[:, :r] / s, s, V[:, :r]


@settings(max_examples=300, deadline=None)
@given(shapes_and_rank(), seeds)
def test_the_construction_of_the_proof_is_an_svd(shape, seed):
    N, D, r = shape
    A = _matrix(N, D, r, seed)
    U, s, V = _svd_from_gram(A)
    assert len(s) == r == np.linalg.matrix_rank(A)
    assert np.all(np.diff(s) <= 1e-12)
    np.testing.assert_allclose(U.T @ U, np.eye(r), atol=1e-8)
    np.testing.assert_allclose(V.T @ V, np.eye(r), atol=1e-10)
    np.testing.assert_allclose((U * s) @ V.T, A, atol=1e-8)
    np.testing.assert_allclose(A.T @ U, V * s, atol=1e-8)
    np.testing.assert_allclose(s, np.linalg.svd(A, compute_uv=False)[:r], rtol=1e-8)


@settings(max_examples=300, deadline=None)
@given(shapes_and_rank(), seeds)
def test_svd_diagonalises_both_gram_matrices(shape, seed):
    N, D, r = shape
    A = _matrix(N, D, r, seed)
    U, s, Vt = np.linalg.svd(A)                       # full
    Sigma = np.zeros((N, D))
    Sigma[np.arange(min(N, D)), np.arange(min(N, D))] = s
    np.testing.assert_allclose(A.T @ A, Vt.T @ (Sigma.T @ Sigma) @ Vt, atol=1e-9)
    np.testing.assert_allclose(A @ A.T, U @ (Sigma @ Sigma.T) @ U.T, atol=1e-9)
    # shared nonzero eigenvalues sigma_i^2, the rest zeros
    eig_small = np.sort(np.linalg.eigvalsh(A.T @ A))[::-1]
    eig_large = np.sort(np.linalg.eigvalsh(A @ A.T))[::-1]
    np.testing.assert_allclose(eig_small[:r], s[:r] ** 2, rtol=1e-8)
    np.testing.assert_allclose(eig_large[:r], s[:r] ** 2, rtol=1e-8)
    assert np.all(np.abs(eig_small[r:]) < 1e-8) and np.all(np.abs(eig_large[r:]) < 1e-8)


@settings(max_examples=200, deadline=None)
@given(shapes_and_rank(), seeds)
def test_the_wide_route_through_A_At_gives_the_same_matrix(shape, seed):
    N, D, r = shape
    A = _matrix(N, D, r, seed)
    V, s, U = _svd_from_gram(A.T)                     # eigenvectors of A A^T are the u_i
    np.testing.assert_allclose((U * s) @ V.T, A, atol=1e-8)
    np.testing.assert_allclose(V.T @ V, np.eye(r), atol=1e-8)


@settings(max_examples=200, deadline=None)
@given(shapes_and_rank(), seeds)
def test_full_reduced_and_compact_forms(shape, seed):
    N, D, r = shape
    A = _matrix(N, D, r, seed)
    R = min(N, D)
    U, s, Vt = np.linalg.svd(A, full_matrices=True)
    assert U.shape == (N, N) and s.shape == (R,) and Vt.shape == (D, D)
    np.testing.assert_allclose(U.T @ U, np.eye(N), atol=1e-10)
    np.testing.assert_allclose(Vt @ Vt.T, np.eye(D), atol=1e-10)
    Sigma = np.zeros((N, D))
    Sigma[np.arange(R), np.arange(R)] = s
    np.testing.assert_allclose(U @ Sigma @ Vt, A, atol=1e-9)
    U2, s2, Vt2 = np.linalg.svd(A, full_matrices=False)
    assert U2.shape == (N, R) and Vt2.shape == (R, D)
    np.testing.assert_allclose((U2 * s2) @ Vt2, A, atol=1e-9)
    np.testing.assert_allclose((U2[:, :r] * s2[:r]) @ Vt2[:r], A, atol=1e-9)   # compact


@settings(max_examples=200, deadline=None)
@given(st.integers(1, 6), seeds)
def test_the_unit_sphere_maps_onto_the_ellipsoid(D, seed):
    A = _matrix(D, D, D, seed)
    U, s, Vt = np.linalg.svd(A)
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(D, 100))
    X /= np.linalg.norm(X, axis=0)
    Y = A @ X
    np.testing.assert_allclose(np.sum((U.T @ Y / s[:, None]) ** 2, axis=0), 1.0, rtol=1e-9)
    # every point of the ellipsoid is the image of a unit vector
    C = rng.normal(size=(D, 100))
    C /= np.linalg.norm(C, axis=0)
    Y_ell = U @ (s[:, None] * C)                   # sum (u_i^T y / sigma_i)^2 = 1
    np.testing.assert_allclose(np.linalg.norm(np.linalg.solve(A, Y_ell), axis=0), 1.0, rtol=1e-8)
    # the semi-axes are the images of the right singular vectors
    np.testing.assert_allclose(A @ Vt.T, U * s, atol=1e-9)
