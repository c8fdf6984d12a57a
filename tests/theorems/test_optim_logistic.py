"""Tests of the results stated in book/optim/logistic.md.

- prop-logistic-sigmoid: sigma(-z) = 1 - sigma(z), sigma' = sigma (1 - sigma) (against autograd),
  the log-odds invert sigma.
- prop-logistic-nll: the Bernoulli negative log-likelihood equals log(1 + e^z) - y z.
- prop-logistic-squared: the derivatives of the squared error on a sigmoid (against autograd), the
  sign of its second derivative (negative exactly for z < -log 2) and its vanishing slope.
- ex-logistic-2: the matrix form of the squared-error gradient, against autograd.
- thm-logistic-convex: the Hessian is bounded below by alpha I, the gradient is strongly monotone,
  the certificate ||w - w*|| <= ||grad f(w)|| / alpha, and the Hessian at w = 0 is X^T X/(4N) + alpha I.
- ex-logistic-4: at the minimiser the mean predicted probability is mean(y) - alpha w_0.
- ex-logistic-3: on separable data without penalty the loss decreases to 0 along a separating ray.
- prop-logistic-sklearn-c: scikit-learn with C = 1/(N alpha), no automatic intercept, minimises the
  averaged objective of m4ml.models.linear.
- The solver claim cited in the page: with fit_intercept=True, lbfgs, newton-cg, newton-cholesky,
  sag and saga leave scikit-learn's intercept unpenalised, liblinear penalises it (checked with the
  balance identity of ex-logistic-4).

The derivatives of m4ml.models.linear itself are tested in tests/test_regression.py.
"""

from __future__ import annotations

import autograd
import autograd.numpy as anp
import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from sklearn.linear_model import LogisticRegression

from m4ml.calculus import special
from m4ml.models import linear

seeds = st.integers(0, 2**32 - 1)
sizes = st.tuples(st.integers(5, 40), st.integers(1, 5))
alphas = st.sampled_from([1e-3, 1e-2, 0.1, 1.0])
scores = st.floats(-30.0, 30.0)


def problem(seed, n, d, *, scale=1.0):
    """Random data with an intercept column first, labels 0/1, and a random weight vector."""
    rng = np.random.default_rng(seed)
    X = np.column_stack([np.ones(n), scale * rng.standard_normal((n, d))])
    y = (rng.random(n) < 0.5).astype(float)
    w = rng.standard_normal(d + 1)
    return X, y, w


def minimiser(X, y, alpha):
    """The minimiser of the regularised logistic objective, by Newton's method with backtracking.

    The objective is strongly convex, so damped Newton steps converge from anywhere, and
    quadratically near the minimiser: a few dozen steps reach the rounding level of the gradient.
    """
    w = np.zeros(X.shape[1])
    for _ in range(100):
        g = linear.logistic_gradient(w, X, y, alpha=alpha)
        if np.linalg.norm(g) < 1e-14:
            break
        step = -np.linalg.solve(linear.logistic_hessian(w, X, alpha=alpha), g)   # H is positive definite
        f0, t = linear.logistic_objective(w, X, y, alpha=alpha), 1.0
        while linear.logistic_objective(w + t * step, X, y, alpha=alpha) > f0 + 1e-4 * t * (g @ step) and t > 1e-3:
            t /= 2                         # Armijo backtracking; near w* rounding may stop it at t ~ 1
        w = w + t * step
    return w


def ad_sigmoid(z):
    return 1.0 / (1.0 + anp.exp(-z))


# ------------------------------------------------------------------ prop-logistic-sigmoid
@settings(max_examples=100, deadline=None)
@given(scores)
def test_sigmoid_symmetry_and_derivative(z):
    s = special.sigmoid(z)
    assert np.isclose(special.sigmoid(-z), 1 - s, rtol=0, atol=2e-16)
    dsigma = autograd.grad(ad_sigmoid)(z)
    # sigma (1 - sigma), with 1 - sigma written as sigma(-z) (part 1) to avoid cancellation
    assert np.isclose(dsigma, s * special.sigmoid(-z), rtol=1e-9, atol=1e-300)
    assert 0 < s * special.sigmoid(-z) <= 0.25


@settings(max_examples=100, deadline=None)
@given(st.floats(-15.0, 15.0))
def test_log_odds_invert_the_sigmoid(z):
    p = special.sigmoid(z)
    # rounding in 1 - p costs a relative error eps / (1 - p) <= 2.2e-16 * 3.3e6 < 1e-9 for |z| <= 15
    assert np.isclose(np.log(p / (1 - p)), z, rtol=0, atol=1e-8)


