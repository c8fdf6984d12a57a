"""Tests of the results stated in book/calculus/hessian.md.

- thm-hessian-symmetry (Schwarz/Clairaut): the Hessian of random smooth functions, computed by
  autograd as the Jacobian of the gradient, is symmetric; the double difference of the proof,
  divided by h^2, converges to the mixed partial at the rate the mean value theorem gives.
- cor-hessian-model: the remainder of the second-order model is o(|h|^2), with the O(|h|^3) bound
  that holds for these smooth functions.
- thm-hessian-principal: the Rayleigh quotient of a symmetric matrix lies between its extreme
  eigenvalues, is a weighted average of them, and equals them along the eigenvectors; diagonal
  entries are Rayleigh quotients (ex-hessian-4).
- thm-hessian-second-order: on random quadratics plus a cubic term, a positive (negative) definite
  Hessian gives a strict local minimum (maximum) inside the radius the proof guarantees, and an
  indefinite one a saddle; a singular semi-definite Hessian decides nothing (ex-hessian-3).
- prop-hessian-level-sets: level sets of a quadratic are ellipsoids with semi-axes sqrt(2c/lambda_i),
  and np.linalg.cond is lambda_max / lambda_min for a symmetric positive definite matrix.
- prop-hessian-ridge, prop-hessian-logistic: the page's hand-written formulas (including the
  broadcasting form (A.T * s) @ A and the weights s_n = sigma(z_n) sigma(-z_n)) against autograd,
  the bounds alpha I <= H <= X^T X / (4N) + alpha I (alpha the penalty), the weights' accuracy
  for confident scores, where p (1 - p) rounds to 0, and one Newton step on ridge landing on
  ridge_fit.
- eq-hessian-toy and ex-hessian-2: the Hessians of (ab - 1)^2 and of the Poisson loss against
  autograd, and the classification of the toy network's stationary points.
(m4ml.models.linear's own Hessians are tested in tests/test_regression.py.)
"""

from __future__ import annotations

import autograd
import autograd.numpy as anp
import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from m4ml.calculus import special
from m4ml.models import linear

seeds = st.integers(0, 2**32 - 1)
EPS = np.finfo(float).eps

# ---------------------------------------------------------------------------------------------
# Random smooth functions on R^3: f(x) = sum_k a_k sin(b_k^T x + c_k) + 1/2 x^T Q x, Q not
# symmetric (only its symmetric part matters). |f| <= 4 + 4.5 on the cube [-1, 1]^3.
# ---------------------------------------------------------------------------------------------

DIM = 3
small = st.floats(-1.0, 1.0)
params = st.tuples(arrays(np.float64, (4,), elements=small), arrays(np.float64, (4, DIM), elements=small),
                   arrays(np.float64, (4,), elements=small), arrays(np.float64, (DIM, DIM), elements=small))
vectors = arrays(np.float64, (DIM,), elements=small)
F_BOUND = 10.0
# Rounding error of a few evaluations of f, each a few dozen operations on numbers up to F_BOUND.
ROUNDING = 64 * F_BOUND * EPS


def make_function(p):
    a, B, c, Q = p

    def f(x):
        return anp.sum(a * anp.sin(anp.dot(B, x) + c)) + 0.5 * anp.dot(x, anp.dot(Q, x))

    return f


@settings(max_examples=50, deadline=None)
@given(params, vectors)
def test_hessian_of_a_smooth_function_is_symmetric(p, x):
    H = autograd.jacobian(autograd.grad(make_function(p)))(x)   # row i: derivatives of df/dx_i
    assert np.allclose(H, H.T, rtol=0, atol=1e-12)


@settings(max_examples=50, deadline=None)
@given(params, vectors, st.integers(0, DIM - 1), st.integers(0, DIM - 1))
def test_double_difference_converges_to_the_mixed_partial(p, x, i, j):
    assume(i != j)
    f = make_function(p)
    H = autograd.hessian(f)(x)
    a, B, _, _ = p
    e_i, e_j = np.eye(DIM)[i], np.eye(DIM)[j]
    for h in (1e-2, 1e-3):
        delta = f(x + h * e_i + h * e_j) - f(x + h * e_i) - f(x + h * e_j) + f(x)
        # The proof: delta / h^2 is a mixed partial at a point within h of x in coordinates i and j.
        # The third derivatives of the sine terms are bounded by sum |a_k| (|b_ki| + |b_kj|)^3 (the
        # quadratic part has none), so the error is at most 2 h times that, plus rounding.
        third = np.sum(np.abs(a) * (np.abs(B[:, i]) + np.abs(B[:, j])) ** 3)
        assert abs(delta / h**2 - H[i, j]) <= 2 * h * third + ROUNDING / h**2


