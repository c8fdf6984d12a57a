"""Property tests of the theorems in book/spectral/pseudoinverse.md, on m4ml.linalg.projection.pinv.

Random matrices are built as U diag(s) V^T with random orthonormal U, V and a chosen number r of
nonzero singular values in [0.1, 10], so the condition number of the nonzero part is at most 100
and every tolerance below is a modest multiple of eps times that.

- def-pseudoinverse-penrose / thm-pseudoinverse-svd: pinv satisfies the four Penrose conditions,
  A A^+ and A^+ A are U_r U_r^T and V_r V_r^T, and (A^T A)^{-1} A^T for independent columns.
- thm-pseudoinverse-unique: pinv agrees with NumPy's SVD-based pinv and with any other matrix
  that satisfies the four conditions (the inverse, the normal-equations formula).
- thm-pseudoinverse-min-norm: X^+ y minimises the residual, every other minimiser (adding a null
  vector) is longer, and X^+ y is orthogonal to the null space.
- thm-pseudoinverse-ridge-filter: the filter formula with phi_i = s_i^2 / (s_i^2 + N alpha) is
  ridge_fit's minimiser, the factors lie in (0, 1) and decrease, and w_alpha -> X^+ y.
"""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from m4ml.linalg.projection import pinv
from m4ml.models import linear

EPS = np.finfo(float).eps
seeds = st.integers(0, 2**32 - 1)


def orthonormal(rng, n, k):
    Q, _ = np.linalg.qr(rng.normal(size=(n, n)))
    return Q[:, :k]


@st.composite
def matrices(draw, full_rank=False):
    """(A, U_r, s_r, V_r): an N x D matrix of rank r with its compact SVD."""
    n, d = draw(st.integers(1, 8)), draw(st.integers(1, 8))
    r = min(n, d) if full_rank else draw(st.integers(0, min(n, d)))
    rng = np.random.default_rng(draw(seeds))
    U, V = orthonormal(rng, n, r), orthonormal(rng, d, r)
    s = np.sort(rng.uniform(0.1, 10.0, size=r))[::-1]
    return (U * s) @ V.T, U, s, V


TOL = 1e4 * EPS * 100    # a few thousand roundings, times the condition number bound


@settings(max_examples=200, deadline=None)
@given(matrices())
def test_penrose_conditions(case):
    A, U, s, V = case
    B = pinv(A)
    scale = max(1.0, np.abs(A).max()) * max(1.0, np.abs(B).max())
    assert np.abs(A @ B @ A - A).max() <= TOL * scale * max(1.0, np.abs(A).max())
    assert np.abs(B @ A @ B - B).max() <= TOL * scale * max(1.0, np.abs(B).max())
    assert np.abs(A @ B - (A @ B).T).max() <= TOL * scale
    assert np.abs(B @ A - (B @ A).T).max() <= TOL * scale
    # thm-pseudoinverse-svd: the two products are the projectors U_r U_r^T and V_r V_r^T
    assert np.allclose(A @ B, U @ U.T, atol=TOL * scale)
    assert np.allclose(B @ A, V @ V.T, atol=TOL * scale)
    assert np.allclose(B, (V / s) @ U.T, atol=TOL * max(1.0, np.abs(B).max()))


@settings(max_examples=150, deadline=None)
@given(matrices())
def test_unique_pseudoinverse_agrees_with_numpy(case):
    A = case[0]
    assert np.allclose(pinv(A), np.linalg.pinv(A, rtol=None), atol=TOL * 10)


@settings(max_examples=150, deadline=None)
@given(matrices(full_rank=True))
def test_other_matrices_satisfying_the_conditions_are_the_pseudoinverse(case):
    A = case[0]
    n, d = A.shape
    if n == d:
        assert np.allclose(pinv(A), np.linalg.inv(A), atol=TOL * 10)
    if n >= d:       # independent columns
        assert np.allclose(pinv(A), np.linalg.solve(A.T @ A, A.T), atol=TOL * 100)
    else:            # independent rows: the transpose rule of the exercises
        assert np.allclose(pinv(A), A.T @ np.linalg.inv(A @ A.T), atol=TOL * 100)


@settings(max_examples=200, deadline=None)
@given(matrices(), seeds)
def test_minimum_norm_least_squares(case, seed):
    X, _, _, V = case
    n, d = X.shape
    rng = np.random.default_rng(seed)
    y = rng.normal(size=n)
    w_plus = pinv(X) @ y
    residual = np.linalg.norm(X @ w_plus - y)
    # a minimiser: no random w does better, and it matches lstsq's residual
    w_lstsq = np.linalg.lstsq(X, y, rcond=None)[0]
    assert residual <= np.linalg.norm(X @ w_lstsq - y) + 1e-10
    for w in rng.normal(size=(5, d)):
        assert residual <= np.linalg.norm(X @ w - y) + 1e-10
    # the other minimisers add a null vector and are longer
    null = np.linalg.svd(X)[2][V.shape[1]:].T if d > V.shape[1] else np.zeros((d, 0))
    assert np.abs(null.T @ w_plus).max(initial=0.0) < 1e-10
    for c in rng.normal(size=(5, null.shape[1])):
        w = w_plus + null @ c
        assert abs(np.linalg.norm(X @ w - y) - residual) < 1e-9
        assert np.linalg.norm(w) ** 2 >= np.linalg.norm(w_plus) ** 2 + 0.99 * (c @ c) - 1e-10


@settings(max_examples=150, deadline=None)
@given(matrices(), seeds, st.floats(1e-6, 10.0))
def test_ridge_is_a_filtered_svd(case, seed, alpha):
    X, U, s, V = case
    n = X.shape[0]
    y = np.random.default_rng(seed).normal(size=n)
    phi = s**2 / (s**2 + n * alpha)
    w_filter = V @ (phi * (U.T @ y) / s)
    w_ridge = linear.ridge_fit(X, y, alpha=alpha)
    assert np.allclose(w_filter, w_ridge, atol=1e-9 * max(1.0, np.abs(w_ridge).max()))
    assert np.all((phi > 0) & (phi < 1)) and np.all(np.diff(phi) <= 0)
    # the second form: lambda_i = s_i^2 / N, the eigenvalues of X^T X / N
    lam = s**2 / n
    assert np.allclose(phi, lam / (lam + alpha))


@settings(max_examples=100, deadline=None)
@given(matrices(), seeds)
def test_ridge_tends_to_the_pseudoinverse_solution(case, seed):
    X = case[0]
    y = np.random.default_rng(seed).normal(size=X.shape[0])
    w_plus = pinv(X) @ y
    # |w_alpha - w+| <= N alpha / s_r^2 |w+| with s_r >= 0.1: alpha = 1e-9 gives at most 1e-5 |w+|
    w_small = linear.ridge_fit(X, y, alpha=1e-9, method="lstsq")
    assert np.linalg.norm(w_small - w_plus) <= 1e-5 * max(1.0, np.linalg.norm(w_plus))
