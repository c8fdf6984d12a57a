"""Tests of the results stated in book/matrices/eigenvalues.md.

- thm-eigenvalues-charpoly and the remark after it: the roots of det(lambda I - A) are the eigenvalues
  (det(A - lambda_i I) vanishes relative to the scale of A), and similar matrices share the polynomial.
- prop-eigenvalues-multiplicities: a Jordan-type block has geometric multiplicity 1 below its algebraic
  multiplicity, and for every eigenvalue of a random matrix with a repeated block 1 <= geo <= alg.
- thm-eigenvalues-diagonalisable and thm-eigenvalues-distinct: matrices built with distinct eigenvalues
  have independent eigenvectors and A = V Lambda V^-1, A^k = V Lambda^k V^-1.
- thm-eigenvalues-rotation: a real 2 x 2 matrix with a complex pair is similar to r R_theta through
  P = [Re v, -Im v]; complex eigenvalues of real matrices come in conjugate pairs.
- thm-eigenvalues-cyclic: tr(AB) = tr(BA) for rectangular A, B; cyclic shifts of three factors;
  linearity; similarity invariance.
- thm-eigenvalues-trace-det: trace = sum of eigenvalues and det = product of eigenvalues.

Tolerances: sums of K products of entries of size <= c are exact up to about K eps c^2; eigenvalues of
matrices with separated eigenvalues are accurate to about eps ||A|| / gap, which the strategies keep
away from zero.
"""

from __future__ import annotations

import numpy as np
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

EPS = np.finfo(float).eps
entries = st.floats(-10, 10, allow_nan=False, allow_infinity=False)
seeds = st.integers(0, 2**32 - 1)
sizes = st.integers(1, 7)


def matrix(rows, cols):
    return arrays(np.float64, (rows, cols), elements=entries)


@st.composite
def square(draw, max_size=7):
    n = draw(st.integers(1, max_size))
    return draw(matrix(n, n))


@st.composite
def cyclic_triple(draw):
    m, k, p = draw(sizes), draw(sizes), draw(sizes)
    return draw(matrix(m, k)), draw(matrix(k, p)), draw(matrix(p, m))


@st.composite
def distinct_spectrum(draw):
    """A = V diag(lam) V^-1 with well-separated real eigenvalues and a well-conditioned V."""
    rng = np.random.default_rng(draw(seeds))
    n = draw(st.integers(2, 6))
    lam = np.sort(rng.uniform(-5, 5, size=n))
    assume(np.min(np.diff(lam)) > 0.2)
    V = rng.normal(size=(n, n))
    assume(np.linalg.cond(V) < 1e3)
    return V @ np.diag(lam) @ np.linalg.inv(V), lam, V


# ---------- trace ----------

@settings(max_examples=200, deadline=None)
@given(cyclic_triple())
def test_cyclic_trace(triple):
    A, B, C = triple                                  # m x k, k x p, p x m
    m, k = A.shape
    p = B.shape[1]
    # each side sums m k p products of three entries of size <= 10
    atol = 1e2 * m * k * p * 1e3 * EPS
    if p == m:                                        # A B and B A are both square here
        np.testing.assert_allclose(np.trace(A @ B), np.trace(B @ A), rtol=0, atol=1e2 * m * k * 1e2 * EPS)
    first = np.trace(A @ (B @ C))
    np.testing.assert_allclose(first, np.trace(B @ (C @ A)), rtol=0, atol=atol)
    np.testing.assert_allclose(first, np.trace(C @ (A @ B)), rtol=0, atol=atol)
    # two rectangular factors: A (m x k) and D (k x m)
    D = (B @ C) / 100
    np.testing.assert_allclose(np.trace(A @ D), np.trace(D @ A), rtol=0, atol=atol)


@settings(max_examples=100, deadline=None)
@given(square(), st.floats(-3, 3), st.floats(-3, 3), seeds)
def test_trace_linear_and_similarity_invariant(A, a, b, seed):
    rng = np.random.default_rng(seed)
    B = rng.normal(size=A.shape)
    np.testing.assert_allclose(np.trace(a * A + b * B), a * np.trace(A) + b * np.trace(B), atol=1e-10)
    assert np.trace(A.T) == np.trace(A)
    P = rng.normal(size=A.shape) + 3 * np.eye(len(A))
    assume(np.linalg.cond(P) < 1e4)
    similar = np.linalg.solve(P, A @ P)
    np.testing.assert_allclose(np.trace(similar), np.trace(A),
                               atol=1e-9 * np.linalg.cond(P) * (1 + np.abs(A).sum()))


def test_trace_is_only_cyclic():
    """tr(ABC) and tr(ACB) differ: the theorem allows cyclic shifts only."""
    A = np.array([[0.0, 1.0], [0.0, 0.0]])
    B = np.array([[0.0, 0.0], [1.0, 0.0]])
    C = np.diag([1.0, 2.0])
    assert np.trace(A @ B @ C) != np.trace(A @ C @ B)


@settings(max_examples=200, deadline=None)
@given(square())
def test_trace_and_determinant_from_eigenvalues(A):
    lam = np.linalg.eigvals(A)
    n, norm = len(A), max(np.linalg.norm(A, 2), 1.0)
    # the eigenvalue sum is backward stable: errors of order n eps ||A||
    np.testing.assert_allclose(lam.sum(), np.trace(A), atol=1e3 * n * EPS * norm)
    # det = prod lam: each eigenvalue carries a small relative-to-||A|| error, so compare with n ||A||^n
    np.testing.assert_allclose(lam.prod(), np.linalg.det(A), atol=1e5 * n * EPS * norm**n, rtol=1e-6)
    # complex eigenvalues of a real matrix come in conjugate pairs
    np.testing.assert_allclose(np.sort_complex(lam), np.sort_complex(lam.conj()), atol=1e-6 * norm)


