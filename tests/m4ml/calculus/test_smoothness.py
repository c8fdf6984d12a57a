"""m4ml.calculus.smoothness: Lipschitz constants of gradients and the quadratic upper bound.

The theorems behind these functions (the quadratic upper bound, L = lambda_max(X^T X)/N for least
squares) are tested on random inputs in test_calculus_taylor.py; here we test the functions
themselves: known answers, agreement with an independent computation, that the logistic constant
lambda_max(X^T X)/(4N) is attained (at w = 0) and so is the smallest one, and input validation.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from m4ml.calculus import smoothness
from m4ml.models import linear

matrices = st.tuples(st.integers(1, 10), st.integers(1, 6)).flatmap(
    lambda shape: arrays(np.float64, shape, elements=st.floats(-10, 10)))


def test_known_answers():
    X = np.array([[3.0, 0.0], [0.0, 1.0], [0.0, 0.0]])      # X^T X = diag(9, 1), N = 3
    assert smoothness.lipschitz_constant_least_squares(X) == pytest.approx(3.0)
    assert smoothness.lipschitz_constant_logistic(X) == pytest.approx(0.75)
    assert smoothness.lipschitz_constant_least_squares(np.ones((4, 1))) == pytest.approx(1.0)
    assert smoothness.lipschitz_constant_least_squares([[2]]) == pytest.approx(4.0)   # array_like works


def test_zero_matrix_gives_zero_not_a_tiny_negative_number():
    assert smoothness.lipschitz_constant_least_squares(np.zeros((5, 3))) == 0.0
    assert smoothness.lipschitz_constant_logistic(np.zeros((5, 3))) == 0.0


@settings(max_examples=200, deadline=None)
@given(matrices)
def test_least_squares_constant_is_the_squared_spectral_norm_over_n(X):
    # lambda_max(X^T X) = sigma_max(X)^2, computed independently from the SVD
    expected = np.linalg.norm(X, 2) ** 2 / X.shape[0]
    L = smoothness.lipschitz_constant_least_squares(X)
    assert L == pytest.approx(expected, rel=1e-10, abs=1e-12 * (1 + np.sum(X**2)))
    assert smoothness.lipschitz_constant_logistic(X) == pytest.approx(L / 4, rel=1e-12, abs=1e-300)


@settings(max_examples=100, deadline=None)
@given(st.integers(0, 2**32 - 1), st.integers(1, 30), st.integers(1, 6), st.floats(0.1, 10.0))
def test_logistic_constant_is_attained_at_zero_and_bounds_the_hessian_elsewhere(seed, N, D, scale):
    # The smallest L with ||grad f(w) - grad f(v)|| <= L ||w - v|| for all w, v is the largest
    # eigenvalue of the Hessian over all w. At w = 0 the Hessian is X^T X / (4N), whose largest
    # eigenvalue is the constant; at every other w it is X^T S X / N with S <= I/4.
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((N, D)) * rng.uniform(0.2, 3.0, D)
    L = smoothness.lipschitz_constant_logistic(X)
    top = lambda w: np.linalg.eigvalsh(linear.logistic_hessian(w, X))[-1]  # noqa: E731
    assert top(np.zeros(D)) == pytest.approx(L, rel=1e-12)
    for _ in range(5):
        w = rng.standard_normal(D) * scale
        assert top(w) <= L * (1 + 1e-12)


def test_logistic_constant_is_the_lipschitz_constant_of_the_gradient_near_zero():
    # along the top eigenvector q of X^T X the gradient changes at rate L near w = 0: the
    # difference quotient ||grad(tq) - grad(-tq)|| / (2t) tends to L, and never exceeds it
    rng = np.random.default_rng(1)
    X = rng.standard_normal((40, 3)) * [1.0, 2.0, 0.5]
    y = (rng.random(40) < 0.5).astype(float)
    L = smoothness.lipschitz_constant_logistic(X)
    q = np.linalg.eigh(X.T @ X)[1][:, -1]
    grad = lambda w: linear.logistic_gradient(w, X, y)  # noqa: E731
    rates = [np.linalg.norm(grad(t * q) - grad(-t * q)) / (2 * t) for t in (1.0, 0.1, 1e-3)]
    assert np.all(np.array(rates) <= L * (1 + 1e-12))
    assert rates[-1] == pytest.approx(L, rel=1e-5)


def test_quadratic_upper_bound_value():
    def f(v):
        return v @ v

    def grad(v):
        return 2 * v

    x, y = np.array([1.0, 0.0]), np.array([0.0, 1.0])
    # f(x) + grad(x)^T (y - x) + (L/2)|y - x|^2 = 1 - 2 + 2 = 1 = f(y): L = 2 is exact for |v|^2
    assert smoothness.quadratic_upper_bound(f, grad, x, y, 2.0) == pytest.approx(1.0)
    assert smoothness.quadratic_upper_bound(f, grad, x, y, 0) == pytest.approx(-1.0)
    assert smoothness.quadratic_upper_bound(f, grad, [1, 0], [0, 1], 2) == pytest.approx(1.0)


def test_bad_input():
    with pytest.raises(ValueError, match="X must be 2-D"):
        smoothness.lipschitz_constant_least_squares(np.ones(3))
    with pytest.raises(ValueError, match="X must not contain NaN, got 1 NaN"):
        smoothness.lipschitz_constant_least_squares([[1.0, np.nan]])
    with pytest.raises(ValueError, match=r"at least 1 column\(s\)"):
        smoothness.lipschitz_constant_logistic(np.ones((3, 0)))
    with pytest.raises(ValueError, match="at least 1 row"):
        smoothness.lipschitz_constant_least_squares(np.ones((0, 2)))
    with pytest.raises(TypeError, match="X must be an array of numbers"):
        smoothness.lipschitz_constant_least_squares("X")

    def f(v):
        return v @ v

    def grad(v):
        return 2 * v

    with pytest.raises(TypeError, match="fun must be callable"):
        smoothness.quadratic_upper_bound(1.0, grad, [0.0], [1.0], 1.0)
    with pytest.raises(TypeError, match="grad must be callable"):
        smoothness.quadratic_upper_bound(f, None, [0.0], [1.0], 1.0)
    with pytest.raises(ValueError, match="same shape"):
        smoothness.quadratic_upper_bound(f, grad, [0.0, 1.0], [1.0], 1.0)
    with pytest.raises(ValueError, match="x must be 1-D"):
        smoothness.quadratic_upper_bound(f, grad, np.ones((2, 2)), np.ones((2, 2)), 1.0)
    with pytest.raises(ValueError, match="L must be "):
        smoothness.quadratic_upper_bound(f, grad, [0.0], [1.0], -1.0)
    with pytest.raises(TypeError, match="L must be a real number"):
        smoothness.quadratic_upper_bound(f, grad, [0.0], [1.0], "1")
    with pytest.raises(ValueError, match=r"grad\(x\) must have the shape of x"):
        smoothness.quadratic_upper_bound(f, lambda v: np.ones(3), [0.0], [1.0], 1.0)
