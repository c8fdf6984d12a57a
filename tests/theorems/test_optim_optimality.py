"""Tests of the results stated in book/optim/optimality.md.

- thm-optimality-foc: at a minimiser found independently (the closed form of a random convex
  quadratic, and the ridge minimiser) the gradient computed by autograd vanishes; at the
  stationary points of the page's cubic g it vanishes and the second-order test classifies them
  as the page says.
- thm-optimality-quadratic: the exact expansion eq-optimality-expansion; a stationary point of a
  quadratic with a PSD matrix is a global minimiser (no random point does better); with an
  indefinite matrix the stationary point is not a minimiser (the function falls along an
  eigenvector with a negative eigenvalue).
- thm-optimality-normal-equations: the minimiser of least squares solves the normal equations and
  agrees with lstsq; its residual is orthogonal to the columns; with duplicated columns (rank
  deficient) every alpha > 0 still gives a unique minimiser, which splits the weight equally
  (ex-optimality-4); the X^T r = N alpha w identity for ridge.
- thm-optimality-kappa-bound: eigenvalues shift by alpha, kappa <= 1 + lambda_max / alpha with
  equality for rank-deficient X, kappa decreasing in alpha.
- Backward stability claim: the residual of np.linalg.solve is of order eps ||A|| ||w||.
- prop-optimality-intercept: for every w the best intercept is ybar - xbar^T w and leaves exactly
  the ridge objective on centred features and targets; ridge on centred data plus that intercept
  equals the minimiser with an unpenalised intercept column (the page's setup and its Common
  mistake of centring the targets alone).
"""

from __future__ import annotations

import autograd
import autograd.numpy as anp
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from m4ml.calculus import derivatives
from m4ml.models import linear

seeds = st.integers(0, 2**32 - 1)
dims = st.integers(1, 6)
strengths = st.floats(1e-4, 10.0)
EPS = np.finfo(float).eps


def random_data(rng, n, d):
    """A data matrix with columns of different scales, and targets."""
    X = rng.standard_normal((n, d)) * rng.uniform(0.1, 3.0, size=d)
    return X, rng.standard_normal(n)


def random_psd(rng, d, rank=None):
    """A symmetric positive semi-definite matrix of the given rank (full by default)."""
    rank = d if rank is None else rank
    B = rng.standard_normal((d, rank))
    return B @ B.T


def quadratic(A, b, c=0.0):
    return lambda w: 0.5 * w @ A @ w - b @ w + c


# ------------------------------------------------------------ thm-optimality-quadratic
@settings(max_examples=60, deadline=None)
@given(seeds, dims)
def test_exact_expansion_of_a_quadratic(seed, d):
    rng = np.random.default_rng(seed)
    S = rng.standard_normal((d, d))
    A, b, c = S + S.T, rng.standard_normal(d), float(rng.standard_normal())
    q = quadratic(A, b, c)
    w, h = rng.standard_normal(d), rng.standard_normal(d)
    expected = q(w) + (A @ w - b) @ h + 0.5 * h @ A @ h
    assert q(w + h) == pytest.approx(expected, rel=1e-10, abs=1e-10)


@settings(max_examples=60, deadline=None)
@given(seeds, dims)
def test_stationary_point_of_psd_quadratic_is_global_minimiser(seed, d):
    rng = np.random.default_rng(seed)
    A = random_psd(rng, d) + 1e-3 * np.eye(d)
    b = rng.standard_normal(d)
    q = quadratic(A, b)
    w_star = np.linalg.solve(A, b)
    # first-order condition by autodiff
    assert np.allclose(autograd.grad(q)(w_star), 0.0, atol=1e-8 * (1 + np.abs(b).max()))
    # q(w* + h) - q(w*) = h^T A h / 2 >= 0 for every h (rounding allowance from the values)
    for h in rng.standard_normal((50, d)) * rng.uniform(1e-3, 10.0, size=(50, 1)):
        assert q(w_star + h) >= q(w_star) - 1e-9 * (1 + abs(q(w_star)))


