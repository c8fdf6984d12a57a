"""m4ml.calculus against known derivatives and automatic differentiation (autograd)."""

import autograd
import autograd.numpy as anp
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from m4ml import calculus

vectors = arrays(np.float64, st.integers(1, 6), elements=st.floats(-3, 3))


def f_smooth(x):
    return anp.sum(anp.sin(x) * x**2) + anp.log(1 + anp.sum(x**2))


@settings(max_examples=50, deadline=None)
@given(vectors)
def test_numerical_gradient_matches_autograd(x):
    exact = autograd.grad(f_smooth)(x)
    approx = calculus.numerical_gradient(f_smooth, x)
    # central differences with h ~ eps^(1/3): error ~ eps^(2/3) * (size of f''') ~ 1e-10 here
    np.testing.assert_allclose(approx, exact, rtol=1e-6, atol=1e-7)


@settings(max_examples=30, deadline=None)
@given(vectors)
def test_numerical_jacobian_and_hessian_match_autograd(x):
    def g(v):
        return anp.tanh(v) * anp.sum(v)

    np.testing.assert_allclose(calculus.numerical_jacobian(g, x), autograd.jacobian(g)(x), rtol=1e-6, atol=1e-7)
    H = calculus.numerical_hessian(f_smooth, x)
    np.testing.assert_allclose(H, autograd.hessian(f_smooth)(x), rtol=1e-4, atol=1e-4)
    np.testing.assert_array_equal(H, H.T)


def test_check_gradient_accepts_right_and_rejects_wrong():
    A = np.array([[2.0, 1.0], [1.0, 3.0]])
    x = np.array([1.0, -2.0])
    good = calculus.check_gradient(lambda v: v @ A @ v, lambda v: 2 * A @ v, x)
    assert good.ok and good.relative_error < 1e-8
    bad = calculus.check_gradient(lambda v: v @ A @ v, lambda v: A @ v, x)  # forgot the factor 2
    assert not bad.ok and bad.relative_error > 0.1
    assert calculus.numerical_gradient(np.sin, 0.3) == pytest.approx(np.cos(0.3), abs=1e-9)
    W = np.arange(4.0).reshape(2, 2)
    assert calculus.numerical_jacobian(lambda M: M @ np.ones(2), W).shape == (2, 2, 2)


def test_bad_input():
    with pytest.raises(TypeError, match="f must be callable"):
        calculus.numerical_jacobian(3, [1.0])
    with pytest.raises(ValueError, match="x contains 1 NaN"):
        calculus.numerical_gradient(np.sum, [1.0, np.nan])
    with pytest.raises(ValueError, match="f must return a single number"):
        calculus.numerical_gradient(lambda v: v, np.ones(3))
    with pytest.raises(ValueError, match="h must be a finite positive number"):
        calculus.numerical_gradient(np.sum, np.ones(2), h=0)
    with pytest.raises(ValueError, match=r"grad returned shape \(3,\), expected \(2,\)"):
        calculus.check_gradient(np.sum, lambda v: np.ones(3), np.ones(2))
    with pytest.raises(ValueError, match="x must be a vector for a Hessian"):
        calculus.numerical_hessian(np.sum, np.ones((2, 2)))
