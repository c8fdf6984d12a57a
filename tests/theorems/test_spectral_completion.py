"""Property tests of the theorems in book/spectral/completion.md, on m4ml.linalg.completion.

- prop-completion-ridge-rows: with B fixed, the row update minimises f over A (no random
  perturbation of it does better), and its rows solve the ridge normal equations; the same with
  the roles of A and B exchanged.
- thm-completion-monotone: the objective history of als_complete never increases (up to
  rounding), for random matrices, masks, ranks, strengths and starting points.
- The objective is invariant under A -> A Q, B -> B Q for orthogonal Q (ex-completion-1).
"""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from m4ml.linalg.completion import _ridge_rows, als_complete, completion_objective

seeds = st.integers(0, 2**32 - 1)


@st.composite
def problems(draw):
    """A partly observed N x M matrix (NaN = missing), a rank K, a strength alpha, a seed."""
    n, m = draw(st.integers(1, 10)), draw(st.integers(1, 10))
    rng = np.random.default_rng(draw(seeds))
    X = rng.normal(scale=draw(st.floats(0.1, 10.0)), size=(n, m))
    X[rng.random((n, m)) < draw(st.floats(0.0, 0.7))] = np.nan
    if np.isnan(X).all():
        X[0, 0] = 1.0
    k = draw(st.integers(1, min(n, m)))
    alpha = draw(st.floats(1e-6, 1.0))
    return X, k, alpha, rng


@settings(max_examples=200, deadline=None)
@given(problems(), st.integers(1, 15))
def test_als_objective_is_monotone(problem, n_iter):
    X, k, alpha, rng = problem
    res = als_complete(X, rank=k, alpha=alpha, n_iter=n_iter, seed=int(rng.integers(2**31)))
    f = res.objective
    assert np.all(np.diff(f) <= 1e-12 * np.abs(f[:-1]) + 1e-300)
    assert np.all(f >= 0)


@settings(max_examples=200, deadline=None)
@given(problems())
def test_each_half_step_minimises_over_its_factor(problem):
    X, k, alpha, rng = problem
    n, m = X.shape
    W = (~np.isnan(X)).astype(float)
    X0 = np.where(W > 0, X, 0.0)
    shift = W.sum() * alpha
    A, B = rng.normal(size=(n, k)), rng.normal(size=(m, k))
    f = lambda A_, B_: completion_objective(X, A_, B_, alpha=alpha)  # noqa: E731
    A_new = _ridge_rows(W, X0, B, shift)
    B_new = _ridge_rows(W.T, X0.T, A_new, shift)
    base = f(A_new, B)
    assert base <= f(A, B) * (1 + 1e-12) + 1e-300
    assert f(A_new, B_new) <= base * (1 + 1e-12) + 1e-300
    for _ in range(5):  # A_new is a minimiser over A: no perturbation does better
        assert f(A_new + 1e-3 * rng.normal(size=(n, k)), B) >= base * (1 - 1e-12)
    # the normal equations of each row: (sum_m W b b^T + |Omega| alpha I) a = sum_m W x b
    for i in range(n):
        lhs = (B.T * W[i]) @ B @ A_new[i] + shift * A_new[i]
        assert np.allclose(lhs, B.T @ X0[i], atol=1e-9 * max(1.0, np.abs(lhs).max()))


@settings(max_examples=100, deadline=None)
@given(problems())
def test_objective_is_invariant_under_orthogonal_mixing(problem):
    X, k, alpha, rng = problem
    A, B = rng.normal(size=(X.shape[0], k)), rng.normal(size=(X.shape[1], k))
    Q = np.linalg.qr(rng.normal(size=(k, k)))[0]
    f0 = completion_objective(X, A, B, alpha=alpha)
    assert np.isclose(completion_objective(X, A @ Q, B @ Q, alpha=alpha), f0, rtol=1e-10)
