"""m4ml.optim: step rules, backtracking (Armijo) line search and exact steps for quadratics."""

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from quadratics import quadratic, random_spd, seeds

from m4ml.optim import descent, line_search


@settings(max_examples=40, deadline=None)
@given(seeds, st.integers(2, 6), st.floats(1.0, 50.0))
def test_armijo_step_satisfies_condition_and_is_not_too_short(seed, n, kappa):
    # For an L-smooth f, backtracking from t0 accepts a step >= min(t0, 2*beta*(1 - c)/L).
    rng = np.random.default_rng(seed)
    A, b = random_spd(rng, n, kappa), rng.standard_normal(n)
    f, grad = quadratic(A, b)
    x = rng.standard_normal(n) * 3
    g = grad(x)
    if np.linalg.norm(g) < 1e-8:
        return
    L = np.linalg.eigvalsh(A).max()
    c, beta, t0 = 0.3, 0.5, 1.0
    res = line_search.backtracking_line_search(f, x, g, c=c, shrink=beta, initial_step=t0)
    assert res.success
    assert res.fun == pytest.approx(f(x - res.step * g))
    assert res.fun <= f(x) - c * res.step * (g @ g) + 1e-12
    assert res.step >= min(t0, 2 * beta * (1 - c) / L) * (1 - 1e-12)
    # f(x), then one value per trial step t0, beta t0, ..., res.step
    assert res.n_fev == 1 + round(np.log(t0 / res.step) / np.log(1 / beta)) + 1


@settings(max_examples=40, deadline=None)
@given(seeds, st.integers(2, 6), st.floats(1.0, 50.0))
def test_exact_quadratic_step_minimises_along_the_line(seed, n, kappa):
    rng = np.random.default_rng(seed)
    A, b = random_spd(rng, n, kappa), rng.standard_normal(n)
    f, grad = quadratic(A, b)
    x = rng.standard_normal(n)
    g = grad(x)
    t = descent.exact_quadratic_step(A, g)
    # the new gradient is orthogonal to the search direction ...
    assert grad(x - t * g) @ g == pytest.approx(0.0, abs=1e-9 * (1 + g @ g))
    # ... and no other step along -g does better
    for s in rng.uniform(0, 3 * t, 20):
        assert f(x - t * g) <= f(x - s * g) + 1e-12


@settings(max_examples=30, deadline=None)
@given(seeds, st.integers(2, 5), st.floats(1.5, 30.0))
def test_steepest_descent_with_exact_steps_meets_the_kantorovich_rate(seed, n, kappa):
    # f(x_{t+1}) - f* <= ((kappa - 1) / (kappa + 1))**2 (f(x_t) - f*) for exact line search.
    rng = np.random.default_rng(seed)
    A, b = random_spd(rng, n, kappa), rng.standard_normal(n)
    f, grad = quadratic(A, b)
    f_star = f(np.linalg.solve(A, b))
    run = descent.gradient_descent(f, grad, rng.standard_normal(n), max_iter=30, tol=1e-10,
                                 step_size=lambda x, g: descent.exact_quadratic_step(A, g))
    gaps = run.values - f_star
    rate = ((kappa - 1) / (kappa + 1)) ** 2
    assert np.all(gaps[1:] <= rate * gaps[:-1] + 1e-10)


@settings(max_examples=30, deadline=None)
@given(seeds, st.integers(2, 5), st.floats(1.0, 30.0))
def test_descent_lemma_for_the_step_one_over_L(seed, n, kappa):
    # f(x - g/L) <= f(x) - ||g||^2 / (2L) for every L-smooth f.
    rng = np.random.default_rng(seed)
    A, b = random_spd(rng, n, kappa), rng.standard_normal(n)
    f, grad = quadratic(A, b)
    L = np.linalg.eigvalsh(A).max()
    run = descent.gradient_descent(f, grad, rng.standard_normal(n) * 5, step_size=1 / L, max_iter=25)
    for x, fx_next in zip(run.path[:-1], run.values[1:]):
        g = grad(x)
        assert fx_next <= f(x) - g @ g / (2 * L) + 1e-10


