"""Property tests of the theorems in book/matrices/orthogonal.md.

Orthogonal matrices are drawn three ways: the Q of a Gaussian matrix (numpy.linalg.qr), a
product of Householder reflections, and a rotation in a random coordinate plane. A computed
Q is orthogonal only to within a few units of rounding, ||Q^T Q - I|| <= c n u, so a norm or
an inner product it preserves is preserved to within c n u times its size: the tolerances.
"""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from m4ml.linalg.orthogonal import householder_qr, householder_reflector, orthogonality_loss

EPS = np.finfo(float).eps


def rotation(n, i, j, theta):
    """The rotation by theta in the plane of coordinates i and j (a Givens rotation)."""
    G = np.eye(n)
    c, s = np.cos(theta), np.sin(theta)
    G[i, i], G[j, j], G[i, j], G[j, i] = c, c, -s, s
    return G


@st.composite
def orthogonal_matrices(draw, max_n=8):
    n = draw(st.integers(1, max_n))
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    kind = draw(st.sampled_from(["qr", "householder", "rotation"]))
    if kind == "qr":
        Q = np.linalg.qr(rng.normal(size=(n, n)))[0]
    elif kind == "householder":
        Q = np.eye(n)
        for _ in range(draw(st.integers(1, 4))):
            Q = Q @ householder_reflector(rng.normal(size=n))
    else:
        if n == 1:
            Q = np.eye(1)
        else:
            i, j = rng.choice(n, size=2, replace=False)
            Q = rotation(n, i, j, rng.uniform(-np.pi, np.pi))
    return Q


vectors_scale = st.sampled_from([1e-100, 1e-3, 1.0, 1e5, 1e100])


@settings(max_examples=150, deadline=None)
@given(orthogonal_matrices(), st.integers(0, 2**32 - 1), vectors_scale)
def test_orthogonal_matrices_preserve_norms(Q, seed, scale):
    n = Q.shape[0]
    x = scale * np.random.default_rng(seed).normal(size=n)
    assert abs(np.linalg.norm(Q @ x) - np.linalg.norm(x)) <= 20 * n * EPS * np.linalg.norm(x)


@settings(max_examples=150, deadline=None)
@given(orthogonal_matrices(), st.integers(0, 2**32 - 1))
def test_orthogonal_matrices_preserve_inner_products_and_angles(Q, seed):
    n = Q.shape[0]
    rng = np.random.default_rng(seed)
    x, y = rng.normal(size=n), rng.normal(size=n)
    size = np.linalg.norm(x) * np.linalg.norm(y)
    assert abs((Q @ x) @ (Q @ y) - x @ y) <= 20 * n * EPS * size
    if n >= 2:
        cos_before = x @ y / size
        cos_after = (Q @ x) @ (Q @ y) / (np.linalg.norm(Q @ x) * np.linalg.norm(Q @ y))
        assert abs(cos_after - cos_before) <= 50 * n * EPS


@settings(max_examples=150, deadline=None)
@given(orthogonal_matrices(), orthogonal_matrices())
def test_orthogonal_group(Q1, Q2):
    """det Q = +-1; products, transposes and inverses of orthogonal matrices are orthogonal."""
    n = Q1.shape[0]
    assert abs(abs(np.linalg.det(Q1)) - 1) <= 20 * n * EPS
    assert orthogonality_loss(Q1.T) <= 20 * n * EPS
    np.testing.assert_allclose(np.linalg.inv(Q1), Q1.T, atol=20 * n * EPS)
    if Q2.shape == Q1.shape:
        assert orthogonality_loss(Q1 @ Q2) <= 40 * n * EPS


@settings(max_examples=100, deadline=None)
@given(st.integers(1, 8), st.integers(0, 2**32 - 1))
def test_reflections_have_det_minus_one_and_rotations_plus_one(n, seed):
    rng = np.random.default_rng(seed)
    H = householder_reflector(rng.normal(size=n))
    assert abs(np.linalg.det(H) + 1) <= 20 * n * EPS
    if n >= 2:
        assert abs(np.linalg.det(rotation(n, 0, n - 1, rng.uniform(-np.pi, np.pi))) - 1) <= 20 * n * EPS


@settings(max_examples=150, deadline=None)
@given(st.integers(1, 10), st.integers(1, 10), st.integers(0, 2**32 - 1),
       st.sampled_from(["gaussian", "ill-conditioned", "rank-deficient"]))
def test_householder_qr(N, K, seed, kind):
    """Q orthogonal, R upper triangular, QR = A, for every shape and conditioning."""
    rng = np.random.default_rng(seed)
    if kind == "gaussian":
        A = rng.normal(size=(N, K))
    elif kind == "ill-conditioned":
        A = np.vander(np.linspace(0, 1, N), K, increasing=True)
    else:
        A = rng.normal(size=(N, 1)) @ rng.normal(size=(1, K))
    for mode in ["reduced", "complete"]:
        Q, R = householder_qr(A, mode=mode)
        assert orthogonality_loss(Q) <= 20 * N * EPS
        np.testing.assert_array_equal(np.tril(R, -1), 0.0)
        assert np.linalg.norm(Q @ R - A, 2) <= 20 * N * K * EPS * max(np.linalg.norm(A, 2), 1e-300)
