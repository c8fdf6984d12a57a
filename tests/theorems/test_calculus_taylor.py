"""Tests of the results stated in book/calculus/taylor.md.

- thm-taylor-mvt, thm-taylor-mvt-multi: the slope of a chord lies between the infimum and the
  supremum of the derivative on the interval (segment), so a mean value point exists.
- ex-taylor-4: for curves in R^2 there is no mean value point in general (the circle), but
  ||f(b) - f(a)|| <= (b - a) sup ||f'|| holds, also when the supremum is not attained.
- thm-taylor-lagrange, thm-taylor-multi: the remainder equals a higher derivative at some
  intermediate point, so it lies between its least and greatest value on the interval.
- cor-taylor-orders, prop-taylor-central: remainders shrink at the stated order; we fit the slope of
  log|error| against log h on random smooth functions built with autograd.numpy, whose derivatives
  come from autograd.
- thm-taylor-upper-bound, prop-taylor-least-squares: the quadratic upper bound on random quadratics
  with a PSD matrix, on least squares and on the logistic loss, with equality along the top
  eigenvector where the constant is exact.
- The derivatives the page derives by hand (eq-taylor-logistic, eq-taylor-slice-derivatives and the
  least-squares gradient) against autograd and central differences.
"""

from __future__ import annotations

import autograd
import autograd.numpy as anp
import numpy as np
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from m4ml.calculus import derivatives, smoothness

# ---------------------------------------------------------------------------------------------
# Random smooth test functions of one variable:
#   f(x) = a sin(b x + c) + e exp(k x) + q x^3,   x in [-1, 1].
# Every derivative of f is bounded on [-2, 2] by a constant depending only on the ranges below.
# ---------------------------------------------------------------------------------------------

coefficient = st.floats(-2.0, 2.0)
coefficients = st.tuples(coefficient, coefficient, st.floats(-np.pi, np.pi), coefficient, coefficient,
                         coefficient)
points = st.floats(-1.0, 1.0)


def make_function(coeffs):
    a, b, c, e, k, q = coeffs

    def f(x):
        return a * anp.sin(b * x + c) + e * anp.exp(k * x) + q * x**3

    return f


def derivatives_of(f, order, *, vectorised=True):
    """[f, f', ..., f^(order)] by repeated automatic differentiation.

    With ``vectorised`` the derivatives of an entry-by-entry function accept arrays of points
    (autograd's elementwise_grad), so one call evaluates a derivative on a whole grid.
    """
    differentiate = autograd.elementwise_grad if vectorised else autograd.grad
    out = [f]
    for _ in range(order):
        out.append(differentiate(out[-1]))
    return out


def fitted_order(hs, errors):
    """Slope of log|error| against log h by least squares."""
    return np.polyfit(np.log(hs), np.log(np.abs(errors)), 1)[0]


# Steps where the next Taylor term is at most a few per cent of the leading one (given the
# `assume` on the ratio of consecutive derivatives below) and rounding error is negligible.
STEPS = np.logspace(-3, -2, 6)


@settings(max_examples=200, deadline=None)
@given(coefficients, points)
def test_first_order_remainder_has_order_two(coeffs, x0):
    f, df, d2f, d3f = derivatives_of(make_function(coeffs), 3)
    # Exact order needs f''(x0) != 0 (cor-taylor-orders); bounding |f'''/f''| keeps the O(h^3) term
    # below (10/3) h <= 3 % of the leading term for h <= 0.01.
    assume(abs(d2f(x0)) > 0.1 and abs(d3f(x0)) < 10 * abs(d2f(x0)))
    errors = [f(x0 + h) - f(x0) - df(x0) * h for h in STEPS]
    assert abs(fitted_order(STEPS, errors) - 2) < 0.05