# ------------------------------------------------------------------ prop-logistic-nll
@settings(max_examples=100, deadline=None)
@given(st.floats(-15.0, 15.0), st.sampled_from([0, 1]))
def test_cross_entropy_is_the_bernoulli_negative_log_likelihood(z, y):
    p = special.sigmoid(z)
    nll = -np.log(p**y * (1 - p) ** (1 - y))
    assert np.isclose(nll, np.logaddexp(0.0, z) - y * z, rtol=1e-9, atol=1e-8)


# ------------------------------------------------------------------ prop-logistic-squared
def squared_error_malignant(z):
    return (1.0 - ad_sigmoid(z)) ** 2


@settings(max_examples=100, deadline=None)
@given(st.floats(-20.0, 20.0))
def test_squared_error_derivatives_and_their_signs(z):
    s = special.sigmoid(z)
    d1 = autograd.grad(squared_error_malignant)(z)
    d2 = autograd.grad(autograd.grad(squared_error_malignant))(z)
    assert np.isclose(d1, -2 * s * (1 - s) ** 2, rtol=1e-8, atol=1e-14)
    assert np.isclose(d2, -2 * s * (1 - s) ** 2 * (1 - 3 * s), rtol=1e-7, atol=1e-14)
    # negative exactly left of -log 2 (away from the sign change, where rounding decides)
    assume(abs(z + np.log(2)) > 1e-6 and s > 1e-12)
    assert (d2 < 0) == (z < -np.log(2))
    # the cross-entropy has a positive second derivative everywhere
    d2_ce = autograd.grad(autograd.grad(lambda t: anp.logaddexp(0.0, t) - t))(z)
    assert d2_ce > 0


def test_squared_error_slope_vanishes_for_confident_mistakes():
    zs = -np.arange(5.0, 40.0, 5.0)
    s = special.sigmoid(zs)
    slope_sq = np.abs(-2 * s * (1 - s) ** 2)
    slope_ce = np.abs(s - 1)
    assert np.all(slope_sq[1:] < slope_sq[:-1])                   # shrinks as z -> -infinity
    assert slope_sq[-1] < 1e-14 and np.all(slope_ce > 0.99)       # while the CE slope tends to 1


# ------------------------------------------------------------------ ex-logistic-2
@settings(max_examples=50, deadline=None)
@given(seeds, sizes)
def test_squared_error_gradient_matrix_form(seed, size):
    X, y, w = problem(seed, *size)
    N = len(y)

    def h(v):
        return anp.mean((ad_sigmoid(anp.dot(X, v)) - y) ** 2)

    p = special.sigmoid(X @ w)
    by_hand = 2 / N * X.T @ ((p - y) * p * (1 - p))
    np.testing.assert_allclose(by_hand, autograd.grad(h)(w), rtol=1e-9, atol=1e-12)


# ------------------------------------------------------------------ thm-logistic-convex
@settings(max_examples=100, deadline=None)
@given(seeds, sizes, alphas, st.floats(0.1, 10.0))
def test_hessian_is_at_least_alpha(seed, size, alpha, scale):
    X, y, w = problem(seed, *size, scale=scale)
    H = linear.logistic_hessian(3 * w, X, alpha=alpha)
    smallest = np.linalg.eigvalsh(H)[0]        # H is symmetric
    assert smallest >= alpha - 1e-12 * np.linalg.norm(H, 2)


@settings(max_examples=100, deadline=None)
@given(seeds, sizes, alphas)
def test_gradient_is_strongly_monotone(seed, size, alpha):
    X, y, w = problem(seed, *size)
    u = np.random.default_rng(seed + 1).standard_normal(w.shape) * 3
    lhs = (linear.logistic_gradient(w, X, y, alpha=alpha) - linear.logistic_gradient(u, X, y, alpha=alpha)) @ (w - u)
    assert lhs >= alpha * np.sum((w - u) ** 2) * (1 - 1e-9)


@settings(max_examples=30, deadline=None)
@given(seeds, sizes, alphas)
def test_certificate_bounds_the_distance_to_the_minimiser(seed, size, alpha):
    X, y, w = problem(seed, *size)
    w_star = minimiser(X, y, alpha)
    # w_star itself is only as good as its own certificate
    slack = np.linalg.norm(linear.logistic_gradient(w_star, X, y, alpha=alpha)) / alpha
    assert slack < 1e-8
    for v in (w, 0.1 * w + w_star, np.zeros_like(w)):
        bound = np.linalg.norm(linear.logistic_gradient(v, X, y, alpha=alpha)) / alpha
        assert np.linalg.norm(v - w_star) <= bound * (1 + 1e-9) + slack


