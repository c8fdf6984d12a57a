"""Tests of the results stated in book/foundations/gradient_descent.md.

The quadratic theorem (thm-gradient-descent-1d-quadratic): on
f(x) = (a/2)(x - x*)^2 + c, gradient descent gives x_t - x* = (1 - eta a)^t (x0 - x*),
so it converges for 0 < eta < 2/a and diverges for eta > 2/a. Every derivative the
page derives by hand is checked against central differences, and the claim that a
feature standardised with sigma_x (divisor N) makes eta = 1/2 exactly one step.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from m4ml import stats
from m4ml.optim.descent import gradient_descent

curvatures = st.floats(min_value=1e-2, max_value=1e2)
points = st.floats(min_value=-10.0, max_value=10.0)


def quadratic(a, x_star, c=0.0):
    return (lambda x: 0.5 * a * (x - x_star) ** 2 + c), (lambda x: a * (x - x_star))


def predicted(a, x_star, x0, eta, n):
    t = np.arange(n)
    return x_star + (1 - eta * a) ** t * (x0 - x_star)


@settings(deadline=None, max_examples=300)
@given(curvatures, points, points, points, st.floats(min_value=0.01, max_value=1.99))
def test_quadratic_iterates_follow_the_closed_form(a, x_star, x0, c, eta_a):
    eta = eta_a / a
    f, df = quadratic(a, x_star, c)
    run = gradient_descent(f, df, x0, step_size=eta, max_iter=60, tol=1e-300)
    scale = 1.0 + abs(x0) + abs(x_star)
    # Rounding adds O(eps * scale) per step and the contraction keeps it bounded.
    np.testing.assert_allclose(run.path, predicted(a, x_star, x0, eta, len(run.path)),
                               rtol=0, atol=1e-12 * scale * len(run.path))
    gap = (1 - eta_a) ** (2 * np.arange(len(run.path))) * (f(x0) - c)
    np.testing.assert_allclose(run.values - c, gap, rtol=0, atol=1e-10 * scale**2 * a)


@settings(deadline=None, max_examples=200)
@given(curvatures, points, points, st.floats(min_value=0.05, max_value=1.95))
def test_quadratic_converges_for_eta_below_two_over_a(a, x_star, x0, eta_a):
    assume(abs(x0 - x_star) > 1e-3)
    f, df = quadratic(a, x_star)
    run = gradient_descent(f, df, x0, step_size=eta_a / a, max_iter=5000, tol=1e-9 * a)
    assert run.converged
    assert run.x == pytest.approx(x_star, abs=1e-8)


@settings(deadline=None, max_examples=200)
@given(curvatures, points, points, st.floats(min_value=2.05, max_value=4.0))
def test_quadratic_diverges_for_eta_above_two_over_a(a, x_star, x0, eta_a):
    assume(abs(x0 - x_star) > 1e-2)
    f, df = quadratic(a, x_star)
    run = gradient_descent(f, df, x0, step_size=eta_a / a, max_iter=200)
    assert not run.converged
    errors = np.abs(run.path - x_star)
    assert np.all(np.diff(errors) > 0)                      # every step moves further away
    np.testing.assert_allclose(errors, np.abs(predicted(a, x_star, x0, eta_a / a, len(errors)) - x_star),
                               rtol=1e-10)


@given(curvatures, points, points)
@settings(deadline=None, max_examples=100)
def test_eta_one_over_a_lands_in_one_step_and_two_over_a_bounces(a, x_star, x0):
    assume(abs(x0 - x_star) > 1e-3)
    f, df = quadratic(a, x_star)
    one = gradient_descent(f, df, x0, step_size=1 / a, max_iter=10, tol=1e-9 * a)
    assert one.n_iter <= 1 and one.x == pytest.approx(x_star, abs=1e-9 * (1 + abs(x0) + abs(x_star)))
    bounce = gradient_descent(f, df, x0, step_size=2 / a, max_iter=10)
    expected = np.where(np.arange(11) % 2 == 0, x0, 2 * x_star - x0)
    np.testing.assert_allclose(bounce.path, expected, rtol=0, atol=1e-9 * (1 + abs(x0) + abs(x_star)))


def central_difference(f, x, h=1e-6):
    return (f(x + h) - f(x - h)) / (2 * h)


data_vectors = arrays(np.float64, st.integers(min_value=2, max_value=30),
                      elements=st.floats(min_value=-20, max_value=20))


@settings(deadline=None, max_examples=100)
@given(data_vectors, st.floats(min_value=-3, max_value=3), st.integers(min_value=0, max_value=2**32 - 1))
def test_slope_loss_gradient_and_minimiser(x, w, seed):
    """Equations (eq-gradient-descent-1d-grad) and w* = S_xy / S_xx."""
    assume(np.mean(x**2) > 1e-3)
    y = 0.8 * x + np.random.default_rng(seed).normal(size=x.size)
    loss = lambda v: np.mean((y - v * x) ** 2)
    grad = lambda v: 2 * np.mean(x * (v * x - y))
    scale = 1.0 + np.mean(x**2) * (1 + abs(w)) + np.mean(np.abs(x * y))
    assert grad(w) == pytest.approx(central_difference(loss, w), abs=1e-5 * scale)
    w_star = (x @ y) / (x @ x)
    assert grad(w_star) == pytest.approx(0.0, abs=1e-9 * scale)
    a = 2 * np.mean(x**2)     # the completed square of (eq-gradient-descent-1d-quadratic)
    assert loss(w) == pytest.approx(0.5 * a * (w - w_star) ** 2 + loss(w_star), rel=1e-9, abs=1e-9 * scale)


@settings(deadline=None, max_examples=100)
@given(st.floats(min_value=-30, max_value=30), st.floats(min_value=0.01, max_value=0.99))
def test_log_loss_derivatives(b, ybar):
    f = lambda v: np.logaddexp(0.0, v) - ybar * v
    sigma = lambda v: 1 / (1 + np.exp(-v))
    df = lambda v: sigma(v) - ybar
    assert df(b) == pytest.approx(central_difference(f, b), abs=1e-7)
    assert sigma(b) * (1 - sigma(b)) == pytest.approx(central_difference(df, b), abs=1e-7)
    b_star = np.log(ybar / (1 - ybar))
    assert df(b_star) == pytest.approx(0.0, abs=1e-12)


@settings(deadline=None, max_examples=100)
@given(st.floats(min_value=-2, max_value=2))
def test_quartic_derivative_and_stationary_points(x):
    g = lambda v: (v**2 - 1) ** 2 + v / 2
    dg = lambda v: 4 * v * (v**2 - 1) + 0.5
    assert dg(x) == pytest.approx(central_difference(g, x), abs=1e-6)
    for root in np.roots([4, 0, -4, 0.5]).real:
        assert dg(root) == pytest.approx(0.0, abs=1e-12)


# --- Standardising with sigma_x (divisor N) makes eta = 1/2 exact -------------------------------

spread_samples = arrays(np.float64, st.integers(min_value=2, max_value=40),
                        elements=st.floats(min_value=-50, max_value=50))


@settings(deadline=None, max_examples=150)
@given(spread_samples, st.floats(min_value=-3, max_value=3), st.floats(min_value=-5, max_value=5),
       st.integers(min_value=0, max_value=2**32 - 1))
def test_standardised_feature_has_curvature_two_and_eta_half_is_one_step(x, slope, w0, seed):
    """gradient_descent.md, 'Forgetting to scale the data'.

    With z_n = (x_n - mean) / sigma_x (divisor N) the loss mean((y - w z)^2) has curvature
    a = 2 mean(z^2) = 2 exactly, so eta = 1/2 gives 1 - eta a = 0: one step lands on w*.
    With s_x (divisor N - 1) instead, a = 2 (N - 1) / N and the step leaves 1/N of the error.
    """
    assume(np.std(x) > 1e-3 * (1.0 + np.max(np.abs(x))))
    y = slope * x + np.random.default_rng(seed).normal(size=x.size)
    z = stats.standardize(x).Z
    n = len(x)
    assert 2 * np.mean(z**2) == pytest.approx(2.0, rel=1e-12)
    w_star = (z @ y) / (z @ z)
    grad = lambda w: 2 * np.mean(z * (w * z - y))
    w1 = w0 - 0.5 * grad(w0)
    scale = 1.0 + abs(w0) + abs(w_star)
    assert w1 == pytest.approx(w_star, abs=1e-10 * scale)
    # The sample standard deviation: contraction factor exactly 1/N.
    z_s = stats.standardize(x, ddof=1).Z
    grad_s = lambda w: 2 * np.mean(z_s * (w * z_s - y))
    w_star_s = (z_s @ y) / (z_s @ z_s)
    w1_s = w0 - 0.5 * grad_s(w0)
    assert w1_s - w_star_s == pytest.approx((w0 - w_star_s) / n, abs=1e-9 * scale)
