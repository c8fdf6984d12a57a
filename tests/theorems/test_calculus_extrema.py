"""Tests of the results stated in book/calculus/extrema.md.

- prop-extrema-transform: strictly increasing maps (in particular a*f + b with a > 0)
  keep the global and local minimisers; a < 0 turns minimisers into maximisers.
- thm-extrema-restriction: shrinking the feasible set never lowers the minimum; a minimiser
  over a set stays one over a subset; an interior constrained minimiser has zero derivative,
  a boundary one need not (and has the sign conditions of exercise ex-extrema-4).
- prop-extrema-grid: a grid of spacing h is at most K h / 2 above the minimum of a
  K-Lipschitz function; a local method never ends above its start, and a bound-constrained one
  (L-BFGS-B) ends with zero slope inside the interval or with a slope pointing outwards at an end,
  the conditions the page checks for its runs instead of their success flags.
- The least-absolute-deviations fit: the weak LP duality certificate that the page uses for its
  Nelder-Mead result (mean |y - X w| >= y^T s / N for every w, whenever |s_n| <= 1 and X^T s = 0).
- thm-extrema-coercive / ex-extrema-2: the coercivity bound of least squares.
- ex-extrema-3: gradient descent on exp(-w) satisfies exp(w_t) >= exp(w_0) + eta t.
- Non-negative least squares (scipy.optimize.nnls) against a brute-force search over supports.
- The hand-derived least-squares gradients of the page (ex-extrema-5 and the digit example)
  against central differences and automatic differentiation.

The mean and median as minimisers are tested in tests/test_foundations_statistics.py.
"""

from __future__ import annotations

import itertools

import autograd
import autograd.numpy as anp
import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays
from scipy.optimize import linprog, minimize, minimize_scalar, nnls

from m4ml.calculus import derivatives
from m4ml.optim.descent import gradient_descent

seeds = st.integers(min_value=0, max_value=2**32 - 1)
# Distinct integers: a strictly increasing map keeps them distinct in floating point too.
distinct_values = st.lists(st.integers(-1000, 1000), min_size=3, max_size=40, unique=True).map(
    lambda v: np.array(v, dtype=float))


def strict_local_minima(v: np.ndarray) -> np.ndarray:
    """Indices of the interior entries of a sequence below both neighbours."""
    inner = (v[1:-1] < v[:-2]) & (v[1:-1] < v[2:])
    return np.flatnonzero(inner) + 1


# prop-extrema-transform ---------------------------------------------------------------

@settings(max_examples=200, deadline=None)
@given(distinct_values, st.floats(0.1, 10.0), st.floats(-100.0, 100.0))
def test_positive_affine_map_keeps_minimisers(f, a, b):
    g = a * f + b
    assert np.argmin(g) == np.argmin(f)
    np.testing.assert_array_equal(strict_local_minima(g), strict_local_minima(f))
    assert g.min() == pytest.approx(a * f.min() + b, rel=1e-12, abs=1e-9)
    assert np.argmin(-a * f + b) == np.argmax(f)      # a < 0: minimisers become maximisers


@settings(max_examples=200, deadline=None)
@given(distinct_values, st.sampled_from(["exp", "arctan", "cube", "log1p"]))
def test_strictly_increasing_map_keeps_minimisers(f, name):
    phi = {
        "exp": lambda s: np.exp(s / 50.0),             # values in [e^-20, e^20]: gaps stay resolvable
        "arctan": np.arctan,
        "cube": lambda s: s**3,
        "log1p": lambda s: np.log1p(s + 1001.0),       # positive argument
    }[name]
    g = phi(f)
    assert np.argmin(g) == np.argmin(f)
    np.testing.assert_array_equal(strict_local_minima(g), strict_local_minima(f))
    assert g.min() == phi(f.min())                     # min(phi o f) = phi(min f)


def test_non_decreasing_map_can_create_minimisers():
    """Exercise ex-extrema-1 (b): phi(s) = max(s, 1) on f(w) = w^2 flattens [-1, 1]."""
    w = np.linspace(-2, 2, 401)
    g = np.maximum(w**2, 1.0)
    minimisers = w[g == g.min()]
    assert minimisers.min() == pytest.approx(-1.0) and minimisers.max() == pytest.approx(1.0)


# thm-extrema-restriction --------------------------------------------------------------

