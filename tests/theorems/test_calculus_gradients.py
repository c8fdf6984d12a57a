"""Tests of the results stated in book/calculus/gradients.md.

- The hand-derived gradients of the page and its exercises (mean squared error of the
  seasonal model, its RMSE, the logistic loss, the Euclidean norm) agree with central
  differences and with automatic differentiation (autograd) at random points.
- thm-gradients-directional: D_u f(x) = grad f(x)^T u for differentiable f.
- thm-gradients-steepest: no unit direction has a larger directional derivative than
  grad f / ||grad f||, whose rate is ||grad f||.
- thm-gradients-level-sets: the gradient is orthogonal to curves inside a level set.
- The counterexamples: x1 x2 / (x1^2 + x2^2) has partial derivatives but is not even
  continuous at 0; x1^2 x2 / (x1^2 + x2^2) has directional derivatives u1^2 u2, not linear in u.
- The common mistakes: check_gradient rejects a gradient of the wrong shape and flags a
  missing factor 2; finite-difference errors grow again for very small steps.
"""

from __future__ import annotations

import autograd
import autograd.numpy as anp
import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays
from scipy.optimize import brentq
from scipy.special import expit

from m4ml import data, stats
from m4ml.calculus import derivatives
from m4ml.linalg.features import fourier_features

weights = st.floats(min_value=-50.0, max_value=50.0)
angles = st.floats(min_value=0.0, max_value=2 * np.pi)


@pytest.fixture(scope="module")
def weather():
    """The page's data: days of 1991-2020 with a maximum, design matrix with 1, cos, sin."""
    days = data.load_weather(start="1991-01-01", end="2020-12-31").dropna(subset=["tmax"])
    t = (days.index.day_of_year - 1).to_numpy(dtype=float)
    return fourier_features(t), days["tmax"].to_numpy()


def mse_and_grad(Phi, y):
    """The page's loss (eq-gradients-mse) and its hand-derived gradient (eq-gradients-mse-grad)."""
    N = len(y)

    def mse(w):
        return anp.mean((anp.dot(Phi, w) - y) ** 2)

    def grad(w):
        return 2 * Phi.T @ (Phi @ w - y) / N

    return mse, grad


# --- hand-derived gradients against central differences and autograd ------------------------


@settings(max_examples=40, deadline=None)
@given(st.integers(2, 3), st.lists(weights, min_size=3, max_size=3))
def test_mse_gradient_matches_numerical_and_autograd(weather, n_weights, w):
    Phi, y = weather
    mse, grad = mse_and_grad(Phi[:, :n_weights], y)
    w = np.array(w[:n_weights])
    exact = autograd.grad(mse)(w)
    np.testing.assert_allclose(grad(w), exact, rtol=1e-9, atol=1e-9)
    check = derivatives.check_gradient(mse, grad, w)
    assert check.ok, check.relative_error


@settings(max_examples=40, deadline=None)
@given(st.lists(weights, min_size=2, max_size=2), st.lists(weights, min_size=2, max_size=2))
def test_mse_expansion_is_exact(weather, w, h):
    """f(w + h) = f(w) + grad f(w)^T h + ||Phi h||^2 / N, the derivation that proves differentiability."""
    Phi, y = weather
    Phi = Phi[:, :2]
    mse, grad = mse_and_grad(Phi, y)
    w, h = np.array(w), np.array(h)
    rhs = mse(w) + grad(w) @ h + np.mean((Phi @ h) ** 2)
    assert mse(w + h) == pytest.approx(rhs, rel=1e-10, abs=1e-8)


@settings(max_examples=30, deadline=None)
@given(st.lists(weights, min_size=2, max_size=2))
def test_rmse_gradient(weather, w):
    Phi, y = weather
    mse, grad = mse_and_grad(Phi[:, :2], y)
    w = np.array(w)

    def rmse(v):
        return anp.sqrt(mse(v))

    def grad_rmse(v):
        return grad(v) / (2 * np.sqrt(mse(v)))

    np.testing.assert_allclose(grad_rmse(w), autograd.grad(rmse)(w), rtol=1e-9, atol=1e-12)
    assert derivatives.check_gradient(rmse, grad_rmse, w).ok