@settings(max_examples=50, deadline=None)
@given(params, vectors, arrays(np.float64, (DIM,), elements=small))
def test_second_order_model_remainder_is_little_o_of_h_squared(p, x, u):
    assume(np.linalg.norm(u) > 0.1)
    u = u / np.linalg.norm(u)
    f = make_function(p)
    g, H = autograd.grad(f)(x), autograd.hessian(f)(x)
    a, B, _, _ = p
    third = np.sum(np.abs(a) * np.abs(B @ u) ** 3)       # bounds |phi'''| for phi(t) = f(x + t u)
    for t in (1e-1, 1e-2, 1e-3):
        r = f(x + t * u) - f(x) - t * (g @ u) - t**2 / 2 * (u @ H @ u)
        # |r| / t^2 <= (max |phi'''| / 6) t -> 0: the little-o of cor-hessian-model, at rate t
        assert abs(r) / t**2 <= third / 6 * t + ROUNDING / t**2


# ---------------------------------------------------------------------------------------------
# Symmetric matrices with prescribed eigenvalues.
# ---------------------------------------------------------------------------------------------

def random_symmetric(rng, eigenvalues):
    Q, _ = np.linalg.qr(rng.standard_normal((len(eigenvalues), len(eigenvalues))))
    return (Q * eigenvalues) @ Q.T, Q


@settings(max_examples=100, deadline=None)
@given(seeds, st.integers(1, 8))
def test_rayleigh_quotient_lies_between_the_extreme_eigenvalues(seed, n):
    rng = np.random.default_rng(seed)
    M = rng.standard_normal((n, n))
    H = (M + M.T) / 2
    lam, Q = np.linalg.eigh(H)
    tol = 1e-12 * (1 + np.abs(lam).max())
    for d in rng.standard_normal((20, n)):
        rq = d @ H @ d / (d @ d)
        c = Q.T @ d                                         # coordinates in the eigenbasis
        assert rq == pytest.approx(np.sum(lam * c**2) / np.sum(c**2), abs=tol)
        assert lam[0] - tol <= rq <= lam[-1] + tol
    assert Q[:, 0] @ H @ Q[:, 0] == pytest.approx(lam[0], abs=tol)
    assert Q[:, -1] @ H @ Q[:, -1] == pytest.approx(lam[-1], abs=tol)
    assert np.all(np.diag(H) >= lam[0] - tol) and np.all(np.diag(H) <= lam[-1] + tol)


eigen_magnitudes = st.lists(st.floats(0.1, 10.0), min_size=1, max_size=5)


def safe_ratio(num, den):
    """min(1, num / den), without overflow when den is tiny or zero."""
    return 1.0 if den <= num else num / den


def cubic_perturbation(A, c):
    """f(x) = 1/2 x^T A x + c sum x_i^3: stationary at 0 with Hessian A there."""
    return lambda x: 0.5 * anp.dot(x, anp.dot(A, x)) + c * anp.sum(x**3)


@settings(max_examples=60, deadline=None)
@given(seeds, eigen_magnitudes, st.floats(-3.0, 3.0), st.sampled_from([1.0, -1.0]))
def test_definite_hessian_gives_a_strict_local_extremum(seed, magnitudes, c, sign):
    rng = np.random.default_rng(seed)
    lam = sign * np.array(magnitudes)
    A, _ = random_symmetric(rng, lam)
    f = cubic_perturbation(A, c)
    x0 = np.zeros(len(lam))
    assert np.allclose(autograd.grad(f)(x0), 0)
    assert np.allclose(autograd.hessian(f)(x0), A)
    # |c sum h_i^3| <= |c| |h|^3, so 1/2 lam_min |h|^2 dominates for |h| < lam_min / (2|c|).
    radius = safe_ratio(np.min(magnitudes), 2 * abs(c))
    for _ in range(50):
        d = rng.standard_normal(len(lam))
        h = d / np.linalg.norm(d) * radius * rng.uniform(0.01, 0.99)
        assert sign * (f(h) - f(x0)) > 0