@settings(max_examples=200, deadline=None)
@given(coefficients, points)
def test_second_order_remainder_has_order_three(coeffs, x0):
    f, df, d2f, d3f, d4f = derivatives_of(make_function(coeffs), 4)
    assume(abs(d3f(x0)) > 0.1 and abs(d4f(x0)) < 10 * abs(d3f(x0)))
    errors = [f(x0 + h) - f(x0) - df(x0) * h - d2f(x0) * h**2 / 2 for h in STEPS]
    assert abs(fitted_order(STEPS, errors) - 3) < 0.05


@settings(max_examples=200, deadline=None)
@given(coefficients, points)
def test_central_difference_has_order_two_and_forward_difference_order_one(coeffs, x0):
    f, df, d2f, d3f, d4f = derivatives_of(make_function(coeffs), 4)
    assume(abs(d2f(x0)) > 0.1 and abs(d3f(x0)) < 10 * abs(d2f(x0)))
    assume(abs(d3f(x0)) > 0.1 and abs(d4f(x0)) < 10 * abs(d3f(x0)))
    # central error >= (0.1/6) h^2 >= 1.6e-8 dwarfs the rounding error ~ 20 eps / h <= 5e-12
    central = [(f(x0 + h) - f(x0 - h)) / (2 * h) - df(x0) for h in STEPS]
    forward = [(f(x0 + h) - f(x0)) / h - df(x0) for h in STEPS]
    assert abs(fitted_order(STEPS, central) - 2) < 0.05
    assert abs(fitted_order(STEPS, forward) - 1) < 0.05


# ---------------------------------------------------------------------------------------------
# Existence statements: a value f^(k)(xi) at an unknown point lies between the least and the
# greatest value of f^(k) on the interval. We sample f^(k) on a fine grid; the grid can miss the
# extremes by at most (spacing) x max|f^(k+1)|, which sets the tolerance.
# ---------------------------------------------------------------------------------------------

GRID = np.linspace(0.0, 1.0, 401)
COARSE = np.linspace(0.0, 1.0, 101)       # for the slower multivariate functions


def assert_between_on_grid(value, samples, derivative_bound, spacing, rounding=0.0):
    """Check min(samples) <= value <= max(samples), up to grid and rounding error.

    ``derivative_bound`` bounds the derivative of the sampled function, so the grid misses its
    extremes by at most ``spacing * derivative_bound``; ``rounding`` bounds the rounding error
    in ``value``.
    """
    slack = spacing * derivative_bound + rounding + 1e-10 * (1 + np.max(np.abs(samples)))
    assert np.min(samples) - slack <= value <= np.max(samples) + slack


# |f| <= 2 + 2 e^2 + 2 < 20 on [-2, 2]: bounds the rounding error of a value of f by 20 * eps.
F_BOUND = 20.0


@settings(max_examples=200, deadline=None)
@given(coefficients, points, st.floats(0.01, 1.0))
def test_mean_value_theorem_chord_slope_lies_between_extremes_of_derivative(coeffs, a, length):
    f, df, d2f = derivatives_of(make_function(coeffs), 2)
    b = a + length
    ts = a + length * GRID
    chord = (f(b) - f(a)) / (b - a)
    second = np.max(np.abs(d2f(ts)))
    # the sampled maximum of |f''| may itself miss by (spacing) x max|f'''|; doubling covers it here
    assert_between_on_grid(chord, df(ts), 2 * second + 1, length * GRID[1],
                           rounding=4 * F_BOUND * np.finfo(float).eps / length)


@settings(max_examples=200, deadline=None)
@given(coefficients, points, st.floats(-1.0, 1.0).filter(lambda h: abs(h) > 1e-2), st.sampled_from([1, 2]))
def test_lagrange_remainder_is_a_derivative_at_an_intermediate_point(coeffs, x0, h, n):
    fs = derivatives_of(make_function(coeffs), n + 2)
    model = sum(fs[k](x0) * h**k / np.prod(range(1, k + 1)) for k in range(n + 1))
    remainder = fs[0](x0 + h) - model
    # thm-taylor-lagrange: remainder = f^(n+1)(xi) h^(n+1) / (n+1)!  for some xi between x0 and x0+h
    scaled = remainder * np.prod(range(1, n + 2)) / h ** (n + 1)
    ts = x0 + h * GRID
    bound = 2 * np.max(np.abs(fs[n + 2](ts))) + 1
    rounding = 8 * F_BOUND * np.finfo(float).eps * np.prod(range(1, n + 2)) / abs(h) ** (n + 1)
    assert_between_on_grid(scaled, fs[n + 1](ts), bound, abs(h) * GRID[1], rounding)