@pytest.fixture(scope="module")
def cancer_two_features():
    cancer = data.load_cancer()
    cols = [cancer.feature_names.index(name) for name in ("mean radius", "mean texture")]
    return stats.standardize(cancer.X[:, cols]).Z, cancer.y.astype(float)


@settings(max_examples=40, deadline=None)
@given(arrays(np.float64, 2, elements=st.floats(-5, 5)))
def test_logistic_gradient_of_exercise_1(cancer_two_features, w):
    X, y = cancer_two_features

    def loss(v):
        s = anp.dot(X, v)
        return anp.mean(anp.logaddexp(0.0, s) - y * s)

    def grad(v):
        return X.T @ (expit(X @ v) - y) / len(y)

    np.testing.assert_allclose(grad(w), autograd.grad(loss)(w), rtol=1e-9, atol=1e-12)
    assert derivatives.check_gradient(loss, grad, w).ok


@settings(max_examples=50, deadline=None)
@given(arrays(np.float64, st.integers(1, 6), elements=st.floats(-10, 10)))
def test_norm_gradient_of_exercise_2(x):
    assume(np.linalg.norm(x) > 1e-2)
    np.testing.assert_allclose(x / np.linalg.norm(x), autograd.grad(anp.linalg.norm)(x), rtol=1e-12, atol=1e-14)
    assert derivatives.check_gradient(np.linalg.norm, lambda v: v / np.linalg.norm(v), x).ok


# --- directional derivatives and steepest ascent ----------------------------------------------


def f_smooth(x):
    """A smooth non-quadratic test function on R^D."""
    return anp.sum(anp.sin(x) * x) + anp.log(1.0 + anp.sum(x**2)) + 0.3 * anp.sum(x) ** 2


def directional_fd(f, x, u, h=1e-5):
    """Central-difference estimate of D_u f(x)."""
    return (f(x + h * u) - f(x - h * u)) / (2 * h)


dims = st.integers(1, 6)


@st.composite
def point_and_direction(draw):
    d = draw(dims)
    x = draw(arrays(np.float64, d, elements=st.floats(-3, 3)))
    u = draw(arrays(np.float64, d, elements=st.floats(-1, 1)))
    assume(np.linalg.norm(u) > 1e-3)
    return x, u / np.linalg.norm(u)


@settings(max_examples=100, deadline=None)
@given(point_and_direction())
def test_directional_derivative_is_gradient_dot_u(xu):
    x, u = xu
    g = autograd.grad(f_smooth)(x)
    # O(h^2) truncation with h = 1e-5 and bounded third derivatives, plus rounding ~1e-11
    assert directional_fd(f_smooth, x, u) == pytest.approx(g @ u, abs=1e-7)


@settings(max_examples=30, deadline=None)
@given(st.lists(weights, min_size=2, max_size=2), angles)
def test_directional_derivative_on_the_weather_loss(weather, w, theta):
    Phi, y = weather
    mse, grad = mse_and_grad(Phi[:, :2], y)
    w, u = np.array(w), np.array([np.cos(theta), np.sin(theta)])
    assert directional_fd(mse, w, u) == pytest.approx(grad(w) @ u, rel=1e-7, abs=1e-6)


@settings(max_examples=100, deadline=None)
@given(point_and_direction())
def test_no_unit_direction_beats_the_normalised_gradient(xu):
    x, u = xu
    g = autograd.grad(f_smooth)(x)
    norm = np.linalg.norm(g)
    assume(norm > 1e-3)
    up, down = directional_fd(f_smooth, x, g / norm), directional_fd(f_smooth, x, -g / norm)
    rate = directional_fd(f_smooth, x, u)
    tol = 1e-7
    assert up == pytest.approx(norm, abs=tol)            # the rate of steepest ascent is ||grad||
    assert down == pytest.approx(-norm, abs=tol)
    assert down - tol <= rate <= up + tol
    assert abs(g @ u) <= norm * (1 + 1e-12)              # Cauchy-Schwarz, the heart of the proof


