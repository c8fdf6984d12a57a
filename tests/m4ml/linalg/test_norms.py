"""m4ml.linalg.norms: known answers, agreement with NumPy, bad input, and the theorems of the
normed-spaces section as Hypothesis property tests (norm axioms, the metric a norm
induces, the reverse triangle inequality, norm equivalence in R^D)."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from m4ml.linalg import norms

P_VALUES = [1, 1.5, 2, 3, np.inf]
# Entries are 0 or of size between 1e-3 and 1e3: no underflow when vectors are scaled,
# so relative tolerances of a few hundred ulps are justified.
entry = st.one_of(st.just(0.0), st.floats(1e-3, 1e3), st.floats(-1e3, -1e-3))
scalar = st.one_of(st.just(0.0), st.floats(1e-3, 1e3), st.floats(-1e3, -1e-3))
RTOL = 1e-12


def vectors(dim=None):
    size = st.integers(1, 12) if dim is None else st.just(dim)
    return size.flatmap(lambda d: arrays(np.float64, d, elements=entry))


def pairs():
    """Two (or three) vectors of the same dimension."""
    return st.integers(1, 12).flatmap(
        lambda d: st.tuples(*(arrays(np.float64, d, elements=entry) for _ in range(3))))


# --- known answers and agreement with NumPy ------------------------------------------


def test_known_values():
    x = np.array([3.0, -4.0])
    assert norms.p_norm(x, 1) == 7.0
    assert norms.p_norm(x, 2) == 5.0
    assert norms.p_norm(x, np.inf) == 4.0
    assert norms.p_norm(x) == 5.0  # p = 2 by default
    assert norms.p_norm([1.0, 1.0, 1.0, 1.0], 3) == pytest.approx(4 ** (1 / 3), rel=1e-15)
    assert norms.p_norm(np.zeros(3), 1.5) == 0.0
    assert isinstance(norms.p_norm(x, 2), float)


def test_no_overflow_or_underflow_for_extreme_entries():
    assert norms.p_norm([1e200, 1e200], 2) == pytest.approx(np.sqrt(2) * 1e200, rel=1e-14)
    assert norms.p_norm([1e-200, 1e-200], 3) == pytest.approx(2 ** (1 / 3) * 1e-200, rel=1e-14)


@pytest.mark.parametrize("p", P_VALUES + [4, 10.5])
def test_agrees_with_numpy_along_each_axis(p):
    rng = np.random.default_rng(0)
    X = rng.normal(size=(7, 5)) * rng.lognormal(size=5)
    np.testing.assert_allclose(norms.p_norm(X, p), np.linalg.norm(X, ord=p, axis=1), rtol=1e-13)
    np.testing.assert_allclose(norms.p_norm(X, p, axis=0), np.linalg.norm(X, ord=p, axis=0), rtol=1e-13)
    T = rng.normal(size=(3, 4, 6))
    np.testing.assert_allclose(norms.p_norm(T, p, axis=1), np.linalg.norm(T, ord=p, axis=1), rtol=1e-13)
    assert norms.p_norm(X[0], p) == pytest.approx(np.linalg.norm(X[0], ord=p), rel=1e-13)


def test_bad_inputs_are_named():
    with pytest.raises(ValueError, match=r"p must be >= 1 or np.inf, got 0.5 \(for 0 < p < 1"):
        norms.p_norm([1.0, 2.0], 0.5)
    with pytest.raises(ValueError, match="p must be >= 1"):
        norms.p_norm([1.0, 2.0], -2)
    with pytest.raises(ValueError, match="p must be a number, got nan"):
        norms.p_norm([1.0, 2.0], np.nan)
    with pytest.raises(TypeError, match="p must be a real number, got str 'fro'"):
        norms.p_norm([1.0, 2.0], "fro")
    with pytest.raises(TypeError, match="p must be a real number.*bool"):
        norms.p_norm([1.0, 2.0], True)
    with pytest.raises(ValueError, match=r"axis must lie in -2..1 for x of shape \(2, 3\), got 2"):
        norms.p_norm(np.ones((2, 3)), 2, axis=2)
    with pytest.raises(TypeError, match="axis must be an integer"):
        norms.p_norm(np.ones((2, 3)), 2, axis=None)
    with pytest.raises(ValueError, match="x must have at least one dimension"):
        norms.p_norm(3.0, 2)
    with pytest.raises(ValueError, match="x must have coordinates along axis"):
        norms.p_norm(np.ones((2, 0)), 2)
    with pytest.raises(ValueError, match="x must not contain NaN, got 1 NaN"):
        norms.p_norm([1.0, np.nan], 2)
    with pytest.raises(ValueError, match="x must be finite"):
        norms.p_norm([1.0, np.inf], 2)
    with pytest.raises(TypeError, match="x must be an array of numbers"):
        norms.p_norm("abc", 2)


# --- unit balls ------------------------------------------------------------------------


@pytest.mark.parametrize("p", [0.5, 1, 1.5, 2, 3, np.inf])
def test_unit_ball_points_lie_on_the_unit_sphere(p):
    pts = norms.unit_ball_points(p, n=401)
    assert pts.shape == (401, 2)
    np.testing.assert_allclose(pts[0], pts[-1], atol=1e-15)  # a closed curve
    # (sum |x_d|^p)^(1/p) = 1 also for p < 1, where it is not a norm
    radius = np.max(np.abs(pts), axis=1) if p == np.inf else np.sum(np.abs(pts) ** p, axis=1) ** (1 / p)
    np.testing.assert_allclose(radius, 1.0, rtol=1e-13)
    # the points go once around the origin, counter-clockwise
    angles = np.unwrap(np.arctan2(pts[:, 1], pts[:, 0]))
    assert np.all(np.diff(angles) > 0) and angles[-1] - angles[0] == pytest.approx(2 * np.pi)


def test_unit_ball_points_hit_the_corners():
    corners_1 = {(1.0, 0.0), (0.0, 1.0), (-1.0, 0.0), (0.0, -1.0)}
    pts = {tuple(np.round(q, 12) + 0.0) for q in norms.unit_ball_points(1, n=9)}
    assert corners_1 <= pts
    square = norms.unit_ball_points(np.inf, n=9)
    np.testing.assert_allclose(np.abs(square[1::2]), 1.0, rtol=1e-12)


def test_unit_ball_points_bad_inputs():
    with pytest.raises(ValueError, match="p must be >= 0.1 or np.inf, got 0.05"):
        norms.unit_ball_points(0.05)
    with pytest.raises(ValueError, match="n must be >= 5"):
        norms.unit_ball_points(2, n=3)
    with pytest.raises(TypeError, match="n must be an integer"):
        norms.unit_ball_points(2, n=10.0)


# --- nearest centroid ------------------------------------------------------------------








# --- property tests of the theorems ----------------------------------------------------


@pytest.mark.parametrize("p", P_VALUES)
@settings(max_examples=80, deadline=None)
@given(x=vectors(), alpha=scalar)
def test_norm_axioms_positivity_and_homogeneity(p, x, alpha):
    n = norms.p_norm(x, p)
    assert n >= 0
    assert (n == 0) == (not np.any(x))  # zero exactly for the zero vector
    assert norms.p_norm(alpha * x, p) == pytest.approx(abs(alpha) * n, rel=RTOL, abs=0)


@pytest.mark.parametrize("p", P_VALUES)
@settings(max_examples=80, deadline=None)
@given(xyz=pairs())
def test_triangle_inequality_and_induced_metric(p, xyz):
    x, y, z = xyz
    norm = lambda v: norms.p_norm(v, p)  # noqa: E731
    # triangle inequality (Minkowski's inequality for general p)
    assert norm(x + y) <= (norm(x) + norm(y)) * (1 + RTOL)
    # d(x, y) = ||x - y|| is a metric: identity, symmetry, triangle inequality
    d = lambda u, v: norm(u - v)  # noqa: E731
    assert d(x, x) == 0
    assert d(x, y) == d(y, x)
    assert d(x, z) <= (d(x, y) + d(y, z)) * (1 + RTOL)
    # reverse triangle inequality | ||x|| - ||y|| | <= ||x - y||
    assert abs(norm(x) - norm(y)) <= d(x, y) * (1 + RTOL) + RTOL * max(norm(x), norm(y))


@settings(max_examples=150, deadline=None)
@given(x=vectors())
def test_norm_equivalence_chain(x):
    D = len(x)
    inf, two, one = (norms.p_norm(x, p) for p in (np.inf, 2, 1))
    slack = 1 + RTOL
    assert inf <= two * slack
    assert two <= one * slack
    assert one <= np.sqrt(D) * two * slack
    assert np.sqrt(D) * two <= D * inf * slack


@pytest.mark.parametrize("p", [1.5, 3])
@settings(max_examples=80, deadline=None)
@given(x=vectors())
def test_p_norm_lies_between_inf_norm_and_its_d_th_root_multiple(p, x):
    inf = norms.p_norm(x, np.inf)
    assert inf <= norms.p_norm(x, p) * (1 + RTOL)
    assert norms.p_norm(x, p) <= len(x) ** (1 / p) * inf * (1 + RTOL)


def test_p_below_one_breaks_the_triangle_inequality():
    # the page's counterexample: e1 and e2 have "length" 1 but their sum has length 4 > 2
    quasi = lambda v, p: np.sum(np.abs(v) ** p) ** (1 / p)  # noqa: E731
    e1, e2 = np.array([1.0, 0.0]), np.array([0.0, 1.0])
    assert quasi(e1 + e2, 0.5) == pytest.approx(4.0)
    assert quasi(e1 + e2, 0.5) > quasi(e1, 0.5) + quasi(e2, 0.5)
