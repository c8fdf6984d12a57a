"""Tests of the results stated in book/optim/line_search.md and book/optim/backtracking.md.

tests/test_optim_line_search.py (the editor's) already checks m4ml.optim itself: the Armijo step
bound and the evaluation count on random quadratics, that the exact step minimises along the line
and makes the new gradient orthogonal to the old one, the Kantorovich rate as an inequality, the
descent lemma, and input validation. This file adds the other statements of the page:

- prop-line-search-exact-step: the decrease formula and 1/lambda_max <= t* <= 1/lambda_min.
- lem-line-search-kantorovich: the Kantorovich inequality on random SPD matrices and vectors.
- thm-line-search-kantorovich-rate: the exact identity in its proof, and equality of the rate at
  every step when the gradient has equal parts along the extreme eigenvectors (ex-line-search-5).
- prop-line-search-fixed-step: the fixed step 1/L shrinks the gap f - f* of a quadratic by at
  least (1 - 1/kappa)^2 per step, with equality along the eigenvector of lambda_min.
- thm-line-search-orthogonal: in two dimensions the path alternates between two directions.
- thm-line-search-backtracking: parts 1-3 on random logistic losses, which are L-smooth but not
  quadratic, with L = lambda_max(X^T X)/(4N) + alpha; the number of trial steps, counted by
  wrapping f, and n_fev, which counts f(x) as well.
- cor-line-search-convergence: the bound on min_k ||g_k||^2 for backtracking gradient descent.
- thm-line-search-backtracking-rates: the 1/k rate (convex, bounded sublevel set) and the linear
  rate (strongly convex) of backtracking gradient descent on regularised logistic losses, which are
  alpha-strongly convex, with R from the sublevel bound alpha ||w||^2 / 2 <= f(w_0).
- ex-line-search-1: the exact step of a quadratic satisfies the Armijo condition iff c <= 1/2.
- ex-line-search-2: the derivatives of the logistic loss along a ray, against autograd.
"""

from __future__ import annotations

import autograd
import autograd.numpy as anp
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from quadratics import quadratic, random_spd, seeds

from m4ml.calculus import smoothness, special
from m4ml.models import linear
from m4ml.optim import descent, line_search


def random_logistic(rng, n_samples, dim, alpha):
    """A logistic loss on random data, its gradient and the smoothness constant of the page."""
    X = rng.standard_normal((n_samples, dim)) * rng.uniform(0.5, 3.0, dim)
    y = (rng.uniform(size=n_samples) < 0.5).astype(float)
    f = lambda w: linear.logistic_objective(w, X, y, alpha=alpha)
    grad = lambda w: linear.logistic_gradient(w, X, y, alpha=alpha)
    return X, y, f, grad, smoothness.lipschitz_constant_logistic(X) + alpha


# ------------------------------------------------------------ exact line search on quadratics
@settings(max_examples=50, deadline=None)
@given(seeds, st.integers(2, 6), st.floats(1.0, 100.0))
def test_exact_step_lies_between_inverse_eigenvalues_and_gives_the_stated_decrease(seed, n, kappa):
    rng = np.random.default_rng(seed)
    A, b = random_spd(rng, n, kappa), rng.standard_normal(n)
    f, grad = quadratic(A, b)
    x = rng.standard_normal(n) * 3
    g = grad(x)
    t = descent.exact_quadratic_step(A, g)
    lo, hi = np.linalg.eigvalsh(A)[[0, -1]]
    assert 1 / hi * (1 - 1e-12) <= t <= 1 / lo * (1 + 1e-12)
    assert f(x - t * g) == pytest.approx(f(x) - 0.5 * (g @ g) ** 2 / (g @ A @ g), abs=1e-10 * (1 + abs(f(x))))
    # so the exact step does at least as well as the fixed step 1/L from the same point
    assert f(x - t * g) <= f(x - g / hi) + 1e-10 * (1 + abs(f(x)))


@settings(max_examples=100, deadline=None)
@given(seeds, st.integers(2, 8), st.floats(1.0, 1e4))
def test_kantorovich_inequality(seed, n, kappa):
    rng = np.random.default_rng(seed)
    A = random_spd(rng, n, kappa)
    m, M = np.linalg.eigvalsh(A)[[0, -1]]
    g = rng.standard_normal(n)
    lhs = (g @ g) ** 2 / ((g @ A @ g) * (g @ np.linalg.solve(A, g)))
    assert lhs >= 4 * m * M / (m + M) ** 2 * (1 - 1e-9)
    assert lhs <= 1 + 1e-12                     # Cauchy-Schwarz: the ratio never exceeds 1