@settings(max_examples=60, deadline=None)
@given(seeds, dims, st.integers(0, 5))
def test_singular_psd_quadratic_has_a_line_of_minimisers(seed, d, rank_drop):
    # A singular PSD matrix with b in its range: every solution of A w = b is a global minimiser.
    rng = np.random.default_rng(seed)
    rank = max(d - rank_drop, 1)
    A = random_psd(rng, d, rank)
    b = A @ rng.standard_normal(d)
    q = quadratic(A, b)
    w_star = np.linalg.lstsq(A, b, rcond=None)[0]
    null = np.linalg.svd(A)[2][rank:]          # orthonormal basis of the null space of A
    for v in null:
        assert q(w_star + 3.0 * v) == pytest.approx(q(w_star), abs=1e-8 * (1 + abs(q(w_star))))
    for h in rng.standard_normal((20, d)):
        assert q(w_star + h) >= q(w_star) - 1e-9 * (1 + abs(q(w_star)))


@settings(max_examples=60, deadline=None)
@given(seeds, st.integers(2, 6))
def test_stationary_point_of_indefinite_quadratic_is_not_a_minimiser(seed, d):
    rng = np.random.default_rng(seed)
    Q, _ = np.linalg.qr(rng.standard_normal((d, d)))
    eigenvalues = np.concatenate([[-rng.uniform(0.1, 5.0)], rng.uniform(-5.0, 5.0, d - 1)])
    A, b = (Q * eigenvalues) @ Q.T, rng.standard_normal(d)
    q = quadratic(A, b)
    w_star = np.linalg.solve(A, b)
    assert np.allclose(A @ w_star, b, atol=1e-8 * (1 + np.abs(w_star).max() * np.abs(A).max()))
    v = Q[:, 0]                                 # eigenvector with a negative eigenvalue
    for s in (1e-2, 1.0, 100.0):
        # q(w* + s v) - q(w*) = s^2 lambda_1 / 2 < 0: the stationary point is not a minimiser
        assert q(w_star + s * v) - q(w_star) == pytest.approx(s**2 * eigenvalues[0] / 2, rel=1e-6, abs=1e-9)
        assert q(w_star + s * v) < q(w_star)


# ------------------------------------------------------------ thm-optimality-foc (page example)
def test_cubic_example_stationary_points_and_classification():
    def g(x):
        return x[0] ** 3 - 3 * x[0] + x[1] ** 3 - 3 * x[1]

    expected = {(1.0, 1.0): "minimum", (-1.0, -1.0): "maximum", (1.0, -1.0): "saddle", (-1.0, 1.0): "saddle"}
    for point, kind in expected.items():
        p = np.array(point)
        assert np.allclose(autograd.grad(g)(p), 0.0)
        H = autograd.hessian(g)(p)
        assert np.allclose(H, derivatives.numerical_hessian(g, p), atol=1e-4)
        eig = np.linalg.eigvalsh(H)
        got = "minimum" if eig.min() > 0 else "maximum" if eig.max() < 0 else "saddle"
        assert got == kind
    # the local minimum is not global: g is unbounded below
    assert g(np.array([-3.0, 1.0])) < g(np.array([1.0, 1.0]))


# ------------------------------------------------------------ thm-optimality-normal-equations
@settings(max_examples=60, deadline=None)
@given(seeds, dims, st.integers(0, 20))
def test_least_squares_minimiser_solves_normal_equations(seed, d, extra_rows):
    rng = np.random.default_rng(seed)
    X, y = random_data(rng, d + 1 + extra_rows, d)
    w = linear.ridge_fit(X, y, alpha=0.0, method="solve")
    w_lstsq = np.linalg.lstsq(X, y, rcond=None)[0]
    kappa = np.linalg.cond(X.T @ X)
    assert np.allclose(w, w_lstsq, rtol=1e-6, atol=1e-12 * kappa * (1 + np.abs(w_lstsq).max()))
    r = y - X @ w_lstsq
    scale = np.linalg.norm(X) * np.linalg.norm(y)
    assert np.linalg.norm(X.T @ r) <= 1e-10 * scale          # residual orthogonal to the columns


