"""Tests of the results stated in book/optim/descent.md.

- lem-descent-lemma for every step size (the page's 1/L case is also in test_optim_line_search.py),
  on quadratics and on non-convex smooth functions, and its tightness on f(x) = L x^2 / 2
  (ex-descent-1).
- thm-descent-nonconvex: min_{t<T} ||grad f(x_t)||^2 <= 2 L (f(x_0) - f*) / T on random non-convex
  L-smooth functions (sines plus a PSD quadratic), with a lower bound in place of f*.
- thm-descent-convex: f(x_T) - f* <= L ||x_0 - x*||^2 / (2T) on least squares with rank-deficient
  data (convex but not strongly convex), and the distance to x* never increases.
- thm-descent-strongly-convex and eq-descent-pl: the linear rate (1 - mu/L)^T on ridge regression and
  on regularised logistic regression (not a quadratic), the inequality
  ||grad f||^2 >= 2 mu (f - f*), ||x_T - x*||^2 <= 2 (f(x_T) - f*) / mu, and the certificate
  ||w - w*|| <= ||grad f(w)|| / mu of the common-mistakes section.
- prop-descent-quadratic: the contraction of distance and gradient by (1 - 1/kappa) per step, the
  iteration bound, convergence for eta < 2/L and divergence for eta > 2/L.
- ex-descent-3: no fixed step contracts faster than (kappa - 1) / (kappa + 1), reached at 2/(L + mu);
  the limit 1 + ln(1 + 1/kappa) / (-ln(1 - 1/kappa)) of the ratio of step counts of 1/L and
  2/(L + mu) is below 2, and the ratio of the counts needed for a further reduction of the gradient
  approaches it on a quadratic.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from quadratics import quadratic, random_spd, seeds
from scipy import optimize

from m4ml.calculus import derivatives, smoothness
from m4ml.models import linear
from m4ml.optim import descent


def sine_bowl(rng, D, J=4):
    """A non-convex L-smooth function bounded below, with a valid L and a lower bound on f*.

    f(x) = sum_j a_j sin(b_j^T x + c_j) + x^T Q x / 2 with Q = B B^T / D. The Hessian is
    -sum_j a_j sin(...) b_j b_j^T + Q, whose norm is at most sum_j |a_j| ||b_j||^2 + lambda_max(Q);
    the sines are at least -sum_j |a_j| and the quadratic is non-negative.
    """
    a = rng.uniform(-3, 3, J)
    Bs = rng.uniform(-2, 2, (J, D))
    c = rng.uniform(-np.pi, np.pi, J)
    Bq = rng.standard_normal((D, D))
    Q = Bq @ Bq.T / D

    def f(x):
        return float(a @ np.sin(Bs @ x + c) + 0.5 * x @ Q @ x)

    def grad(x):
        return Bs.T @ (a * np.cos(Bs @ x + c)) + Q @ x

    L = float(np.abs(a) @ np.sum(Bs**2, axis=1) + np.linalg.eigvalsh(Q)[-1])
    return f, grad, L, -float(np.abs(a).sum())


# ------------------------------------------------------------------ the descent lemma


@settings(max_examples=40, deadline=None)
@given(seeds, st.integers(1, 6), st.floats(0.01, 1.99))
def test_descent_lemma_for_every_step_size(seed, D, eta_L):
    rng = np.random.default_rng(seed)
    H = random_spd(rng, D, 20.0) if D > 1 else np.eye(1)
    convex = (*quadratic(H, rng.standard_normal(D)), np.linalg.eigvalsh(H)[-1])
    nonconvex = sine_bowl(rng, D)[:3]
    for f, grad, L in [convex, nonconvex]:
        eta = eta_L / L
        for x in rng.normal(scale=3, size=(10, D)):
            g = grad(x)
            bound = f(x) - eta * (1 - L * eta / 2) * (g @ g)
            assert f(x - eta * g) <= bound + 1e-10 * (1 + abs(f(x)))


@settings(max_examples=40, deadline=None)
@given(st.floats(0.1, 10.0), st.floats(-5.0, 5.0).filter(lambda x: abs(x) > 1e-3), st.floats(0.01, 3.0))
def test_descent_lemma_is_tight_on_the_one_dimensional_parabola(L, x, eta_L):
    # ex-descent-1: for f(x) = L x^2 / 2 the decrease is exactly eta (1 - L eta / 2) f'(x)^2,
    # negative (an increase) when eta > 2 / L.
    f = lambda z: L * z**2 / 2          # noqa: E731
    eta = eta_L / L
    g = L * x
    decrease = f(x) - f(x - eta * g)
    assert decrease == pytest.approx(eta * (1 - L * eta / 2) * g**2, rel=1e-9, abs=1e-12)
    if eta_L > 2 + 1e-9:
        assert decrease < 0


# ------------------------------------------------------------------ thm-descent-nonconvex


@settings(max_examples=40, deadline=None)
@given(seeds, st.integers(1, 5))
def test_gradient_norm_bound_on_nonconvex_smooth_functions(seed, D):
    rng = np.random.default_rng(seed)
    f, grad, L, f_low = sine_bowl(rng, D)
    x0 = rng.normal(scale=3, size=D)
    assert derivatives.check_gradient(f, grad, x0, rtol=1e-5).ok
    run = descent.gradient_descent(f, grad, x0, step_size=1 / L, max_iter=60, tol=1e-12)
    grad_sq = np.array([grad(x) @ grad(x) for x in run.path])
    T = np.arange(1, run.n_iter + 1)
    best_so_far = np.minimum.accumulate(grad_sq)[: run.n_iter]         # min over t < T
    # f_low <= f*, so the bound with f_low is weaker than the theorem's and must hold too
    assert np.all(best_so_far <= 2 * L * (f(x0) - f_low) / T + 1e-12)
    assert np.all(np.diff(run.values) <= 1e-12)                       # every step goes downhill


# ------------------------------------------------------------------ thm-descent-convex


@settings(max_examples=40, deadline=None)
@given(seeds, st.integers(1, 5), st.integers(2, 7))
def test_convex_rate_on_rank_deficient_least_squares(seed, N, D):
    # With N < D the loss is convex but not strongly convex and has many minimisers; the bound
    # holds for each of them, in particular the minimum-norm one that lstsq returns.
    rng = np.random.default_rng(seed)
    X, y = rng.standard_normal((N, D)), rng.standard_normal(N)
    f = lambda w: linear.ridge_objective(w, X, y)        # noqa: E731
    grad = lambda w: linear.ridge_gradient(w, X, y)      # noqa: E731
    L = smoothness.lipschitz_constant_least_squares(X)
    x_star = np.linalg.lstsq(X, y, rcond=None)[0]
    f_star = f(x_star)
    x0 = rng.normal(scale=3, size=D)
    run = descent.gradient_descent(f, grad, x0, step_size=1 / L, max_iter=50, tol=1e-12)
    T = np.arange(1, run.n_iter + 1)
    R2 = np.sum((x0 - x_star) ** 2)
    assert np.all(run.values[1:] - f_star <= L * R2 / (2 * T) + 1e-10)
    dist = np.linalg.norm(run.path - x_star, axis=1)
    assert np.all(np.diff(dist) <= 1e-10)


# ------------------------------------------------------------------ thm-descent-strongly-convex


@st.composite
def ridge_problems(draw):
    seed = draw(seeds)
    N, D = draw(st.integers(2, 12)), draw(st.integers(1, 6))
    alpha = draw(st.floats(0.01, 1.0))
    rng = np.random.default_rng(seed)
    return rng.standard_normal((N, D)) * rng.uniform(0.2, 3, D), rng.standard_normal(N), alpha, rng


@settings(max_examples=50, deadline=None)
@given(ridge_problems())
def test_linear_rate_and_pl_inequality_on_ridge(problem):
    X, y, alpha, rng = problem
    f = lambda w: linear.ridge_objective(w, X, y, alpha=alpha)      # noqa: E731
    grad = lambda w: linear.ridge_gradient(w, X, y, alpha=alpha)    # noqa: E731
    eigs = np.linalg.eigvalsh(linear.ridge_hessian(X, alpha=alpha))
    mu, L = eigs[0], eigs[-1]
    w_star = linear.ridge_fit(X, y, alpha=alpha)
    f_star = f(w_star)
    run = descent.gradient_descent(f, grad, rng.normal(scale=3, size=X.shape[1]), step_size=1 / L,
                                 max_iter=40, tol=1e-12)
    gap = run.values - f_star
    scale = 1e-11 * (1 + abs(f_star))
    T = np.arange(run.n_iter + 1)
    assert np.all(gap <= (1 - mu / L) ** T * gap[0] + scale)
    dist_sq = np.sum((run.path - w_star) ** 2, axis=1)
    assert np.all(dist_sq <= 2 * gap / mu + scale / mu)
    for w in rng.normal(scale=3, size=(10, X.shape[1])):
        g = grad(w)
        assert g @ g >= 2 * mu * (f(w) - f_star) - scale                    # eq-descent-pl
        assert np.linalg.norm(w - w_star) <= np.linalg.norm(g) / mu * (1 + 1e-9) + 1e-12


@settings(max_examples=25, deadline=None)
@given(seeds, st.integers(5, 20), st.integers(1, 4), st.floats(0.05, 1.0))
def test_linear_rate_on_regularised_logistic_regression(seed, N, D, alpha):
    # Not a quadratic: mu = alpha (the Hessian X^T S X / N + alpha I is at least alpha I) and
    # L = lambda_max(X^T X) / (4N) + alpha.
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((N, D))
    y = (rng.uniform(size=N) < 0.5).astype(float)
    f = lambda w: linear.logistic_objective(w, X, y, alpha=alpha)      # noqa: E731
    grad = lambda w: linear.logistic_gradient(w, X, y, alpha=alpha)    # noqa: E731
    hess = lambda w: linear.logistic_hessian(w, X, alpha=alpha)        # noqa: E731
    mu, L = alpha, smoothness.lipschitz_constant_logistic(X) + alpha
    best = optimize.minimize(f, np.zeros(D), jac=grad, hess=hess, method="trust-exact",
                             options={"gtol": 1e-13})
    f_star = min(best.fun, f(best.x))
    assume(np.linalg.norm(grad(best.x)) < 1e-10)
    run = descent.gradient_descent(f, grad, rng.normal(scale=3, size=D), step_size=1 / L, max_iter=40, tol=1e-12)
    gap = run.values - f_star
    T = np.arange(run.n_iter + 1)
    assert np.all(gap <= (1 - mu / L) ** T * gap[0] + 1e-12)


# ------------------------------------------------------------------ prop-descent-quadratic


@settings(max_examples=40, deadline=None)
@given(seeds, st.integers(2, 6), st.floats(1.0, 200.0))
def test_quadratic_contraction_and_iteration_bound(seed, n, kappa):
    rng = np.random.default_rng(seed)
    H, b = random_spd(rng, n, kappa), rng.standard_normal(n)
    f, grad = quadratic(H, b)
    w_star = np.linalg.solve(H, b)
    L = kappa                                   # the largest eigenvalue; the smallest is 1
    w0 = rng.normal(scale=5, size=n)
    tol = 1e-6
    run = descent.gradient_descent(f, grad, w0, step_size=1 / L, max_iter=20_000, tol=tol)
    assert run.converged
    rate = (1 - 1 / kappa) ** np.arange(run.n_iter + 1)
    dist = np.linalg.norm(run.path - w_star, axis=1)
    grads = np.linalg.norm(run.path @ H - b, axis=1)
    assert np.all(dist <= rate * dist[0] * (1 + 1e-9) + 1e-12)
    assert np.all(grads <= rate * grads[0] * (1 + 1e-9) + 1e-12)
    g0 = np.linalg.norm(grad(w0))
    if g0 > tol and kappa > 1:
        assert run.n_iter <= np.ceil(np.log(g0 / tol) / -np.log1p(-1 / kappa))


@settings(max_examples=40, deadline=None)
@given(seeds, st.integers(2, 5), st.floats(1.5, 50.0), st.floats(0.05, 1.95), st.floats(2.05, 3.0))
def test_quadratic_converges_below_two_over_L_and_diverges_above(seed, n, kappa, below, above):
    rng = np.random.default_rng(seed)
    H, b = random_spd(rng, n, kappa), rng.standard_normal(n)
    f, grad = quadratic(H, b)
    eigvals, Q = np.linalg.eigh(H)                 # symmetric: eigh, eigenvalues ascending
    L, w_star = eigvals[-1], np.linalg.solve(H, b)
    w0 = w_star + Q[:, -1] + 0.1 * rng.standard_normal(n)   # a component along the top eigenvector
    steps = 30
    ok = descent.gradient_descent(f, grad, w0, step_size=below / L, max_iter=steps, tol=1e-300)
    factor = np.max(np.abs(1 - below / L * eigvals))           # < 1
    # allowance for rounding: w_star and the iterates carry errors of order kappa * eps * |w_star|,
    # which matter when the bound is attained (e.g. both factors |1 - eta lambda_i| equal)
    slack = 1e-12 * (1 + np.linalg.norm(w_star))
    assert np.linalg.norm(ok.x - w_star) <= factor**steps * np.linalg.norm(w0 - w_star) * (1 + 1e-9) + slack
    bad = descent.gradient_descent(f, grad, w0, step_size=above / L, max_iter=steps, tol=1e-300)
    top = [(x - w_star) @ Q[:, -1] for x in bad.path]       # the top component, multiplied by 1 - eta L
    np.testing.assert_allclose(top, (1 - above) ** np.arange(steps + 1) * top[0], rtol=1e-6)
    assert np.linalg.norm(bad.x - w_star) >= (above - 1) ** steps * abs(top[0]) * (1 - 1e-6)


@settings(max_examples=100, deadline=None)
@given(st.floats(1.0, 1e4), st.floats(1.01, 1e4), st.floats(0.0, 1.0))
def test_best_fixed_step_for_a_quadratic(mu, kappa, u):
    # ex-descent-3: rho(eta) = max(|1 - eta mu|, |1 - eta L|) is at least (kappa - 1)/(kappa + 1),
    # with equality at eta = 2 / (L + mu).
    L = kappa * mu
    rho = lambda eta: max(abs(1 - eta * mu), abs(1 - eta * L))     # noqa: E731
    best = (kappa - 1) / (kappa + 1)
    assert rho(2 / (L + mu)) == pytest.approx(best, rel=1e-9, abs=1e-12)
    eta = u * 2.5 / L
    assert rho(eta) >= best - 1e-12


@settings(max_examples=100, deadline=None)
@given(st.floats(1.001, 1e7))
def test_limit_of_the_step_count_ratio_is_below_two(kappa):
    # ex-descent-3, part 2: ln((kappa + 1)/(kappa - 1)) / -ln(1 - 1/kappa) = 1 + ln(1 + 1/kappa) /
    # -ln(1 - 1/kappa), which is below 2 because ln(1 + x) < -ln(1 - x) for 0 < x < 1
    limit = 1 + np.log1p(1 / kappa) / -np.log1p(-1 / kappa)
    assert limit == pytest.approx(np.log1p(2 / (kappa - 1)) / -np.log1p(-1 / kappa), rel=1e-12)
    assert 1 < limit < 2


@settings(max_examples=20, deadline=None)
@given(st.floats(5.0, 100.0))
def test_step_count_ratio_approaches_the_limit_on_a_quadratic(kappa):
    # ex-descent-3, part 3: on diag(1, kappa) from (1, 1), the extra steps that 1/L and 2/(L + mu)
    # need to shrink the gradient norm from 1e-3 to 1e-13 are in a ratio close to the limit
    # (rounding the two counts to integers moves the ratio by at most about 2 / 50)
    H = np.diag([1.0, kappa])
    f, grad = quadratic(H, np.zeros(2))
    counts = {}
    for eta in (1 / kappa, 2 / (kappa + 1)):
        runs = [descent.gradient_descent(f, grad, np.ones(2), step_size=eta, max_iter=100_000, tol=tol)
                for tol in (1e-3, 1e-13)]
        assert all(r.converged for r in runs)
        counts[eta] = runs[1].n_iter - runs[0].n_iter
    limit = 1 + np.log1p(1 / kappa) / -np.log1p(-1 / kappa)
    assert counts[1 / kappa] / counts[2 / (kappa + 1)] == pytest.approx(limit, abs=0.06)