@settings(max_examples=50, deadline=None)
@given(seeds, st.integers(2, 6), st.floats(1.0, 50.0))
def test_gap_identity_in_the_proof_of_the_rate(seed, n, kappa):
    # f(x+) - f* = (f(x) - f*) (1 - (g'g)^2 / ((g'Ag)(g'A^-1 g))) for one exact step
    rng = np.random.default_rng(seed)
    A, b = random_spd(rng, n, kappa), rng.standard_normal(n)
    f, grad = quadratic(A, b)
    f_star = f(np.linalg.solve(A, b))
    x = rng.standard_normal(n) * 2
    g = grad(x)
    x_new = x - descent.exact_quadratic_step(A, g) * g
    factor = 1 - (g @ g) ** 2 / ((g @ A @ g) * (g @ np.linalg.solve(A, g)))
    assert f(x) - f_star == pytest.approx(0.5 * g @ np.linalg.solve(A, g), rel=1e-8, abs=1e-12)
    assert f(x_new) - f_star == pytest.approx((f(x) - f_star) * factor, rel=1e-6, abs=1e-10)


@settings(max_examples=40, deadline=None)
@given(seeds, st.integers(2, 6), st.floats(1.5, 50.0), st.floats(0.1, 10.0))
def test_the_kantorovich_rate_is_attained_from_the_worst_start(seed, n, kappa, scale):
    # g_0 with equal parts along the eigenvectors of lambda_min and lambda_max: every ratio of
    # consecutive gaps equals ((kappa - 1) / (kappa + 1))^2 (the page's example, ex-line-search-5).
    rng = np.random.default_rng(seed)
    A, b = random_spd(rng, n, kappa), rng.standard_normal(n)
    f, grad = quadratic(A, b)
    x_star = np.linalg.solve(A, b)
    eigvals, Q = np.linalg.eigh(A)
    x0 = x_star + scale * np.linalg.solve(A, Q[:, 0] + Q[:, -1])
    run = descent.gradient_descent(f, grad, x0, max_iter=6, tol=1e-12,
                                 step_size=lambda x, g: descent.exact_quadratic_step(A, g))
    errors = run.path - x_star
    gaps = 0.5 * np.einsum("ki,ij,kj->k", errors, A, errors)   # f - f*, without cancellation
    rate = ((eigvals[-1] / eigvals[0] - 1) / (eigvals[-1] / eigvals[0] + 1)) ** 2
    np.testing.assert_allclose(gaps[1:] / gaps[:-1], rate, rtol=1e-5)


@settings(max_examples=50, deadline=None)
@given(seeds, st.integers(2, 6), st.floats(1.0, 100.0))
def test_fixed_step_shrinks_the_gap_by_one_minus_inverse_kappa_squared(seed, n, kappa):
    # prop-line-search-fixed-step: f(x - g/L) - f* <= (1 - 1/kappa)^2 (f(x) - f*), with equality
    # when x - x* is an eigenvector of lambda_min
    rng = np.random.default_rng(seed)
    A, b = random_spd(rng, n, kappa), rng.standard_normal(n)
    f, grad = quadratic(A, b)
    x_star = np.linalg.solve(A, b)
    eigvals, Q = np.linalg.eigh(A)              # symmetric: eigh, eigenvalues ascending
    L = eigvals[-1]
    rate = (1 - eigvals[0] / L) ** 2

    def gap(x):                                 # f(x) - f*, without cancellation
        e = x - x_star
        return 0.5 * e @ A @ e

    for x in x_star + 3 * rng.standard_normal((10, n)):
        assert gap(x - grad(x) / L) <= rate * gap(x) * (1 + 1e-9) + 1e-12
    x = x_star + 2.0 * Q[:, 0]
    assert gap(x - grad(x) / L) == pytest.approx(rate * gap(x), rel=1e-6, abs=1e-10)


