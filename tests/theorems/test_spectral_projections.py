"""Property tests of the theorems in book/spectral/projections.md, on m4ml.linalg.projection.

- def-projections-projector / thm-projections-projector: projector(A) is symmetric and
  idempotent, equals Q Q^T for every orthonormal basis Q of the column space (so it depends only
  on the span), fixes the subspace, sends y - P y into its orthogonal complement, gives the
  closest point, I - P projects onto the complement, tr P = dim, eigenvalues 0 and 1.
- thm-projections-least-squares: P y = X w for every least-squares solution w, the residual is
  orthogonal to every column (the normal equations), and Pythagoras splits ||y||^2.
- thm-projections-four-subspaces: four_subspaces gives orthonormal bases of dimensions r, N - r,
  r, D - r that are mutually orthogonal complements, A kills the null space and A^T the left
  null space, and the projectors are A A^+, I - A A^+, A^+ A and I - A^+ A.
Random matrices have a chosen rank r and nonzero singular values in [0.1, 10].
"""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from m4ml.linalg.projection import four_subspaces, pinv, projector

seeds = st.integers(0, 2**32 - 1)
TOL = 1e-10


@st.composite
def matrices(draw):
    """An N x D matrix of rank r, as a product that keeps its nonzero singular values in [0.1, 10]."""
    n, d = draw(st.integers(1, 9)), draw(st.integers(1, 9))
    r = draw(st.integers(0, min(n, d)))
    rng = np.random.default_rng(draw(seeds))
    U = np.linalg.qr(rng.normal(size=(n, n)))[0][:, :r]
    V = np.linalg.qr(rng.normal(size=(d, d)))[0][:, :r]
    return (U * rng.uniform(0.1, 10.0, size=r)) @ V.T, r, rng


@settings(max_examples=200, deadline=None)
@given(matrices())
def test_projector_identities(case):
    A, r, rng = case
    n = A.shape[0]
    P = projector(A)
    assert np.allclose(P @ P, P, atol=TOL) and np.allclose(P.T, P, atol=TOL)
    assert abs(np.trace(P) - r) < TOL
    eig = np.linalg.eigvalsh(P)
    assert np.allclose(eig, np.r_[np.zeros(n - r), np.ones(r)], atol=TOL)
    # P fixes the columns of A; I - P kills them
    assert np.allclose(P @ A, A, atol=TOL * max(1.0, np.abs(A).max()))
    # any other orthonormal basis of the span gives the same projector
    if r:
        Q = np.linalg.qr(A @ rng.normal(size=(A.shape[1], r)))[0]
        assert np.allclose(Q @ Q.T, P, atol=1e-8)
    # y - P y is orthogonal to the column space, and P y is the closest point
    y = rng.normal(size=n)
    assert np.abs(A.T @ (y - P @ y)).max() < TOL * max(1.0, np.abs(A).max()) * 10
    for w in rng.normal(size=(5, A.shape[1])):
        assert np.linalg.norm(y - P @ y) <= np.linalg.norm(y - A @ w) + 1e-12
    # I - P is the projector onto the orthogonal complement
    Pc = np.eye(n) - P
    assert np.allclose(Pc @ Pc, Pc, atol=TOL) and np.allclose(Pc @ P, 0, atol=TOL)


@settings(max_examples=200, deadline=None)
@given(matrices())
def test_least_squares_residual_is_orthogonal_to_the_columns(case):
    X, _, rng = case
    y = rng.normal(size=X.shape[0])
    P = projector(X)
    y_hat = P @ y
    w = np.linalg.lstsq(X, y, rcond=None)[0]
    assert np.allclose(X @ w, y_hat, atol=1e-9)
    assert np.allclose(X @ (pinv(X) @ y), y_hat, atol=1e-9)
    r = y - y_hat
    assert np.abs(X.T @ r).max() < 1e-9
    assert abs(y @ y - (y_hat @ y_hat + r @ r)) < 1e-9 * max(1.0, y @ y)


@settings(max_examples=200, deadline=None)
@given(matrices())
def test_four_subspaces(case):
    A, r, _ = case
    n, d = A.shape
    sub = four_subspaces(A)
    assert sub.rank == r
    assert [sub.column.shape, sub.left_null.shape, sub.row.shape, sub.null.shape] == [
        (n, r), (n, n - r), (d, r), (d, d - r)]
    # orthonormal bases that together fill R^N and R^D: orthogonal complements
    U = np.hstack([sub.column, sub.left_null])
    V = np.hstack([sub.row, sub.null])
    assert np.allclose(U.T @ U, np.eye(n), atol=TOL) and np.allclose(V.T @ V, np.eye(d), atol=TOL)
    scale = max(1.0, np.abs(A).max())
    assert np.abs(A @ sub.null).max(initial=0.0) < TOL * scale
    assert np.abs(A.T @ sub.left_null).max(initial=0.0) < TOL * scale
    # the projectors in terms of the pseudoinverse
    A_plus = pinv(A)
    assert np.allclose(sub.column @ sub.column.T, A @ A_plus, atol=1e-9)
    assert np.allclose(sub.left_null @ sub.left_null.T, np.eye(n) - A @ A_plus, atol=1e-9)
    assert np.allclose(sub.row @ sub.row.T, A_plus @ A, atol=1e-9)
    assert np.allclose(sub.null @ sub.null.T, np.eye(d) - A_plus @ A, atol=1e-9)
    # rank-nullity, and the row rank equals the column rank
    assert sub.rank + sub.null.shape[1] == d and four_subspaces(A.T).rank == r