@settings(max_examples=60, deadline=None)
@given(seeds, eigen_magnitudes, eigen_magnitudes, st.floats(-3.0, 3.0))
def test_indefinite_hessian_gives_a_saddle(seed, positive, negative, c):
    rng = np.random.default_rng(seed)
    lam = np.concatenate([positive, -np.array(negative)])
    A, Q = random_symmetric(rng, lam)
    f = cubic_perturbation(A, c)
    x0 = np.zeros(len(lam))
    for k in range(len(lam)):
        # along q_k: f(t q_k) = lam_k t^2 / 2 + c t^3 sum q_i^3, and |sum q_i^3| <= 1
        t = safe_ratio(abs(lam[k]), 4 * abs(c))
        for s in (t, -t, t / 10):
            assert np.sign(f(s * Q[:, k]) - f(x0)) == np.sign(lam[k])


def test_singular_semidefinite_hessian_decides_nothing():
    # ex-hessian-3: the same Hessian diag(2, 0) at a minimum and at two saddles.
    g1 = lambda v: v[0] ** 2 + v[1] ** 4
    g2 = lambda v: v[0] ** 2 - v[1] ** 4
    g3 = lambda v: v[0] ** 2 + v[1] ** 3
    origin = np.zeros(2)
    for g in (g1, g2, g3):
        assert np.allclose(autograd.grad(g)(origin), 0)
        assert np.allclose(autograd.hessian(g)(origin), np.diag([2.0, 0.0]))
    ts = np.array([1e-3, 1e-2, 1e-1])
    assert all(g1(np.array([0.0, t])) > 0 for t in ts)
    assert all(g2(np.array([0.0, t])) < 0 < g2(np.array([t, 0.0])) for t in ts)
    assert all(g3(np.array([0.0, -t])) < 0 < g3(np.array([0.0, t])) for t in ts)


@settings(max_examples=60, deadline=None)
@given(seeds, st.integers(2, 6), st.floats(1.0, 1e4), st.floats(0.01, 10.0))
def test_level_sets_of_a_quadratic_are_ellipsoids_with_axis_ratio_sqrt_kappa(seed, n, kappa, c):
    rng = np.random.default_rng(seed)
    lam = np.sort(np.concatenate([[1.0, kappa], rng.uniform(1.0, kappa, n - 2)]))
    H, Q = random_symmetric(rng, lam)
    x_star = rng.standard_normal(n)
    q = lambda x: 0.5 * (x - x_star) @ H @ (x - x_star)
    axes = np.sqrt(2 * c / lam)
    for i in range(n):
        assert q(x_star + axes[i] * Q[:, i]) == pytest.approx(c, rel=1e-9)
    assert axes.max() / axes.min() == pytest.approx(np.sqrt(kappa), rel=1e-9)
    assert np.linalg.cond(H) == pytest.approx(kappa, rel=1e-6)
    # every point of the level set lies between the shortest and the longest semi-axis
    for u in rng.standard_normal((20, n)):
        u /= np.linalg.norm(u)
        s = np.sqrt(2 * c / (u @ H @ u))
        assert q(x_star + s * u) == pytest.approx(c, rel=1e-9)
        assert axes.min() * (1 - 1e-9) <= s <= axes.max() * (1 + 1e-9)


# ---------------------------------------------------------------------------------------------
# The Hessians derived on the page.
# ---------------------------------------------------------------------------------------------

def curvature_weights(z):
    """The page's s_n = sigma(z_n)(1 - sigma(z_n)), computed as sigma(z_n) sigma(-z_n)."""
    return special.sigmoid(z) * special.sigmoid(-z)


def page_logistic_hessian(w, A, alpha):
    """The page's formula, with (A.T * s) @ A for X^T S X."""
    s = curvature_weights(A @ w)
    return (A.T * s) @ A / len(A) + alpha * np.eye(A.shape[1])


@settings(max_examples=100, deadline=None)
@given(st.floats(-700.0, 700.0))
def test_curvature_weights_keep_full_relative_accuracy(z):
    # s(z) = e^{-|z|} / (1 + e^{-|z|})^2 exactly; p (1 - p) would give 0 once sigma(z) rounds to 1.
    e = np.exp(-abs(z))
    s = curvature_weights(z)
    assert s > 0 and s == pytest.approx(e / (1 + e) ** 2, rel=1e-13)
    assert curvature_weights(-z) == s


def test_p_times_one_minus_p_loses_confident_scores():
    p = special.sigmoid(40.0)
    assert p * (1 - p) == 0.0 and curvature_weights(40.0) == pytest.approx(np.exp(-40.0), rel=1e-12)