@settings(max_examples=40, deadline=None)
@given(seeds, st.floats(1.5, 50.0))
def test_in_two_dimensions_exact_steps_alternate_between_two_directions(seed, kappa):
    rng = np.random.default_rng(seed)
    A, b = random_spd(rng, 2, kappa), rng.standard_normal(2)
    f, grad = quadratic(A, b)
    run = descent.gradient_descent(f, grad, rng.standard_normal(2) * 5, max_iter=8, tol=1e-10,
                                 step_size=lambda x, g: descent.exact_quadratic_step(A, g))
    G = np.array([grad(x) for x in run.path])
    norms = np.linalg.norm(G, axis=1)
    small = np.flatnonzero(norms <= 1e-5 * norms[0])        # from there on rounding dominates g
    G = G[: small[0] if small.size else len(G)]
    G = G / np.linalg.norm(G, axis=1, keepdims=True)
    cross = G[2:, 0] * G[:-2, 1] - G[2:, 1] * G[:-2, 0]     # sine of the angle between g_{k+2} and g_k
    assert np.all(np.abs(cross) < 1e-6)
    assert np.all(np.abs(np.sum(G[1:] * G[:-1], axis=1)) < 1e-6)


@settings(max_examples=50, deadline=None)
@given(seeds, st.integers(2, 6), st.floats(1.0, 100.0), st.floats(0.01, 0.99))
def test_exact_step_satisfies_armijo_iff_c_at_most_one_half(seed, n, kappa, c):
    rng = np.random.default_rng(seed)
    A, b = random_spd(rng, n, kappa), rng.standard_normal(n)
    f, grad = quadratic(A, b)
    x = rng.standard_normal(n) * 3
    g = grad(x)
    t = descent.exact_quadratic_step(A, g)
    slack = f(x) - c * t * (g @ g) - f(x - t * g)          # = (1/2 - c) t ||g||^2
    assert slack == pytest.approx((0.5 - c) * t * (g @ g), abs=1e-9 * (1 + abs(f(x))))


# ------------------------------------------------------------ backtracking on logistic losses
logistic_problems = st.tuples(seeds, st.integers(5, 40), st.integers(1, 5), st.floats(0.0, 1.0))
armijo_parameters = st.tuples(st.floats(1e-4, 0.9), st.floats(0.1, 0.9), st.floats(0.01, 100.0))


@settings(max_examples=60, deadline=None)
@given(logistic_problems, st.floats(1e-4, 0.9))
def test_every_short_step_satisfies_armijo_on_a_logistic_loss(problem, c):
    seed, n_samples, dim, alpha = problem
    rng = np.random.default_rng(seed)
    X, y, f, grad, L = random_logistic(rng, n_samples, dim, alpha)
    w = rng.standard_normal(dim)
    g = grad(w)
    for t in np.linspace(0, 2 * (1 - c) / L, 21)[1:]:
        assert f(w - t * g) <= f(w) - c * t * (g @ g) + 1e-12


@settings(max_examples=60, deadline=None)
@given(logistic_problems, armijo_parameters)
def test_backtracking_step_and_evaluation_bounds_on_a_logistic_loss(problem, params):
    seed, n_samples, dim, alpha = problem
    c, beta, t0 = params
    rng = np.random.default_rng(seed)
    X, y, f, grad, L = random_logistic(rng, n_samples, dim, alpha)
    w = rng.standard_normal(dim)
    g = grad(w)
    if g @ g < 1e-12:
        return
    calls = []

    def counted(v):
        calls.append(1)
        return f(v)

    res = line_search.backtracking_line_search(counted, w, g, initial_step=t0, shrink=beta, c=c)
    t_min = min(t0, 2 * beta * (1 - c) / L)
    max_trials = 1 + max(0, int(np.ceil(np.log(t0 * L / (2 * (1 - c))) / np.log(1 / beta) + 1e-9)))
    trials = len(calls) - 1                     # the search also evaluates f(w), once
    assert res.success
    assert res.step >= t_min * (1 - 1e-12)
    assert 1 <= trials <= max_trials
    assert res.step == pytest.approx(t0 * beta ** (trials - 1), rel=1e-12)
    assert res.n_fev == len(calls)              # n_fev counts every evaluation, f(w) included
    assert res.fun <= f(w) - c * t_min * (g @ g) + 1e-12