@settings(max_examples=10, deadline=None)
@given(st.lists(weights, min_size=2, max_size=2))
def test_scan_of_directions_peaks_at_the_gradient(weather, w):
    Phi, y = weather
    mse, grad = mse_and_grad(Phi[:, :2], y)
    w = np.array(w)
    g = grad(w)
    assume(np.linalg.norm(g) > 1e-3)
    theta = np.linspace(0, 2 * np.pi, 3600, endpoint=False)            # 0.1 degree apart
    U = np.column_stack([np.cos(theta), np.sin(theta)])
    h = 1e-4
    rates = (np.mean((Phi[:, :2] @ (w + h * U).T - y[:, None]) ** 2, axis=0)
             - np.mean((Phi[:, :2] @ (w - h * U).T - y[:, None]) ** 2, axis=0)) / (2 * h)
    best = theta[np.argmax(rates)]
    gap = np.angle(np.exp(1j * (best - np.arctan2(g[1], g[0]))))
    assert abs(gap) <= np.radians(0.1)
    assert rates.max() == pytest.approx(np.linalg.norm(g), rel=1e-5)


# --- orthogonality to level sets --------------------------------------------------------------


@settings(max_examples=100, deadline=None)
@given(st.floats(-10, 10), st.floats(-5, 5))
def test_gradient_orthogonal_to_the_level_curves_of_y_minus_sin_x(s, c):
    """f(x1, x2) = x2 - sin(x1) has the level curves gamma(s) = (s, c + sin s)."""

    def f(x):
        return x[1] - anp.sin(x[0])

    def gamma(r):
        return anp.array([r, c + anp.sin(r)])

    x = gamma(s)
    assert f(x) == pytest.approx(c, abs=1e-12)
    tangent = autograd.jacobian(gamma)(s)
    assert autograd.grad(f)(x) @ tangent == pytest.approx(0.0, abs=1e-12)


@settings(max_examples=100, deadline=None)
@given(st.floats(0.1, 10), st.floats(0.1, 10), st.floats(0.01, 100), angles)
def test_gradient_orthogonal_to_ellipses(a, b, c, s):
    """f = a x1^2 + b x2^2 has the level curves gamma(s) = (sqrt(c/a) cos s, sqrt(c/b) sin s)."""

    def f(x):
        return a * x[0] ** 2 + b * x[1] ** 2

    def gamma(r):
        return anp.array([anp.sqrt(c / a) * anp.cos(r), anp.sqrt(c / b) * anp.sin(r)])

    x = gamma(s)
    assert f(x) == pytest.approx(c, rel=1e-12)
    g, tangent = autograd.grad(f)(x), autograd.jacobian(gamma)(s)
    assert abs(g @ tangent) <= 1e-12 * np.linalg.norm(g) * np.linalg.norm(tangent) + 1e-300


@settings(max_examples=30, deadline=None)
@given(st.floats(0.2, 5), st.floats(-0.9, 0.9), st.floats(0.2, 5), st.floats(0.5, 20), angles)
def test_ray_construction_of_the_page_finds_orthogonal_tangents(a, rho, b, c, theta):
    """The page's check: points where rays from the minimiser cross a contour trace that contour."""
    A = np.array([[a, rho * np.sqrt(a * b)], [rho * np.sqrt(a * b), b]])   # positive definite
    centre = np.array([1.0, -2.0])

    def f(x):
        return (x - centre) @ A @ (x - centre)

    def on_contour(angle):
        d = np.array([np.cos(angle), np.sin(angle)])
        return centre + brentq(lambda r: f(centre + r * d) - c, 0.0, 1e3, xtol=1e-13) * d

    dt = 1e-4
    tangent = (on_contour(theta + dt) - on_contour(theta - dt)) / (2 * dt)
    g = 2 * A @ (on_contour(theta) - centre)
    assert abs(g @ tangent) / (np.linalg.norm(g) * np.linalg.norm(tangent)) < 1e-6