@settings(max_examples=30, deadline=None)
@given(seeds, st.integers(2, 5), st.floats(1.0, 100.0))
def test_backtracking_descent_decreases_and_converges(seed, n, kappa):
    rng = np.random.default_rng(seed)
    A, b = random_spd(rng, n, kappa), rng.standard_normal(n)
    # The first trial step, 1, is accepted whenever it decreases f enough; along an eigenvector
    # with eigenvalue near 2 it multiplies the error by about -1, so convergence there can take
    # arbitrarily many steps. Away from that band every accepted unit step contracts by 0.95.
    assume(np.min(np.abs(np.linalg.eigvalsh(A) - 2.0)) > 0.05)
    f, grad = quadratic(A, b)
    run = line_search.backtracking_gradient_descent(f, grad, rng.standard_normal(n), tol=1e-6, max_iter=5000)
    assert run.converged, run.message
    np.testing.assert_allclose(run.x, np.linalg.solve(A, b), atol=1e-5)
    assert np.all(np.diff(run.values) <= 0)
    assert run.steps.shape == (run.n_iter,) and np.all(run.steps > 0)
    assert run.n_gev == run.n_iter + 1
    assert run.n_fev >= run.n_iter + 1


def test_counts_and_steps_of_fixed_step_descent():
    f, grad = quadratic(np.diag([4.0, 1.0]), np.zeros(2))
    run = descent.gradient_descent(f, grad, [1.0, 1.0], step_size=0.25, tol=1e-6)
    assert run.converged
    assert run.n_fev == run.n_gev == run.n_iter + 1
    np.testing.assert_array_equal(run.steps, np.full(run.n_iter, 0.25))


# ------------------------------------------------------------ honest evaluation counts
class Counted:
    """Wraps a function and counts its calls."""

    def __init__(self, func):
        self.func, self.calls = func, 0

    def __call__(self, x):
        self.calls += 1
        return self.func(x)


@settings(max_examples=40, deadline=None)
@given(seeds, st.integers(2, 5), st.floats(1.0, 100.0), st.sampled_from([0.1, 1.0, 10.0, 1e3]))
def test_line_search_counts_every_call_of_fun(seed, n, kappa, t0):
    rng = np.random.default_rng(seed)
    A, b = random_spd(rng, n, kappa), rng.standard_normal(n)
    f, grad = quadratic(A, b)
    x = rng.standard_normal(n) * 3
    fun = Counted(f)
    res = line_search.backtracking_line_search(fun, x, grad(x), initial_step=t0)
    assert res.n_fev == fun.calls
    # f(x) plus one evaluation per trial step t0, t0/2, ..., res.step
    assert res.n_fev == 1 + round(np.log2(t0 / res.step)) + 1
    # given f(x), the search does not evaluate it again, and the count says so
    fun_known = Counted(f)
    res_known = line_search.backtracking_line_search(fun_known, x, grad(x), initial_step=t0, fx=f(x))
    assert res_known.n_fev == fun_known.calls == res.n_fev - 1
    assert res_known.step == res.step and res_known.fun == res.fun


def test_line_search_counts_calls_when_it_fails():
    # grad is the negative of the true gradient, so no step decreases f: every trial is rejected
    A = np.diag([3.0, 1.0])
    fun = Counted(lambda x: 0.5 * x @ A @ x)
    x = np.array([1.0, 1.0])
    res = line_search.backtracking_line_search(fun, x, -(A @ x), max_backtracks=7)
    assert not res.success
    assert res.n_fev == fun.calls == 1 + 8


@settings(max_examples=30, deadline=None)
@given(seeds, st.integers(2, 5), st.floats(1.0, 100.0), st.sampled_from([1.0, 10.0, 100.0]))
def test_backtracking_descent_counts_every_call_once(seed, n, kappa, t0):
    rng = np.random.default_rng(seed)
    A, b = random_spd(rng, n, kappa), rng.standard_normal(n)
    f, grad = quadratic(A, b)
    fun, jac = Counted(f), Counted(grad)
    run = line_search.backtracking_gradient_descent(fun, jac, rng.standard_normal(n), initial_step=t0,
                                              tol=1e-6, max_iter=5000)
    assert run.converged, run.message
    assert run.n_fev == fun.calls and run.n_gev == jac.calls
    # f(x0), then one value per trial step; an accepted trial's value is reused, not recomputed
    trials = np.round(np.log2(t0 / run.steps)).astype(int) + 1
    assert run.n_fev == 1 + trials.sum()