@settings(max_examples=200, deadline=None)
@given(arrays(np.float64, st.integers(2, 60), elements=st.floats(-1e6, 1e6)), st.data())
def test_smaller_feasible_set_never_has_a_smaller_minimum(f, data):
    mask = np.array(data.draw(st.lists(st.booleans(), min_size=len(f), max_size=len(f))))
    assume(mask.any())
    assert f[mask].min() >= f.min()
    best = np.argmin(f)
    if mask[best]:                                     # a minimiser over C in C' minimises over C'
        assert f[best] == f[mask].min()


@settings(max_examples=300, deadline=None)
@given(st.floats(0.1, 10.0), st.floats(-5.0, 5.0), st.floats(-3.0, 3.0), st.floats(0.1, 3.0))
def test_interior_minimiser_has_zero_derivative_boundary_one_has_the_right_sign(a, c, lo, width):
    """f(x) = (a/2)(x - c)^2 on [lo, hi] is minimised at clip(c, lo, hi)."""
    hi = lo + width
    f = lambda x: 0.5 * a * (x - c) ** 2
    df = lambda x: a * (x - c)
    x_hat = float(np.clip(c, lo, hi))
    grid = np.linspace(lo, hi, 2001)
    assert np.all(f(x_hat) <= f(grid) + 1e-12)
    if lo < x_hat < hi:
        assert df(x_hat) == pytest.approx(0.0, abs=1e-12)
    elif x_hat == lo:
        assert df(lo) >= 0                             # raising x would increase f
    else:
        assert df(hi) <= 0                             # lowering x would increase f


# prop-extrema-grid and local methods ----------------------------------------------------

def trig_polynomial(seed: int, n_terms: int = 4):
    """A random sum of sines on [0, 10] and a Lipschitz constant K = sum |a_k| omega_k."""
    rng = np.random.default_rng(seed)
    amp, omega, phase = rng.normal(size=n_terms), rng.uniform(0.2, 4.0, n_terms), rng.uniform(0, 2 * np.pi, n_terms)

    def f(x):
        x = np.asarray(x, dtype=float)
        return np.sum(amp * np.sin(np.multiply.outer(x, omega) + phase), axis=-1)

    return f, float(np.sum(np.abs(amp) * omega))


@settings(max_examples=100, deadline=None)
@given(st.floats(0.5, 20.0), st.floats(0.0, 10.0), st.integers(2, 200))
def test_grid_bound_is_met_when_the_minimum_is_known(K, c, n):
    """f(x) = K |x - c| on [0, 10] has minimum 0; a grid with spacing h is at most K h / 2 above it."""
    grid = np.linspace(0.0, 10.0, n)
    h = grid[1] - grid[0]
    value = np.min(K * np.abs(grid - c))
    assert 0.0 <= value <= K * h / 2 * (1 + 1e-12)


@settings(max_examples=40, deadline=None)
@given(seeds, st.integers(5, 300))
def test_grid_search_is_within_K_h_over_2_of_any_polished_value(seed, n):
    f, K = trig_polynomial(seed)
    grid = np.linspace(0.0, 10.0, n)
    h = grid[1] - grid[0]
    grid_min = f(grid).min()
    # Polish every valley of a fine grid: each polished value is >= the true minimum f*,
    # and grid_min <= f* + K h / 2, so grid_min - polished <= K h / 2.
    fine = np.linspace(0.0, 10.0, 2001)
    polished = min(
        minimize_scalar(f, bounds=(fine[max(i - 1, 0)], fine[min(i + 1, len(fine) - 1)]), method="bounded",
                        options={"xatol": 1e-10}).fun
        for i in np.flatnonzero(np.r_[True, np.diff(np.sign(np.diff(f(fine)))) > 0, True])
    )
    assert grid_min - polished <= K * h / 2 + 1e-9


@settings(max_examples=40, deadline=None)
@given(seeds, st.floats(0.0, 10.0))
def test_local_method_never_ends_above_its_start_nor_below_grid_minus_K_h_over_2(seed, start):
    f, K = trig_polynomial(seed)
    run = minimize(lambda x: float(f(x[0])), [start], method="L-BFGS-B", bounds=[(0.0, 10.0)])
    assert run.fun <= float(f(start)) + 1e-12
    grid = np.linspace(0.0, 10.0, 201)
    h = grid[1] - grid[0]
    # f* <= run.fun, and grid_min <= f* + K h / 2 (prop-extrema-grid)
    assert f(grid).min() <= run.fun + K * h / 2 + 1e-9