# ---------------------------------------------------------------------------------------------
# Several variables: f(x) = sum_j a_j sin(b_j^T x + c_j) + 1/2 x^T Q x on R^3.
# ---------------------------------------------------------------------------------------------

DIM = 3
small = st.floats(-1.0, 1.0)
params = st.tuples(arrays(np.float64, (4,), elements=small), arrays(np.float64, (4, DIM), elements=small),
                   arrays(np.float64, (4,), elements=small), arrays(np.float64, (DIM, DIM), elements=small))
vectors = arrays(np.float64, (DIM,), elements=small)


def make_multivariate(p):
    a, B, c, Q = p

    def f(x):
        return anp.sum(a * anp.sin(anp.dot(B, x) + c)) + 0.5 * anp.dot(x, anp.dot(Q, x))

    return f


def directional_bound(p, h, k):
    """Bound on |g^(k)(t)| for g(t) = f(x + t h), k >= 2: sum_j |a_j| |b_j^T h|^k (+ |h^T Q h|)."""
    a, B, _, Q = p
    return float(np.sum(np.abs(a) * np.abs(B @ h) ** k) + (abs(h @ Q @ h) if k == 2 else 0.0))


@settings(max_examples=50, deadline=None)
@given(params, vectors, vectors)
def test_multivariate_mean_value_theorem(p, x, y):
    f = make_multivariate(p)
    grad = autograd.grad(f)
    h = y - x
    assume(np.linalg.norm(h) > 1e-3)
    directional = [grad(x + t * h) @ h for t in COARSE]   # g'(t) for g(t) = f(x + t h)
    assert_between_on_grid(f(y) - f(x), directional, directional_bound(p, h, 2), COARSE[1])


@settings(max_examples=50, deadline=None)
@given(params, vectors, vectors)
def test_multivariate_taylor_remainder_is_a_hessian_quadratic_form_on_the_segment(p, x, h):
    f = make_multivariate(p)
    grad, hess = autograd.grad(f), autograd.hessian(f)
    assume(np.linalg.norm(h) > 1e-3)
    remainder = f(x + h) - f(x) - grad(x) @ h
    ts = COARSE[::2]
    forms = [0.5 * h @ hess(x + t * h) @ h for t in ts]     # g''(t) / 2
    assert_between_on_grid(remainder, forms, 0.5 * directional_bound(p, h, 3), ts[1])


@settings(max_examples=50, deadline=None)
@given(params, vectors, arrays(np.float64, (DIM,), elements=st.floats(-1, 1)).filter(lambda v: np.linalg.norm(v) > 0.1))
def test_multivariate_second_order_model_error_has_order_three(p, x, v):
    f = make_multivariate(p)
    grad, hess = autograd.grad(f), autograd.hessian(f)
    v = v / np.linalg.norm(v)
    g1, H = grad(x), hess(x)

    def third(t):                       # third derivative of t -> f(x + t v), by autodiff
        return autograd.grad(lambda s: anp.dot(v, anp.dot(hess(x + s * v), v)))(t)

    def fourth(t):
        return autograd.grad(third)(t)

    assume(abs(third(0.0)) > 0.1 and abs(fourth(0.0)) < 10 * abs(third(0.0)))
    errors = [f(x + h * v) - f(x) - h * g1 @ v - 0.5 * h**2 * v @ H @ v for h in STEPS]
    assert abs(fitted_order(STEPS, errors) - 3) < 0.05


# ---------------------------------------------------------------------------------------------
# The quadratic upper bound (thm-taylor-upper-bound).
# ---------------------------------------------------------------------------------------------