def test_counts_are_honest_when_descent_stops_early():
    A = np.diag([10.0, 1.0])
    f = lambda x: 0.5 * x @ A @ x  # noqa: E731
    # a wrong gradient: the first line search fails after max_backtracks + 1 trials
    fun, jac = Counted(f), Counted(lambda x: -A @ x)
    run = line_search.backtracking_gradient_descent(fun, jac, [1.0, 1.0], max_backtracks=5)
    assert not run.converged
    assert run.n_fev == fun.calls == 1 + 6 and run.n_gev == jac.calls == 1
    # max_iter reached, for both optimisers
    for optimiser, kwargs in [(line_search.backtracking_gradient_descent, {}),
                              (descent.gradient_descent, {"step_size": 0.05})]:
        fun, jac = Counted(f), Counted(lambda x: A @ x)
        run = optimiser(fun, jac, [1.0, 1.0], max_iter=3, **kwargs)
        assert not run.converged and run.n_iter == 3
        assert run.n_fev == fun.calls and run.n_gev == jac.calls == 4
    # divergence of fixed-step descent: f and grad at x0, then f at each new iterate and grad at
    # each finite one
    fun, jac = Counted(f), Counted(lambda x: A @ x)
    run = descent.gradient_descent(fun, jac, [1.0, 1.0], step_size=10.0)
    assert "diverged" in run.message
    assert run.n_fev == fun.calls and run.n_gev == jac.calls


def test_wrong_gradient_stops_backtracking_with_a_message():
    A = np.diag([10.0, 1.0])
    run = line_search.backtracking_gradient_descent(lambda x: 0.5 * x @ A @ x, lambda x: -A @ x, [1.0, 1.0])
    assert not run.converged
    assert "gradient of fun" in run.message
    assert run.path.shape == (run.n_iter + 1, 2)


def test_step_rule_must_return_a_positive_step():
    f, grad = quadratic(np.eye(2), np.zeros(2))
    with pytest.raises(ValueError, match="step_size rule must return a positive finite step"):
        descent.gradient_descent(f, grad, [1.0, 1.0], step_size=lambda x, g: -1.0)


@pytest.mark.parametrize(
    "kwargs, error, match",
    [
        ({"x": [np.nan, 1.0]}, ValueError, "x must not contain NaN, got 1 NaN"),
        ({"gradient": [1.0]}, ValueError, r"gradient must have the shape of x"),
        ({"direction": [1.0, 1.0]}, ValueError, "direction must be a descent direction"),
        ({"shrink": 1.0}, ValueError, "shrink must be < 1, got 1.0"),
        ({"c": 1.5}, ValueError, "c must be < 1, got 1.5"),
        ({"initial_step": 0.0}, ValueError, "initial_step must be "),
        ({"max_backtracks": -1}, ValueError, "max_backtracks must be >= 0"),
        ({"fun": "f"}, TypeError, "fun must be callable"),
        ({"fx": np.nan}, ValueError, "fx must not contain NaN, got 1 NaN"),
        ({"fx": [1.0, 2.0]}, ValueError, "fx must be 0-D"),
        ({"fx": "2.0"}, TypeError, "fx must be an array of numbers"),
    ],
)
def test_backtracking_line_search_bad_input(kwargs, error, match):
    args = {"fun": lambda x: x @ x, "x": [1.0, 1.0], "gradient": [2.0, 2.0]} | kwargs
    with pytest.raises(error, match=match):
        line_search.backtracking_line_search(args.pop("fun"), args.pop("x"), args.pop("gradient"), **args)


@pytest.mark.parametrize(
    "kwargs, error, match",
    [
        ({"x0": [np.inf, 0.0]}, ValueError, "x0 must be finite"),
        ({"x0": "start"}, TypeError, "x0 must be an array of numbers"),
        ({"shrink": 0.0}, ValueError, "shrink must be "),
        ({"tol": -1.0}, ValueError, "tol must be "),
        ({"max_iter": 0}, ValueError, "max_iter must be >= 1"),
    ],
)
def test_backtracking_gradient_descent_bad_input(kwargs, error, match):
    args = {"x0": [1.0, 1.0]} | kwargs
    with pytest.raises(error, match=match):
        line_search.backtracking_gradient_descent(lambda x: x @ x, lambda x: 2 * x, args.pop("x0"), **args)


@pytest.mark.parametrize(
    "A, g, match",
    [
        (np.ones((2, 3)), np.ones(2), "A must be a square matrix"),
        (np.eye(2), np.ones(3), "g must have length 2"),
        (np.eye(2), np.zeros(2), "g is zero"),
        (-np.eye(2), np.ones(2), "A must be positive definite along g"),
        (np.eye(2), [np.nan, 1.0], "g must not contain NaN, got 1 NaN"),
    ],
)
def test_exact_quadratic_step_bad_input(A, g, match):
    with pytest.raises(ValueError, match=match):
        descent.exact_quadratic_step(A, g)