@settings(max_examples=20, deadline=None)
@given(logistic_problems, armijo_parameters)
def test_backtracking_descent_meets_the_corollary_bound(problem, params):
    # min_{k<T} ||g_k||^2 <= (f(w_0) - f*) / (c t_min T), with f* >= 0 replaced by the lower bound 0
    seed, n_samples, dim, alpha = problem
    c, beta, t0 = params
    rng = np.random.default_rng(seed)
    X, y, f, grad, L = random_logistic(rng, n_samples, dim, alpha)
    w0 = rng.standard_normal(dim)
    run = line_search.backtracking_gradient_descent(f, grad, w0, initial_step=t0, shrink=beta, c=c,
                                              max_iter=30, tol=1e-10)
    t_min = min(t0, 2 * beta * (1 - c) / L)
    sq_norms = np.array([grad(w) @ grad(w) for w in run.path])
    decreases = run.values[:-1] - run.values[1:]
    assert np.all(decreases >= c * t_min * sq_norms[:-1] - 1e-12)          # part 3, step by step
    for T in range(1, run.n_iter + 1):
        assert sq_norms[:T].min() <= (run.values[0] - 0.0) / (c * t_min * T) + 1e-12


def newton_minimiser(X, y, alpha):
    """The minimiser of a regularised logistic loss by Newton's method, certified by its gradient."""
    w = np.zeros(X.shape[1])
    for _ in range(100):
        g = linear.logistic_gradient(w, X, y, alpha=alpha)
        if np.linalg.norm(g) < 1e-12:
            break
        step = -np.linalg.solve(linear.logistic_hessian(w, X, alpha=alpha), g)
        f0, t = linear.logistic_objective(w, X, y, alpha=alpha), 1.0
        while linear.logistic_objective(w + t * step, X, y, alpha=alpha) > f0 and t > 1e-3:
            t /= 2                          # damping far from w*; near w* the full step is taken
        w = w + t * step
    return w


@settings(max_examples=30, deadline=None)
@given(seeds, st.integers(5, 40), st.integers(1, 5), st.floats(0.01, 1.0), armijo_parameters)
def test_backtracking_rates_on_strongly_convex_logistic_losses(seed, n_samples, dim, alpha, params):
    # thm-line-search-backtracking-rates with mu = alpha. Part 1 needs every w with
    # f(w) <= f(w_0) within R of w*: such w, and w*, satisfy alpha ||w||^2 / 2 <= f(w) <= f(w_0).
    c, beta, t0 = params
    rng = np.random.default_rng(seed)
    X, y, f, grad, L = random_logistic(rng, n_samples, dim, alpha)
    w_star = newton_minimiser(X, y, alpha)
    assert np.linalg.norm(grad(w_star)) < 1e-10          # the certificate of the reference
    f_star = f(w_star)
    w0 = 2 * rng.standard_normal(dim)
    run = line_search.backtracking_gradient_descent(f, grad, w0, initial_step=t0, shrink=beta, c=c,
                                              max_iter=40, tol=1e-12)
    t_min = min(t0, 2 * beta * (1 - c) / L)
    gap = run.values - f_star
    k = np.arange(run.n_iter + 1)
    slack = 1e-12 * (1 + abs(f_star))
    factor = 1 - 2 * alpha * c * t_min
    assert 0 < factor < 1
    assert np.all(gap <= factor**k * gap[0] + slack)                       # part 2
    R = 2 * np.sqrt(2 * f(w0) / alpha)
    assert np.all(gap[1:] <= R**2 / (c * t_min * k[1:]) + slack)          # part 1


# ------------------------------------------------------------ derivatives along a ray (ex-line-search-2)
@settings(max_examples=40, deadline=None)
@given(logistic_problems, st.floats(-2.0, 5.0))
def test_derivatives_of_the_logistic_loss_along_a_ray(problem, t):
    seed, n_samples, dim, alpha = problem
    rng = np.random.default_rng(seed)
    X, y, f, grad, L = random_logistic(rng, n_samples, dim, alpha)
    w = rng.standard_normal(dim)
    g = grad(w)
    u = X @ g

    def phi(s):
        z = X @ (w - s * g)
        return anp.mean(anp.logaddexp(0.0, z) - y * z) + alpha / 2 * anp.sum((w - s * g) ** 2)

    sig = special.sigmoid(X @ w - t * u)
    dphi = -np.mean((sig - y) * u) - alpha * (w - t * g) @ g
    d2phi = np.mean(sig * (1 - sig) * u**2) + alpha * g @ g
    assert phi(t) == pytest.approx(f(w - t * g), rel=1e-12, abs=1e-12)
    assert autograd.grad(phi)(t) == pytest.approx(dphi, rel=1e-9, abs=1e-12)
    assert autograd.grad(autograd.grad(phi))(t) == pytest.approx(d2phi, rel=1e-9, abs=1e-12)
    assert d2phi <= L * (g @ g) * (1 + 1e-12) + 1e-15