dims = st.integers(1, 6)


@st.composite
def psd_quadratics(draw):
    D = draw(dims)
    B = draw(arrays(np.float64, (D, D), elements=st.floats(-2, 2)))
    b = draw(arrays(np.float64, (D,), elements=st.floats(-2, 2)))
    x = draw(arrays(np.float64, (D,), elements=st.floats(-3, 3)))
    y = draw(arrays(np.float64, (D,), elements=st.floats(-3, 3)))
    return B @ B.T, b, x, y


@settings(max_examples=300, deadline=None)
@given(psd_quadratics())
def test_quadratic_upper_bound_on_random_psd_quadratics(quad):
    A, b, x, y = quad
    f = lambda v: 0.5 * v @ A @ v + b @ v      # noqa: E731
    grad = lambda v: A @ v + b                 # noqa: E731
    evals, evecs = np.linalg.eigh(A)           # A is symmetric: eigh
    L = evals[-1]
    scale = 1 + np.abs(A).sum() * 9 + np.abs(b).sum() * 3
    assert smoothness.quadratic_upper_bound(f, grad, x, y, L) - f(y) >= -1e-12 * scale
    # the gradient is L-Lipschitz
    assert np.linalg.norm(grad(x) - grad(y)) <= L * np.linalg.norm(x - y) + 1e-12 * scale
    # equality along the top eigenvector, and any smaller constant fails there
    top = x + evecs[:, -1]
    tight = smoothness.quadratic_upper_bound(f, grad, x, top, L) - f(top)
    assert abs(tight) <= 1e-12 * scale
    if L > 1e-6 * scale:
        assert smoothness.quadratic_upper_bound(f, grad, x, top, 0.9 * L) - f(top) < 0


@st.composite
def regression_problems(draw):
    N, D = draw(st.integers(1, 8)), draw(dims)
    X = draw(arrays(np.float64, (N, D), elements=st.floats(-3, 3)))
    y = draw(arrays(np.float64, (N,), elements=st.floats(-3, 3)))
    w = draw(arrays(np.float64, (D,), elements=st.floats(-3, 3)))
    v = draw(arrays(np.float64, (D,), elements=st.floats(-3, 3)))
    return X, y, w, v


def least_squares(X, y):
    N = X.shape[0]

    def f(w):
        r = anp.dot(X, w) - y
        return anp.dot(r, r) / (2 * N)

    def grad(w):                                # the page's formula (1/N) X^T (X w - y)
        return X.T @ (X @ w - y) / N

    return f, grad


@settings(max_examples=300, deadline=None)
@given(regression_problems())
def test_least_squares_gradient_matches_autograd_and_central_differences(problem):
    X, y, w, _ = problem
    f, grad = least_squares(X, y)
    np.testing.assert_allclose(grad(w), autograd.grad(f)(w), rtol=1e-10, atol=1e-10)
    np.testing.assert_allclose(derivatives.numerical_gradient(f, w), grad(w), rtol=1e-6, atol=1e-6)


@settings(max_examples=300, deadline=None)
@given(regression_problems())
def test_quadratic_upper_bound_on_least_squares(problem):
    X, y, w, v = problem
    f, grad = least_squares(X, y)
    L = smoothness.lipschitz_constant_least_squares(X)
    scale = 1 + np.sum(X**2) * 9 + np.sum(y**2)
    assert np.linalg.norm(grad(w) - grad(v)) <= L * np.linalg.norm(w - v) + 1e-12 * scale
    assert smoothness.quadratic_upper_bound(f, grad, w, v, L) - f(v) >= -1e-12 * scale
    # prop-taylor-least-squares: no smaller constant works (equality along the top eigenvector)
    q = np.linalg.eigh(X.T @ X)[1][:, -1]
    assert abs(smoothness.quadratic_upper_bound(f, grad, w, w + q, L) - f(w + q)) <= 1e-12 * scale