# ---------- characteristic polynomial, multiplicities ----------

@settings(max_examples=100, deadline=None)
@given(distinct_spectrum(), seeds)
def test_charpoly_roots_are_eigenvalues_and_similarity_keeps_them(case, seed):
    A, lam, _ = case
    n = len(A)
    for value in lam:
        # det(A - lambda I) is zero; relative to the size of the factors it is at rounding level
        sv = np.linalg.svd(A - value * np.eye(n), compute_uv=False)
        assert sv[-1] <= 1e-8 * max(sv[0], 1.0)
    rng = np.random.default_rng(seed)
    P = rng.normal(size=(n, n)) + 3 * np.eye(n)
    assume(np.linalg.cond(P) < 1e3)
    B = np.linalg.solve(P, A @ P)
    np.testing.assert_allclose(np.poly(B), np.poly(A), rtol=1e-6, atol=1e-6 * np.abs(np.poly(A)).max())


def test_shear_is_defective():
    S = np.array([[1.0, 1.0], [0.0, 1.0]])
    np.testing.assert_allclose(np.poly(S), [1.0, -2.0, 1.0])             # (lambda - 1)^2: algebraic 2
    assert np.linalg.matrix_rank(S - np.eye(2)) == 1                     # geometric 2 - 1 = 1


@settings(max_examples=60, deadline=None)
@given(seeds, st.integers(1, 3), st.integers(1, 3))
def test_geometric_at_most_algebraic(seed, size, n_copies):
    """A = P J P^-1 with J a Jordan block of `size` for 2, `n_copies` times 1 x 1 blocks of 2, and a 7:
    geometric multiplicity of 2 is n_copies + 1, algebraic size + n_copies."""
    rng = np.random.default_rng(seed)
    J = np.diag([2.0] * (size + n_copies) + [7.0])
    for i in range(size - 1):
        J[i, i + 1] = 1.0
    n = len(J)
    P = rng.normal(size=(n, n)) + 3 * np.eye(n)
    assume(np.linalg.cond(P) < 100)
    A = P @ J @ np.linalg.inv(P)
    geometric = n - np.linalg.matrix_rank(A - 2 * np.eye(n), tol=1e-6)
    algebraic = size + n_copies
    assert geometric == n_copies + 1
    assert 1 <= geometric <= algebraic


# ---------- diagonalisation ----------

@settings(max_examples=100, deadline=None)
@given(distinct_spectrum())
def test_distinct_eigenvalues_diagonalise(case):
    A, lam, _ = case
    w, W = np.linalg.eig(A)
    # independent eigenvectors: W is far from singular, as the theorem guarantees
    assert np.linalg.cond(W) < 1e8
    for i in range(len(A)):
        np.testing.assert_allclose(A @ W[:, i], w[i] * W[:, i], atol=1e-8 * np.linalg.norm(A))
    np.testing.assert_allclose(np.sort(w.real), lam, atol=1e-6)
    np.testing.assert_allclose(W @ np.diag(w) @ np.linalg.inv(W), A, atol=1e-7 * np.linalg.norm(A))
    np.testing.assert_allclose(W @ np.diag(w**3) @ np.linalg.inv(W), A @ A @ A,
                               atol=1e-6 * np.linalg.norm(A) ** 3)


@settings(max_examples=100, deadline=None)
@given(distinct_spectrum())
def test_eigenvectors_of_distinct_eigenvalues_are_independent(case):
    """The proof's step: any K of the eigenvectors (columns of V) have rank K."""
    A, lam, V = case
    for K in range(1, len(lam) + 1):
        assert np.linalg.matrix_rank(V[:, :K]) == K
        np.testing.assert_allclose(A @ V[:, :K], V[:, :K] * lam[:K], atol=1e-8 * np.linalg.norm(A) * np.abs(V).max())


# ---------- complex pairs ----------

@st.composite
def complex_pair(draw):
    """A real 2 x 2 matrix with the eigenvalues r e^{+-i theta}, 0 < theta < pi, in a random basis."""
    rng = np.random.default_rng(draw(seeds))
    r, theta = draw(st.floats(0.1, 5)), draw(st.floats(0.05, np.pi - 0.05))
    B = rng.normal(size=(2, 2))
    assume(np.linalg.cond(B) < 100)
    R = np.array([[np.cos(theta), -np.sin(theta)], [np.sin(theta), np.cos(theta)]])
    return B @ (r * R) @ np.linalg.inv(B)


@settings(max_examples=200, deadline=None)
@given(complex_pair())
def test_complex_pair_is_rotation_and_scaling(A):
    w, W = np.linalg.eig(A)
    j = int(np.argmax(w.imag))                     # lambda = r e^{i theta}, 0 < theta < pi
    lam, v = w[j], W[:, j]
    r, theta = abs(lam), np.angle(lam)
    P = np.column_stack([v.real, -v.imag])
    assert np.linalg.matrix_rank(P) == 2
    R = np.array([[np.cos(theta), -np.sin(theta)], [np.sin(theta), np.cos(theta)]])
    np.testing.assert_allclose(np.linalg.solve(P, A @ P), r * R, atol=1e-8 * (1 + np.abs(A).max()))
    # the iterates spiral: |A^k x| in P-coordinates scales by r^k
    x = P @ np.array([1.0, 0.0])
    y = np.linalg.solve(P, np.linalg.matrix_power(A, 5) @ x)
    np.testing.assert_allclose(np.linalg.norm(y), r**5, rtol=1e-6)