@settings(max_examples=40, deadline=None)
@given(seeds, st.integers(1, 40), st.integers(1, 6), st.floats(0.0, 1.0))
def test_logistic_hessian_formula_and_its_bounds(seed, N, D, alpha):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((N, D))
    y = rng.integers(0, 2, N).astype(float)
    w = rng.standard_normal(D) * 2

    def loss(v):
        z = anp.dot(X, v)
        return anp.mean(anp.logaddexp(0.0, z) - y * z) + alpha / 2 * anp.dot(v, v)

    H = page_logistic_hessian(w, X, alpha)
    assert np.allclose(H, autograd.hessian(loss)(w), rtol=1e-10, atol=1e-12)
    assert np.allclose(H, linear.logistic_hessian(w, X, alpha=alpha), rtol=1e-9, atol=1e-12)
    tol = 1e-12 * (1 + np.abs(H).max())
    assert np.linalg.eigvalsh(H - alpha * np.eye(D))[0] >= -tol
    assert np.linalg.eigvalsh(X.T @ X / (4 * N) + alpha * np.eye(D) - H)[0] >= -tol


@settings(max_examples=40, deadline=None)
@given(seeds, st.integers(10, 60), st.integers(1, 8), st.floats(1e-4, 1.0))
def test_one_newton_step_on_ridge_lands_on_the_closed_form(seed, N, D, alpha):
    rng = np.random.default_rng(seed)
    X, y = rng.standard_normal((N, D)), rng.standard_normal(N)
    H = X.T @ X / N + alpha * np.eye(D)
    assert np.allclose(H, linear.ridge_hessian(X, alpha=alpha))
    w0 = rng.standard_normal(D) * 5
    newton = w0 - np.linalg.solve(H, linear.ridge_gradient(w0, X, y, alpha=alpha))
    assert np.allclose(newton, linear.ridge_fit(X, y, alpha=alpha), rtol=1e-8, atol=1e-10)


def toy(w):
    return (w[0] * w[1] - 1) ** 2


def toy_hessian(a, b):
    return np.array([[2 * b**2, 2 * (2 * a * b - 1)], [2 * (2 * a * b - 1), 2 * a**2]])


@settings(max_examples=50, deadline=None)
@given(st.floats(-3.0, 3.0), st.floats(-3.0, 3.0))
def test_toy_network_hessian(a, b):
    assert np.allclose(toy_hessian(a, b), autograd.hessian(toy)(np.array([a, b])), atol=1e-12)


@settings(max_examples=50, deadline=None)
@given(st.floats(0.2, 5.0), st.sampled_from([1.0, -1.0]))
def test_toy_network_minima_form_a_flat_valley(a, sign):
    a = sign * a
    point = np.array([a, 1 / a])
    assert np.allclose(autograd.grad(toy)(point), 0, atol=1e-12)
    lam, Q = np.linalg.eigh(toy_hessian(a, 1 / a))
    assert lam[0] == pytest.approx(0, abs=1e-9 * (1 + lam[1]))
    assert lam[1] == pytest.approx(2 / a**2 + 2 * a**2)
    tangent = np.array([a, -1 / a]) / np.hypot(a, 1 / a)  # along the hyperbola ab = 1
    assert abs(tangent @ Q[:, 1]) == pytest.approx(0, abs=1e-9)


def test_toy_network_origin_is_a_saddle():
    assert np.allclose(np.linalg.eigvalsh(toy_hessian(0.0, 0.0)), [-2.0, 2.0])
    t = 0.1
    assert toy(np.array([t, t])) < toy(np.zeros(2)) < toy(np.array([t, -t]))


@settings(max_examples=30, deadline=None)
@given(seeds, st.integers(1, 30), st.integers(1, 4))
def test_poisson_hessian_of_the_exercise(seed, N, D):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((N, D))
    y = rng.poisson(1.0, N).astype(float)
    w = rng.standard_normal(D) * 0.5

    def loss(v):
        z = anp.dot(X, v)
        return anp.mean(anp.exp(z) - y * z)

    H = (X.T * np.exp(X @ w)) @ X / N
    assert np.allclose(H, autograd.hessian(loss)(w), rtol=1e-10, atol=1e-12)
    assert np.linalg.eigvalsh(H)[0] >= -1e-12 * (1 + np.abs(H).max())
