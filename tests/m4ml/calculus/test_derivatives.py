"""m4ml.calculus against known derivatives and automatic differentiation (autograd)."""

import autograd
import autograd.numpy as anp
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from m4ml.calculus import derivatives

vectors = arrays(np.float64, st.integers(1, 6), elements=st.floats(-3, 3))


def f_smooth(x):
    return anp.sum(anp.sin(x) * x**2) + anp.log(1 + anp.sum(x**2))


@settings(max_examples=50, deadline=None)
@given(vectors)
def test_numerical_gradient_matches_autograd(x):
    exact = autograd.grad(f_smooth)(x)
    approx = derivatives.numerical_gradient(f_smooth, x)
    # central differences with h ~ eps^(1/3): error ~ eps^(2/3) * (size of f''') ~ 1e-10 here
    np.testing.assert_allclose(approx, exact, rtol=1e-6, atol=1e-7)


@settings(max_examples=30, deadline=None)
@given(vectors)
def test_numerical_jacobian_and_hessian_match_autograd(x):
    def g(v):
        return anp.tanh(v) * anp.sum(v)

    np.testing.assert_allclose(derivatives.numerical_jacobian(g, x), autograd.jacobian(g)(x), rtol=1e-6, atol=1e-7)
    H = derivatives.numerical_hessian(f_smooth, x)
    np.testing.assert_allclose(H, autograd.hessian(f_smooth)(x), rtol=1e-4, atol=1e-4)
    np.testing.assert_array_equal(H, H.T)


def test_check_gradient_accepts_right_and_rejects_wrong():
    A = np.array([[2.0, 1.0], [1.0, 3.0]])
    x = np.array([1.0, -2.0])
    good = derivatives.check_gradient(lambda v: v @ A @ v, lambda v: 2 * A @ v, x)
    assert good.ok and good.relative_error < 1e-8
    bad = derivatives.check_gradient(lambda v: v @ A @ v, lambda v: A @ v, x)  # forgot the factor 2
    assert not bad.ok and bad.relative_error > 0.1
    assert derivatives.numerical_gradient(np.sin, 0.3) == pytest.approx(np.cos(0.3), abs=1e-9)
    W = np.arange(4.0).reshape(2, 2)
    assert derivatives.numerical_jacobian(lambda M: M @ np.ones(2), W).shape == (2, 2, 2)


def rosenbrock(v):
    return (1 - v[0]) ** 2 + 100 * (v[1] - v[0] ** 2) ** 2


def rosenbrock_grad(v):
    return np.array([-2 * (1 - v[0]) - 400 * v[0] * (v[1] - v[0] ** 2), 200 * (v[1] - v[0] ** 2)])


def test_check_gradient_accepts_a_correct_gradient_at_a_stationary_point():
    # At the minimum (1, 1) the exact gradient is 0, but the central differences are not: their
    # truncation error h^2/6 times the third derivative (2400) is about 1.5e-8. The relative error
    # is then 1, and only the absolute floor atol can accept the gradient.
    x = np.array([1.0, 1.0])
    check = derivatives.check_gradient(rosenbrock, rosenbrock_grad, x)
    assert np.all(check.analytic == 0) and np.any(check.numerical != 0)
    assert check.relative_error == pytest.approx(1.0)
    assert 0 < check.absolute_error <= 1e-7
    assert check.ok
    # atol=0 is the old, purely relative test, which rejected this correct gradient
    assert not derivatives.check_gradient(rosenbrock, rosenbrock_grad, x, atol=0).ok


def test_check_gradient_at_a_stationary_point_still_rejects_a_wrong_gradient():
    # ridge loss at its minimiser; forgetting the penalty's gradient alpha*w leaves -alpha*w*,
    # far above the floor
    rng = np.random.default_rng(0)
    X, y, alpha = rng.standard_normal((30, 4)), rng.standard_normal(30), 0.5
    w_star = np.linalg.solve(X.T @ X / 30 + alpha * np.eye(4), X.T @ y / 30)

    def f(w):
        return (X @ w - y) @ (X @ w - y) / 60 + alpha / 2 * (w @ w)

    right = derivatives.check_gradient(f, lambda w: X.T @ (X @ w - y) / 30 + alpha * w, w_star)
    assert right.ok and right.absolute_error < 1e-9
    wrong = derivatives.check_gradient(f, lambda w: X.T @ (X @ w - y) / 30, w_star)
    assert not wrong.ok
    assert wrong.absolute_error == pytest.approx(alpha * np.linalg.norm(w_star), rel=1e-6)