@settings(max_examples=50, deadline=None)
@given(seeds, sizes, alphas)
def test_hessian_at_zero_is_a_quarter_of_the_gram_matrix(seed, size, alpha):
    X, _, _ = problem(seed, *size)
    N, D = X.shape
    expected = X.T @ X / (4 * N) + alpha * np.eye(D)
    np.testing.assert_allclose(linear.logistic_hessian(np.zeros(D), X, alpha=alpha), expected, atol=1e-14)


# ------------------------------------------------------------------ ex-logistic-4
@settings(max_examples=30, deadline=None)
@given(seeds, sizes, alphas)
def test_intercept_balances_mean_probability(seed, size, alpha):
    X, y, _ = problem(seed, *size)
    w_star = minimiser(X, y, alpha)
    mean_p = np.mean(special.sigmoid(X @ w_star))
    assert np.isclose(mean_p, np.mean(y) - alpha * w_star[0], rtol=0, atol=1e-9)


# ------------------------------------------------------------------ ex-logistic-3
@settings(max_examples=50, deadline=None)
@given(seeds, sizes)
def test_separable_data_have_no_minimiser_without_penalty(seed, size):
    n, d = size
    rng = np.random.default_rng(seed)
    X = np.column_stack([np.ones(n), rng.standard_normal((n, d))])
    v = rng.standard_normal(d + 1)
    margin = X @ v
    assume(np.min(np.abs(margin)) > 1e-3)
    y = (margin > 0).astype(float)         # labelled by the hyperplane: separable by construction
    m_min, m_max = np.min(np.abs(margin)), np.max(np.abs(margin))
    ts = np.array([1.0, 2.0, 4.0, 8.0, 100.0, 1e4])
    values = np.array([linear.logistic_objective(t * v, X, y, alpha=0.0) for t in ts])
    rounding = 4 * np.finfo(float).eps * (1 + ts * m_max)      # log(1+e^z) - y z loses eps |z|
    # every term is log(1 + e^{-t |margin_n|}) <= log(1 + e^{-t min|margin|}) -> 0, and is positive
    assert np.all(values <= np.log1p(np.exp(-ts * m_min)) + rounding)
    assert np.all(values[1:] <= values[:-1] + rounding[1:])
    assert np.all(values >= 0)


# ------------------------------------------------------------------ prop-logistic-sklearn-c
@settings(max_examples=25, deadline=None)
@given(seeds, st.tuples(st.integers(20, 60), st.integers(1, 5)), alphas)
def test_sklearn_with_c_equal_one_over_n_alpha_minimises_the_averaged_objective(seed, size, alpha):
    X, y, _ = problem(seed, *size)
    assume(0 < y.sum() < len(y))           # scikit-learn needs both classes
    N = len(y)
    model = LogisticRegression(C=1 / (N * alpha), fit_intercept=False, tol=1e-10, max_iter=10_000)
    w_sk = model.fit(X, y).coef_.ravel()
    w_star = minimiser(X, y, alpha)
    g_sk = np.linalg.norm(linear.logistic_gradient(w_sk, X, y, alpha=alpha))
    g_star = np.linalg.norm(linear.logistic_gradient(w_star, X, y, alpha=alpha))
    assert g_sk < 1e-6
    # both are within their certificates of the unique minimiser
    assert np.linalg.norm(w_sk - w_star) <= (g_sk + g_star) / alpha * (1 + 1e-9) + 1e-12
    assert np.isclose(linear.logistic_objective(w_sk, X, y, alpha=alpha),
                      linear.logistic_objective(w_star, X, y, alpha=alpha), rtol=1e-9, atol=1e-12)


# ------------------------------------------------------------------ which solvers penalise the intercept
@pytest.mark.parametrize("solver, penalised", [("lbfgs", False), ("newton-cg", False),
                                               ("newton-cholesky", False), ("sag", False),
                                               ("saga", False), ("liblinear", True)])
def test_which_scikit_learn_solvers_penalise_the_intercept(solver, penalised):
    # At the minimiser the derivative in the intercept b is mean(p) - mean(y) + alpha_b * b, where
    # alpha_b = alpha if b is penalised and 0 if not. A strong penalty and unbalanced labels make
    # b far from 0, so the two cases are told apart by far more than the solver tolerance.
    rng = np.random.default_rng(0)
    N, D, alpha = 200, 3, 1.0
    X = rng.standard_normal((N, D))
    y = (rng.random(N) < special.sigmoid(X @ np.array([1.0, -1.0, 0.5]) + 1.5)).astype(float)
    model = LogisticRegression(C=1 / (N * alpha), solver=solver, tol=1e-10, max_iter=100_000)
    model.fit(X, y)
    b = model.intercept_[0]
    balance = model.predict_proba(X)[:, 1].mean() - y.mean()
    assert abs(b) > 0.05
    assert balance == pytest.approx(-alpha * b if penalised else 0.0, abs=1e-6)