def logistic(X, y):
    N = X.shape[0]

    def f(w):
        z = anp.dot(X, w)
        return anp.mean(anp.logaddexp(0.0, z) - y * z)

    def grad(w):                                # eq-taylor-logistic
        return X.T @ (1 / (1 + np.exp(-(X @ w))) - y) / N

    return f, grad


@settings(max_examples=200, deadline=None)
@given(regression_problems())
def test_logistic_gradient_and_its_smoothness_constant(problem):
    X, y01, w, v = problem
    y = (y01 > 0).astype(float)
    f, grad = logistic(X, y)
    np.testing.assert_allclose(grad(w), autograd.grad(f)(w), rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(derivatives.numerical_gradient(f, w), grad(w), rtol=1e-6, atol=1e-8)
    L = smoothness.lipschitz_constant_logistic(X)
    scale = 1 + np.sum(X**2) * 9
    assert np.linalg.norm(grad(w) - grad(v)) <= L * np.linalg.norm(w - v) + 1e-12 * scale
    assert smoothness.quadratic_upper_bound(f, grad, w, v, L) - f(v) >= -1e-12 * scale


@settings(max_examples=200, deadline=None)
@given(regression_problems(), st.floats(-2, 2))
def test_slice_derivatives_of_the_logistic_loss(problem, t):
    X, y01, w, d = problem
    y = (y01 > 0).astype(float)
    f, _ = logistic(X, y)
    u = X @ d

    def phi(s):
        return f(s * d)

    s = 1 / (1 + np.exp(-t * u))
    formulas = [np.mean((s - y) * u), np.mean(s * (1 - s) * u**2), np.mean(s * (1 - s) * (1 - 2 * s) * u**3)]
    auto = derivatives_of(phi, 3, vectorised=False)[1:]
    for k in range(3):
        np.testing.assert_allclose(formulas[k], auto[k](t), rtol=1e-8, atol=1e-10)
    np.testing.assert_allclose(derivatives.numerical_gradient(phi, t), formulas[0], rtol=1e-6, atol=1e-8)


# ---------------------------------------------------------------------------------------------
# ex-taylor-4: vector-valued functions of one variable.
# ---------------------------------------------------------------------------------------------

def test_circle_has_no_mean_value_point():
    ts = np.linspace(0.0, 2 * np.pi, 1001)
    chord = np.array([np.cos(2 * np.pi) - 1.0, np.sin(2 * np.pi)]) / (2 * np.pi)
    speeds = np.hypot(-np.sin(ts), np.cos(ts))               # ||f'(t)|| = 1 everywhere
    assert np.linalg.norm(chord) < 1e-15 and np.allclose(speeds, 1.0)


@settings(max_examples=200, deadline=None)
@given(coefficients, coefficients, points, st.floats(0.01, 1.0))
def test_vector_mean_value_inequality(c1, c2, a, length):
    f1, df1, d2f1 = derivatives_of(make_function(c1), 2)
    f2, df2, d2f2 = derivatives_of(make_function(c2), 2)
    b = a + length
    ts = a + length * GRID
    change = np.hypot(f1(b) - f1(a), f2(b) - f2(a))
    speed = np.hypot(df1(ts), df2(ts))
    # the grid maximum of ||f'|| misses the supremum by at most (spacing) x max ||f''||
    slack = length * GRID[1] * (2 * np.max(np.hypot(d2f1(ts), d2f2(ts))) + 1)
    rounding = 8 * F_BOUND * np.finfo(float).eps
    assert change <= length * (np.max(speed) + slack) + rounding


def test_vector_mean_value_inequality_when_the_supremum_is_not_attained():
    # f(t) = (t^2, t^3) on (0, 1): ||f'(t)|| = t sqrt(4 + 9 t^2) < sqrt(13), never attained.
    ts = np.linspace(0.0, 1.0, 10001)[1:-1]
    speed = ts * np.sqrt(4 + 9 * ts**2)
    assert np.all(speed < np.sqrt(13))
    assert np.hypot(1.0, 1.0) <= 1.0 * np.sqrt(13)