@settings(max_examples=50, deadline=None)
@given(vectors, st.floats(0, 1e-3), st.floats(0, 1e-3))
def test_check_gradient_applies_the_stated_rule(x, rtol, atol):
    def slightly_wrong(v):
        return autograd.grad(f_smooth)(v) * 1.001

    check = derivatives.check_gradient(f_smooth, slightly_wrong, x, rtol=rtol, atol=atol)
    size = max(np.linalg.norm(check.analytic), np.linalg.norm(check.numerical))
    assert check.absolute_error == pytest.approx(np.linalg.norm(check.analytic - check.numerical))
    assert check.ok == (check.absolute_error <= atol + rtol * size)


def half_square(v):
    return 0.5 * v @ v


@pytest.mark.parametrize("x", [np.array([1e6, 2e6]), np.array([0.3, -0.2, 0.1]), np.array([-40.0, 25.0])])
def test_numerical_hessian_scales_its_step_with_x(x):
    # 1/2 ||x||^2 has Hessian I. The formula is exact for a quadratic, so only rounding is left:
    # each value of f is off by about eps * f(x) (from rounding x + h and f itself), and the
    # second difference divides four of them by 4 h_i h_j, with h_i = eps^(1/4) max(1, |x_i|).
    eps = np.finfo(float).eps
    steps = eps**0.25 * np.maximum(1.0, np.abs(x))
    atol = 8 * eps * max(1.0, half_square(x)) / np.outer(steps, steps)
    assert atol.max() < 1e-6                   # so the test below is a sharp one
    H = derivatives.numerical_hessian(half_square, x)
    assert np.all(np.abs(H - np.eye(x.size)) <= atol)
    np.testing.assert_array_equal(H, H.T)


def test_an_unscaled_step_fails_at_large_x():
    # the old default, h = eps^(1/4) for every coordinate: at x = 1e6 the rounding error
    # eps * f(x) / h^2 is of order 1e4, and the result is useless
    eps = np.finfo(float).eps
    unscaled = derivatives.numerical_hessian(half_square, np.array([1e6, 2e6]), h=eps**0.25)
    assert np.abs(unscaled - np.eye(2)).max() > 0.5


def test_numerical_hessian_of_a_cubic_at_large_x():
    # f(x) = sum(x_i^3) / 3 has Hessian diag(2 x_i): relative error of order sqrt(eps)
    x = np.array([1e5, -3e4, 5e4])
    H = derivatives.numerical_hessian(lambda v: np.sum(v**3) / 3, x)
    np.testing.assert_allclose(np.diag(H), 2 * x, rtol=1e-6)
    assert np.abs(H - np.diag(np.diag(H))).max() <= 1e-6 * np.abs(2 * x).max()


def test_bad_input():
    with pytest.raises(TypeError, match="f must be callable"):
        derivatives.numerical_jacobian(3, [1.0])
    with pytest.raises(ValueError, match="x must not contain NaN, got 1 NaN"):
        derivatives.numerical_gradient(np.sum, [1.0, np.nan])
    with pytest.raises(ValueError, match="f must return a single number"):
        derivatives.numerical_gradient(lambda v: v, np.ones(3))
    with pytest.raises(ValueError, match="h must be "):
        derivatives.numerical_gradient(np.sum, np.ones(2), h=0)
    with pytest.raises(ValueError, match=r"grad returned shape \(3,\), expected \(2,\)"):
        derivatives.check_gradient(np.sum, lambda v: np.ones(3), np.ones(2))
    with pytest.raises(ValueError, match="x must be a vector for a Hessian"):
        derivatives.numerical_hessian(np.sum, np.ones((2, 2)))
    with pytest.raises(TypeError, match="f must be callable"):
        derivatives.numerical_hessian(None, np.ones(2))
    with pytest.raises(TypeError, match="f must be callable"):
        derivatives.numerical_gradient("f", np.ones(2))
    with pytest.raises(ValueError, match="f must return a single number for a Hessian"):
        derivatives.numerical_hessian(lambda v: v, np.ones(2))
    with pytest.raises(ValueError, match="h must be "):
        derivatives.numerical_hessian(np.sum, np.ones(2), h=-1.0)
    with pytest.raises(ValueError, match="atol must be "):
        derivatives.check_gradient(np.sum, np.ones_like, np.ones(2), atol=-1e-8)
    with pytest.raises(TypeError, match="rtol must be a real number"):
        derivatives.check_gradient(np.sum, np.ones_like, np.ones(2), rtol="1e-6")
    with pytest.raises(TypeError, match="grad must be callable"):
        derivatives.check_gradient(np.sum, 3, np.ones(2))