def trig_polynomial_derivative(seed: int, n_terms: int = 4):
    """The derivative of trig_polynomial(seed, n_terms)[0]."""
    rng = np.random.default_rng(seed)
    amp, omega, phase = rng.normal(size=n_terms), rng.uniform(0.2, 4.0, n_terms), rng.uniform(0, 2 * np.pi, n_terms)
    return lambda x: np.sum(amp * omega * np.cos(np.multiply.outer(np.asarray(x, dtype=float), omega) + phase),
                            axis=-1)


@settings(max_examples=60, deadline=None)
@given(seeds, st.floats(0.0, 10.0), st.floats(0.5, 3.0))
def test_bound_constrained_run_ends_with_zero_slope_inside_or_an_outward_slope_at_a_bound(seed, start, width):
    f, K = trig_polynomial(seed)
    df = trig_polynomial_derivative(seed)
    lo, hi = 4.0, 4.0 + width
    start = float(np.clip(start, lo, hi))
    run = minimize(lambda x: float(f(x[0])), [start], jac=lambda x: np.array([df(x[0])]), method="L-BFGS-B",
                   bounds=[(lo, hi)])
    x, slope, tol = run.x[0], float(df(run.x[0])), 1e-4 * (1 + K)
    assert lo <= x <= hi
    if np.isclose(x, lo):
        assert slope > -tol                            # lowering x is not allowed, raising it does not help
    elif np.isclose(x, hi):
        assert slope < tol
    else:
        assert abs(slope) < tol


@settings(max_examples=40, deadline=None)
@given(seeds, st.integers(3, 40))
def test_lp_duality_certifies_least_absolute_deviations(seed, N):
    rng = np.random.default_rng(seed)
    X = np.column_stack([np.ones(N), rng.normal(size=N)])
    y = X @ rng.normal(size=2) + rng.standard_t(2, size=N)
    mae = lambda w: np.mean(np.abs(y - X @ w))        # noqa: E731
    s = linprog(-y / N, A_eq=X.T, b_eq=np.zeros(2), bounds=(-1, 1), method="highs").x
    assert np.abs(s).max() <= 1 + 1e-12 and np.abs(X.T @ s).max() < 1e-8
    lower = y @ s / N
    for w in rng.normal(scale=3.0, size=(50, 2)):     # weak duality: a lower bound for every w
        assert mae(w) >= lower - 1e-8 * (1 + np.abs(w).sum())
    # the primal LP attains it: min t_n / N subject to -t <= y - X w <= t
    c = np.concatenate([np.zeros(2), np.ones(N) / N])
    A_ub = np.block([[X, -np.eye(N)], [-X, -np.eye(N)]])
    primal = linprog(c, A_ub=A_ub, b_ub=np.concatenate([y, -y]), bounds=[(None, None)] * 2 + [(0, None)] * N,
                     method="highs")
    assert mae(primal.x[:2]) == pytest.approx(lower, abs=1e-8 * (1 + np.abs(y).max()))


# thm-extrema-coercive, ex-extrema-2 -----------------------------------------------------

@settings(max_examples=200, deadline=None)
@given(seeds, st.integers(1, 5), st.floats(0.0, 1e3))
def test_least_squares_is_coercive_with_independent_columns(seed, K, scale):
    rng = np.random.default_rng(seed)
    Phi, y = rng.normal(size=(K + 5, K)), rng.normal(size=K + 5)
    w = scale * rng.normal(size=K)
    sigma_min = np.linalg.svd(Phi, compute_uv=False).min()
    assert np.linalg.norm(Phi @ w) >= sigma_min * np.linalg.norm(w) * (1 - 1e-12)
    lower = sigma_min * np.linalg.norm(w) - np.linalg.norm(y)
    if lower > 0:
        assert np.sum((y - Phi @ w) ** 2) >= lower**2 * (1 - 1e-10)


def test_dependent_columns_give_a_line_of_minimisers():
    rng = np.random.default_rng(1)
    phi, y = rng.normal(size=20), rng.normal(size=20)
    Phi = np.column_stack([phi, phi])
    w, *_ = np.linalg.lstsq(Phi, y, rcond=None)
    loss = lambda v: np.sum((y - Phi @ v) ** 2)
    for s in (-3.0, 0.5, 10.0):
        assert loss(w + s * np.array([1.0, -1.0])) == pytest.approx(loss(w), rel=1e-12)


# ex-extrema-3: no minimiser, and gradient descent never stops -------------------------