# --- the counterexamples ----------------------------------------------------------------------


def f_bad(x1, x2):
    return 0.0 if x1 == x2 == 0 else x1 * x2 / (x1**2 + x2**2)


def f_ex3(x1, x2):
    return 0.0 if x1 == x2 == 0 else x1**2 * x2 / (x1**2 + x2**2)


@given(st.floats(1e-100, 1e100), st.sampled_from([-1.0, 1.0]))
def test_partial_derivatives_exist_but_f_is_discontinuous(t, sign):
    t = sign * t
    assert f_bad(t, 0.0) / t == 0.0 and f_bad(0.0, t) / t == 0.0   # both partial quotients vanish
    assert f_bad(t, t) == pytest.approx(0.5, rel=1e-15)           # but f = 1/2 on the diagonal


@settings(max_examples=100)
@given(angles, st.floats(1e-8, 1.0), st.sampled_from([-1.0, 1.0]))
def test_directional_derivatives_of_exercise_3_are_not_linear(theta, t, sign):
    u1, u2 = np.cos(theta), np.sin(theta)
    t = sign * t
    assert f_ex3(t * u1, t * u2) / t == pytest.approx(u1**2 * u2, abs=1e-12)
    assert abs(f_ex3(t * u1, t * u2)) <= abs(t) * (1 + 1e-12)       # continuous at 0
    # grad f(0) = 0 from the axes, yet D_u f(0) = u1^2 u2 is non-zero off the axes
    assert f_ex3(t, 0.0) == 0.0 and f_ex3(0.0, t) == 0.0


# --- the common mistakes ----------------------------------------------------------------------


def test_check_gradient_catches_the_mistakes_of_the_page(weather):
    Phi, y = weather
    Phi = Phi[:, :2]
    mse, grad = mse_and_grad(Phi, y)
    w = np.array([20.0, 0.0])
    with pytest.raises(ValueError, match=r"grad returned shape \(\d+,\), expected \(2,\)"):
        derivatives.check_gradient(mse, lambda v: Phi @ v - y, w)
    no_two = derivatives.check_gradient(mse, lambda v: grad(v) / 2, w)
    assert not no_two.ok
    assert no_two.relative_error == pytest.approx(0.5, rel=1e-6)
    assert derivatives.check_gradient(mse, grad, w).relative_error < 1e-8


def test_finite_difference_error_is_v_shaped(weather):
    Phi, y = weather
    mse, grad = mse_and_grad(Phi[:, :2], y)
    w, e0 = np.array([20.0, 0.0]), np.array([1.0, 0.0])

    def rmse(v):
        return np.sqrt(mse(v))

    exact = grad(w)[0] / (2 * rmse(w))

    def forward(h):
        return abs((rmse(w + h * e0) - rmse(w)) / h - exact)

    def central(h):
        return abs((rmse(w + h * e0) - rmse(w - h * e0)) / (2 * h) - exact)

    # truncation arms: slope 1 for forward, slope 2 for central differences
    assert forward(1e-2) / forward(1e-3) == pytest.approx(10, rel=0.05)
    assert central(1e-1) / central(1e-2) == pytest.approx(100, rel=0.05)
    # rounding arm: a tiny step is far worse than the default step of m4ml.calculus
    h_default = np.cbrt(np.finfo(float).eps) * 20.0
    assert central(1e-14) > 1e4 * central(h_default)
    assert forward(1e-14) > 1e3 * forward(np.sqrt(np.finfo(float).eps) * 20.0)