@settings(max_examples=60, deadline=None)
@given(seeds, dims, st.integers(0, 20), strengths)
def test_ridge_minimiser_is_stationary_and_global(seed, d, extra_rows, alpha):
    rng = np.random.default_rng(seed)
    X, y = random_data(rng, d + 1 + extra_rows, d)
    N = X.shape[0]

    def f(w):
        r = anp.dot(X, w) - y
        return anp.dot(r, r) / (2 * N) + alpha / 2 * anp.dot(w, w)

    w = linear.ridge_fit(X, y, alpha=alpha)
    assert np.allclose(autograd.grad(f)(w), 0.0, atol=1e-10 * (1 + np.abs(X).max() ** 2))
    # X^T r = N lambda w at the ridge solution, with r = y - X w
    assert np.allclose(X.T @ (y - X @ w), N * alpha * w, rtol=1e-7, atol=1e-9 * (1 + np.abs(X).max() ** 2))
    for h in rng.standard_normal((20, d)):
        assert f(w + h) > f(w)


@settings(max_examples=60, deadline=None)
@given(seeds, st.integers(1, 5), strengths)
def test_ridge_splits_the_weight_of_duplicated_columns(seed, d, alpha):
    # ex-optimality-4: X^T X is singular, but alpha > 0 still gives one minimiser, with w1 = w2.
    rng = np.random.default_rng(seed)
    X, y = random_data(rng, 20, d)
    X_dup = np.column_stack([X[:, 0], X])
    assert np.linalg.matrix_rank(X_dup.T @ X_dup) == d
    w = linear.ridge_fit(X_dup, y, alpha=alpha)
    assert w[0] == pytest.approx(w[1], rel=1e-8, abs=1e-12)
    # and it solves the ridge normal equations of the duplicated matrix
    A = X_dup.T @ X_dup / len(y) + alpha * np.eye(d + 1)
    assert np.allclose(A @ w, X_dup.T @ y / len(y), atol=1e-10 * (1 + np.abs(y).max()))


# ------------------------------------------------------------ thm-optimality-kappa-bound
@settings(max_examples=80, deadline=None)
@given(seeds, st.integers(2, 6), st.integers(0, 20), strengths)
def test_ridge_bounds_the_condition_number(seed, d, extra_rows, alpha):
    rng = np.random.default_rng(seed)
    X, _ = random_data(rng, d + extra_rows, d)
    N = X.shape[0]
    eig = np.linalg.eigvalsh(X.T @ X / N)
    H = linear.ridge_hessian(X, alpha=alpha)
    # eigenvalues shift by alpha
    assert np.allclose(np.linalg.eigvalsh(H), eig + alpha, rtol=1e-10, atol=1e-12 * (1 + eig[-1]))
    kappa = np.linalg.cond(H)
    bound = 1 + eig[-1] / alpha
    assert kappa <= bound * (1 + 1e-9)
    assert kappa == pytest.approx((eig[-1] + alpha) / (max(eig[0], 0.0) + alpha), rel=1e-6)
    # a larger strength never worsens the conditioning
    assert np.linalg.cond(linear.ridge_hessian(X, alpha=2 * alpha)) <= kappa * (1 + 1e-9)


@settings(max_examples=60, deadline=None)
@given(seeds, st.integers(2, 6), strengths)
def test_condition_number_bound_is_attained_for_rank_deficient_data(seed, d, alpha):
    rng = np.random.default_rng(seed)
    X, _ = random_data(rng, d - 1, d)            # fewer rows than columns: lambda_1 = 0
    lambda_max = np.linalg.eigvalsh(X.T @ X / X.shape[0])[-1]
    kappa = np.linalg.cond(linear.ridge_hessian(X, alpha=alpha))
    assert kappa == pytest.approx(1 + lambda_max / alpha, rel=1e-8)