@settings(max_examples=100, deadline=None)
@given(st.floats(-3.0, 3.0), st.floats(0.01, 2.0))
def test_gradient_descent_on_exp_minus_w_runs_off(w0, eta):
    tol = 1e-8
    run = gradient_descent(lambda w: np.exp(-w), lambda w: -np.exp(-w), w0, step_size=eta, max_iter=200, tol=tol)
    # There is no stationary point: the run can only "converge" in the sense of the stopping
    # rule, once it has run so far right that |f'(w)| = exp(-w) <= tol (a large first step
    # from a negative w0 can get there at once).
    if run.converged:
        assert np.exp(-run.x) <= tol
    assert np.all(np.diff(run.path) > 0) and np.all(np.diff(run.values) < 0)
    t = np.arange(len(run.path))
    assert np.all(np.exp(run.path) >= (np.exp(w0) + eta * t) * (1 - 1e-12))


# Non-negative least squares: the constrained problem of the page ----------------------

def brute_force_nnls(M: np.ndarray, b: np.ndarray) -> float:
    """Smallest residual over w >= 0, by least squares on every support (small D only)."""
    D = M.shape[1]
    best = np.linalg.norm(b)                           # w = 0
    for size in range(1, D + 1):
        for support in itertools.combinations(range(D), size):
            cols = list(support)
            w, *_ = np.linalg.lstsq(M[:, cols], b, rcond=None)
            if np.all(w >= 0):
                best = min(best, np.linalg.norm(M[:, cols] @ w - b))
    return best


@settings(max_examples=100, deadline=None)
@given(seeds, st.integers(1, 4), st.integers(0, 4))
def test_nnls_solves_the_constrained_problem(seed, D, extra_rows):
    rng = np.random.default_rng(seed)
    M, b = rng.normal(size=(D + 1 + extra_rows, D)), rng.normal(size=D + 1 + extra_rows)
    w, r = nnls(M, b)
    w_free, *_ = np.linalg.lstsq(M, b, rcond=None)
    assert np.all(w >= 0)
    assert r == pytest.approx(np.linalg.norm(M @ w - b), rel=1e-10, abs=1e-12)
    assert r >= np.linalg.norm(M @ w_free - b) - 1e-10          # thm-extrema-restriction (2)
    assert r == pytest.approx(brute_force_nnls(M, b), rel=1e-8, abs=1e-10)
    g = 2 * M.T @ (M @ w - b)
    tol = 1e-8 * (1 + np.linalg.norm(M) ** 2 * (1 + np.linalg.norm(w)) + np.linalg.norm(M) * np.linalg.norm(b))
    assert np.all(np.abs(g[w > 0]) <= tol)                        # ex-extrema-4: zero where w_k > 0
    assert np.all(g[w == 0] >= -tol)                               # and >= 0 where w_k = 0


# Hand-derived gradients: central differences and autograd -----------------------------

@settings(max_examples=60, deadline=None)
@given(seeds, st.integers(1, 6), st.integers(1, 8), st.booleans())
def test_least_squares_gradient(seed, D, extra_rows, mean):
    """grad of ||Mw - b||^2 is 2 M^T (Mw - b); of the mean, (2/N) M^T (Mw - b) (ex-extrema-5)."""
    rng = np.random.default_rng(seed)
    N = D + extra_rows
    M, b, w = rng.normal(size=(N, D)), rng.normal(size=N), rng.normal(size=D)
    c = 1.0 / N if mean else 1.0

    def loss(v):
        r = anp.dot(M, v) - b
        return c * anp.sum(r**2)

    def grad(v):
        return 2 * c * M.T @ (M @ v - b)

    assert derivatives.check_gradient(loss, grad, w).ok
    np.testing.assert_allclose(grad(w), autograd.grad(loss)(w), rtol=1e-10, atol=1e-12)


def test_profile_loss_of_a_sinusoid_is_at_most_the_variance():
    """The loss of the best sinusoid of any period is at most that of the constant model."""
    rng = np.random.default_rng(2)
    t = np.sort(rng.uniform(0, 1000, 300))
    y = 10 * np.cos(2 * np.pi * t / 365.25) + rng.normal(size=300)
    for P in (50.0, 200.0, 365.25, 700.0):
        A = np.column_stack([np.ones_like(t), np.cos(2 * np.pi * t / P), np.sin(2 * np.pi * t / P)])
        coef, *_ = np.linalg.lstsq(A, y, rcond=None)
        assert np.mean((y - A @ coef) ** 2) <= np.var(y) + 1e-12
