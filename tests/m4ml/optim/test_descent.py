"""m4ml.optim.descent: gradient descent's history, divergence and bad input."""

import numpy as np
import pytest

from m4ml.optim import descent


def quad(x):
    return 0.5 * 4.0 * (x - 3.0) ** 2


def dquad(x):
    return 4.0 * (x - 3.0)


def test_gradient_descent_scalar_records_history():
    res = descent.gradient_descent(quad, dquad, 0.0, step_size=0.1, tol=1e-10)
    assert res.converged and isinstance(res.x, float)
    assert res.x == pytest.approx(3.0, abs=1e-10)
    assert res.path.shape == (res.n_iter + 1,) and res.values.shape == (res.n_iter + 1,)
    assert res.path[0] == 0.0 and np.all(np.diff(res.values) <= 0)
    # the error contracts by exactly |1 - eta * a| per step on a quadratic
    err = res.path - 3.0
    np.testing.assert_allclose(err[1:6] / err[:5], 1 - 0.1 * 4.0)


def test_gradient_descent_vector_and_divergence():
    A = np.diag([1.0, 10.0])
    res = descent.gradient_descent(lambda x: 0.5 * x @ A @ x, lambda x: A @ x, [1.0, 1.0], step_size=0.1)
    assert res.converged and np.allclose(res.x, 0, atol=1e-8)
    bad = descent.gradient_descent(lambda x: 0.5 * x @ A @ x, lambda x: A @ x, [1.0, 1.0],
                                 step_size=0.25, max_iter=10_000)
    assert not bad.converged and "diverged" in bad.message
    slow = descent.gradient_descent(quad, dquad, 0.0, step_size=1e-4, max_iter=5)
    assert not slow.converged and slow.n_iter == 5 and "max_iter" in slow.message


def test_gradient_descent_stops_at_start_if_already_optimal():
    res = descent.gradient_descent(quad, dquad, 3.0, step_size=0.1)
    assert res.converged and res.n_iter == 0 and len(res.path) == 1


@pytest.mark.parametrize(
    "kwargs, error, match",
    [
        ({"x0": np.nan}, ValueError, "x0 must not contain NaN, got 1 NaN"),
        ({"x0": np.inf}, ValueError, "x0 must be finite"),
        ({"x0": "a"}, TypeError, "x0 must be an array of numbers"),
        ({"step_size": 0}, ValueError, "step_size must be "),
        ({"step_size": -0.1}, ValueError, "step_size must be "),
        ({"max_iter": 0}, ValueError, "max_iter must be >= 1"),
        ({"tol": 0}, ValueError, "tol must be "),
    ],
)
def test_gradient_descent_bad_input(kwargs, error, match):
    args = {"x0": 1.0, "step_size": 0.1} | kwargs
    with pytest.raises(error, match=match):
        descent.gradient_descent(quad, dquad, args.pop("x0"), **args)


def test_gradient_descent_checks_callables_and_gradient_shape():
    with pytest.raises(TypeError, match="grad must be callable"):
        descent.gradient_descent(quad, 3.0, 1.0, step_size=0.1)
    with pytest.raises(ValueError, match=r"grad must return shape \(2,\)"):
        descent.gradient_descent(lambda x: 0.0, lambda x: np.ones(3), [1.0, 2.0], step_size=0.1)
