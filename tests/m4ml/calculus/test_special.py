"""m4ml.calculus.special: agreement with SciPy, no overflow, shift invariance, bad input.

Tolerances: for moderate scores both implementations compute the same shifted
sums, so they agree to a few ulps of the result; for shifted inputs
``z + c`` the computed value ``lse(z) + c`` can only be as exact as the
rounding of ``z + c`` itself, an error of order eps * |c|.
"""

import numpy as np
import pytest
import scipy.special
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import array_shapes, arrays

from m4ml.calculus import special

EPS = np.finfo(float).eps
scores = arrays(np.float64, array_shapes(min_dims=1, max_dims=3, min_side=1, max_side=5),
                elements=st.floats(-50, 50))
shifts = st.floats(-1e4, 1e4)


@st.composite
def scores_and_axis(draw):
    z = draw(scores)
    return z, draw(st.integers(-z.ndim, z.ndim - 1))


def test_known_values():
    assert special.logsumexp([0.0, 0.0]) == pytest.approx(np.log(2), rel=1e-15)
    assert special.logsumexp([3.0]) == 3.0
    np.testing.assert_allclose(special.softmax([0.0, np.log(3.0)]), [0.25, 0.75], rtol=1e-15)
    assert isinstance(special.logsumexp([1.0, 2.0]), float)


@settings(max_examples=100, deadline=None)
@given(scores_and_axis())
def test_agrees_with_scipy(z_axis):
    z, axis = z_axis
    lse = special.logsumexp(z, axis=axis)
    np.testing.assert_allclose(lse, scipy.special.logsumexp(z, axis=axis), rtol=1e-13, atol=1e-13)
    np.testing.assert_allclose(special.softmax(z, axis=axis), scipy.special.softmax(z, axis=axis),
                               rtol=1e-12, atol=1e-300)
    assert np.shape(lse) == tuple(np.delete(z.shape, axis))  # the classes' axis is removed


@settings(max_examples=100, deadline=None)
@given(scores_and_axis())
def test_softmax_is_a_probability_vector(z_axis):
    z, axis = z_axis
    p = special.softmax(z, axis=axis)
    assert p.shape == z.shape
    assert np.all(p >= 0) and np.all(p <= 1)
    np.testing.assert_allclose(p.sum(axis=axis), 1.0, rtol=0, atol=10 * z.shape[axis] * EPS)


@settings(max_examples=100, deadline=None)
@given(scores, shifts)
def test_shift_invariance(z, c):
    z_shift = z + c
    # lse(z + c) = lse(z) + c, up to the rounding of z + c (error of order eps * |c|)
    np.testing.assert_allclose(special.logsumexp(z_shift), special.logsumexp(z) + c,
                               rtol=1e-13, atol=4 * EPS * (abs(c) + 50))
    # softmax(z + c) = softmax(z): relative changes of the scores of order eps * |c|
    np.testing.assert_allclose(special.softmax(z_shift), special.softmax(z),
                               rtol=0, atol=4 * EPS * (abs(c) + 50) * 2)


@settings(max_examples=50, deadline=None)
@given(scores, st.floats(800, 1e300))
def test_no_overflow_for_large_scores(z, big):
    # the literal formula overflows once a score exceeds log(max float) = 709.78
    for shifted in (z + big, z - big):
        lse = special.logsumexp(shifted)
        p = special.softmax(shifted)
        assert np.all(np.isfinite(lse)) and np.all(np.isfinite(p))
        np.testing.assert_allclose(p.sum(axis=-1), 1.0, atol=10 * z.shape[-1] * EPS)
        # smooth maximum: max z <= lse(z) <= max z + log K
        m = shifted.max(axis=-1)
        assert np.all(lse >= m) and np.all(lse <= m + np.log(z.shape[-1]) * (1 + 1e-12) + EPS * np.abs(m))


def test_large_scores_match_the_shifted_formula():
    z = np.array([1000.0, 999.0, 990.0])
    with np.errstate(over="raise"), pytest.raises(FloatingPointError, match="overflow"):
        np.log(np.sum(np.exp(z)))  # the literal formula
    assert special.logsumexp(z) == pytest.approx(1000 + np.log(1 + np.exp(-1) + np.exp(-10)), rel=1e-15)
    np.testing.assert_allclose(special.softmax(z), scipy.special.softmax(z - 1000.0), rtol=1e-14)


def test_bad_input():
    with pytest.raises(TypeError, match="z must be an array of numbers"):
        special.logsumexp("scores")
    with pytest.raises(ValueError, match="z must not contain NaN, got 1 NaN"):
        special.softmax([1.0, np.nan])
    with pytest.raises(ValueError, match="z must be finite"):
        special.logsumexp([1.0, np.inf])
    with pytest.raises(ValueError, match="z must have at least one dimension"):
        special.logsumexp(3.0)
    with pytest.raises(ValueError, match=r"axis must lie in -2\.\.1 for z of shape \(2, 3\), got 2"):
        special.softmax(np.zeros((2, 3)), axis=2)
    with pytest.raises(TypeError, match="axis must be an integer"):
        special.softmax(np.zeros(3), axis=0.5)
    with pytest.raises(ValueError, match="z must have scores along axis -1"):
        special.logsumexp(np.zeros((2, 0)))