# ------------------------------------------------------------ backward stability of solve
@settings(max_examples=60, deadline=None)
@given(seeds, st.integers(2, 8), st.floats(0.0, 12.0))
def test_solve_residual_is_of_order_eps_times_norms(seed, d, log_kappa):
    # A symmetric positive definite matrix with condition number 10**log_kappa: the residual of
    # LU with partial pivoting is O(eps ||A|| ||w||) whatever the conditioning.
    rng = np.random.default_rng(seed)
    Q, _ = np.linalg.qr(rng.standard_normal((d, d)))
    eigenvalues = np.logspace(0.0, log_kappa, d)
    A, b = (Q * eigenvalues) @ Q.T, rng.standard_normal(d)
    w = np.linalg.solve(A, b)
    residual = np.linalg.norm(A @ w - b)
    assert residual <= 10 * d * EPS * np.linalg.norm(A, 2) * np.linalg.norm(w)


# ------------------------------------------------------------ centring frees the intercept
@settings(max_examples=60, deadline=None)
@given(seeds, dims, st.integers(0, 20), strengths)
def test_centring_features_and_targets_gives_the_unpenalised_intercept(seed, d, extra_rows, alpha):
    rng = np.random.default_rng(seed)
    X, y = random_data(rng, d + 2 + extra_rows, d)
    X = X + rng.uniform(-3.0, 3.0, size=d)       # columns with non-zero means
    y = y + rng.uniform(-10.0, 10.0)
    N = len(y)
    x_bar, y_bar = X.mean(axis=0), y.mean()
    w = linear.ridge_fit(X - x_bar, y - y_bar, alpha=alpha)
    w0 = y_bar - x_bar @ w
    # minimise |w0 1 + X w - y|^2 / (2N) + alpha |w|^2 / 2 directly: its Hessian leaves w0 unpenalised
    A = np.column_stack([np.ones(N), X])
    P = np.diag(np.r_[0.0, np.ones(d)])
    direct = np.linalg.solve(A.T @ A / N + alpha * P, A.T @ y / N)
    assert np.allclose(np.r_[w0, w], direct, rtol=1e-7, atol=1e-8)


@settings(max_examples=60, deadline=None)
@given(seeds, dims, st.integers(0, 20), st.floats(0.0, 10.0))
def test_best_intercept_leaves_the_ridge_objective_on_centred_data(seed, d, extra_rows, alpha):
    # the proof of prop-optimality-intercept: F(b, w) = F(b(w), w) + (b - b(w))^2 / 2 and
    # F(b(w), w) = f_alpha(w) on the centred data, for every w and b.
    rng = np.random.default_rng(seed)
    Phi, y = random_data(rng, d + 2 + extra_rows, d)
    Phi = Phi + rng.uniform(-3.0, 3.0, size=d)
    y = y + rng.uniform(-10.0, 10.0)
    N = len(y)
    phi_bar, y_bar = Phi.mean(axis=0), y.mean()

    def F(b, w):
        r = b + Phi @ w - y
        return r @ r / (2 * N) + alpha / 2 * w @ w

    w, b = rng.standard_normal(d), float(rng.standard_normal() * 5)
    b_w = y_bar - phi_bar @ w
    assert autograd.grad(lambda bb: F(bb, w))(b_w) == pytest.approx(0.0, abs=1e-9 * (1 + abs(F(b_w, w))))
    assert F(b, w) == pytest.approx(F(b_w, w) + (b - b_w) ** 2 / 2, rel=1e-10, abs=1e-10)
    centred = linear.ridge_objective(w, Phi - phi_bar, y - y_bar, alpha=alpha)
    assert F(b_w, w) == pytest.approx(centred, rel=1e-10, abs=1e-10)
