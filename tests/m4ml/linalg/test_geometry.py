"""m4ml.linalg.geometry: hyperplanes, known answers, bad input and the theorems of the linear-maps page."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.linalg import null_space
from scipy.optimize import minimize

from m4ml.linalg.geometry import Hyperplane, perpendicular_bisector


@st.composite
def hyperplane_and_points(draw, max_dim=6, max_points=8):
    """A random hyperplane in R^D (w nonzero, not tiny) and random points, from a seeded generator."""
    D = draw(st.integers(1, max_dim))
    N = draw(st.integers(1, max_points))
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    scale = draw(st.sampled_from([1e-2, 1.0, 1e2]))
    w = scale * rng.normal(size=D)
    if np.linalg.norm(w) < 1e-3 * scale:
        w[0] += scale
    b = float(rng.normal() * 3)
    X = 5 * rng.normal(size=(N, D))
    return Hyperplane(w, b), X


# ---------- known answers ----------

def test_line_in_the_plane():
    H = Hyperplane([0.0, 2.0], 2.0)  # the line x_2 = 1
    X = np.array([[3.0, 5.0], [0.0, 0.0], [-1.0, 1.0]])
    np.testing.assert_allclose(H.signed_distance(X), [4.0, -1.0, 0.0])
    np.testing.assert_array_equal(H.side(X), [1, -1, 0])
    np.testing.assert_allclose(H.project(X), [[3.0, 1.0], [0.0, 1.0], [-1.0, 1.0]])
    np.testing.assert_allclose(H.value(X), [8.0, -2.0, 0.0])
    np.testing.assert_allclose(H.unit_normal, [0.0, 1.0])
    np.testing.assert_allclose(H.point, [0.0, 1.0])
    assert H.dim == 2


def test_single_points_return_scalars_and_vectors():
    H = Hyperplane([3.0, 4.0], 10.0)  # distance from the origin is 10 / 5 = 2
    assert H.signed_distance([0.0, 0.0]) == pytest.approx(-2.0)
    assert isinstance(H.signed_distance([0.0, 0.0]), float)
    assert H.side([10.0, 10.0]) == 1 and isinstance(H.side([10.0, 10.0]), int)
    assert H.project([0.0, 0.0]).shape == (2,)
    np.testing.assert_allclose(H.project([0.0, 0.0]), [1.2, 1.6])


def test_one_dimensional_hyperplane_is_a_point():
    H = Hyperplane([-2.0], 4.0)  # {x : -2x = 4} = {-2}
    np.testing.assert_allclose(H.project([[5.0], [-7.0]]), [[-2.0], [-2.0]])
    np.testing.assert_allclose(H.signed_distance([[5.0], [-7.0]]), [-7.0, 5.0])


def test_w_is_stored_as_a_read_only_copy():
    w = np.array([1.0, 1.0])
    H = Hyperplane(w, 0)
    w[0] = 100.0
    assert H.w[0] == 1.0
    with pytest.raises(ValueError):
        H.w[0] = 5.0
    assert isinstance(H.b, float)


def test_perpendicular_bisector_known_answer():
    H = perpendicular_bisector([0.0, 0.0], [2.0, 0.0])  # the line x_1 = 1
    np.testing.assert_allclose(H.signed_distance([[1.0, 7.0], [3.0, 0.0]]), [0.0, 2.0])
    assert H.side([1.9, 0.0]) == 1  # closer to c: positive side


# ---------- bad input ----------

@pytest.mark.parametrize(
    "w, b, err, match",
    [
        ([0.0, 0.0], 1.0, ValueError, "w must be a nonzero vector"),
        ([[1.0, 2.0]], 1.0, ValueError, r"w must be 1-D, got an array of shape \(1, 2\)"),
        ([], 1.0, ValueError, "w must have at least 1 row"),
        ([1.0, np.nan], 1.0, ValueError, "w must not contain NaN, got 1 NaN"),
        ("ab", 1.0, TypeError, "w must be an array of numbers"),
        ([1.0, 2.0], "3", TypeError, "b must be a real number, got str"),
        ([1.0, 2.0], True, TypeError, "b must be a real number, got bool"),
        ([1.0, 2.0], np.inf, ValueError, "b must be finite"),
        ([1.0, 2.0], np.array([1.0]), ValueError, "b must be 0-D"),
    ],
)
def test_bad_hyperplanes_are_rejected(w, b, err, match):
    with pytest.raises(err, match=match):
        Hyperplane(w, b)


def test_points_of_the_wrong_dimension_are_rejected():
    H = Hyperplane([1.0, 2.0, 3.0], 0.0)
    with pytest.raises(ValueError, match=r"X must have 3 entries per point .* got shape \(4, 2\)"):
        H.signed_distance(np.zeros((4, 2)))
    with pytest.raises(ValueError, match=r"X must be 1-D or 2-D"):
        H.project(np.zeros((2, 2, 3)))
    with pytest.raises(ValueError, match="X must not contain NaN, got 1 NaN"):
        H.side([1.0, np.nan, 0.0])


def test_bad_bisectors_are_rejected():
    with pytest.raises(ValueError, match="a and c must be different points"):
        perpendicular_bisector([1.0, 2.0], [1.0, 2.0])
    with pytest.raises(ValueError, match=r"same shape, got \(2,\) and \(3,\)"):
        perpendicular_bisector([1.0, 2.0], [1.0, 2.0, 3.0])


# ---------- properties (the theorems of the page) ----------

@settings(max_examples=80, deadline=None)
@given(hyperplane_and_points())
def test_projection_lands_on_the_hyperplane_and_is_idempotent(case):
    H, X = case
    P = H.project(X)
    scale = np.linalg.norm(H.w) * (1 + np.abs(X).max() + abs(H.b) / np.linalg.norm(H.w))
    np.testing.assert_allclose(P @ H.w - H.b, 0.0, atol=1e-12 * scale)
    np.testing.assert_allclose(H.project(P), P, atol=1e-12 * (1 + np.abs(X).max()))
    # the step from x to its projection is along w: x - p = (signed distance) * unit normal
    np.testing.assert_allclose(
        X - P, np.outer(H.signed_distance(X), H.unit_normal), atol=1e-12 * (1 + np.abs(X).max()))


@settings(max_examples=80, deadline=None)
@given(hyperplane_and_points())
def test_w_is_orthogonal_to_differences_of_points_on_the_hyperplane(case):
    H, X = case
    P = H.project(X)
    differences = P[:, None, :] - P[None, :, :]
    cosines = differences @ H.unit_normal
    np.testing.assert_allclose(cosines, 0.0, atol=1e-11 * (1 + np.abs(X).max()))


@settings(max_examples=40, deadline=None)
@given(hyperplane_and_points(max_dim=5, max_points=3))
def test_signed_distance_matches_brute_force_minimisation(case):
    H, X = case
    D = H.dim
    basis = null_space(H.w[None, :])  # D x (D - 1), orthonormal directions within H
    for x in X:
        d = H.signed_distance(x)
        if D == 1:  # H is a single point
            assert abs(d) == pytest.approx(np.linalg.norm(x - H.point), abs=1e-10)
            continue

        def sq_dist(t, x=x):
            return np.sum((x - H.point - basis @ t) ** 2)

        best = minimize(sq_dist, np.zeros(D - 1), method="BFGS", options={"gtol": 1e-10})
        assert abs(d) == pytest.approx(np.sqrt(best.fun), rel=1e-5, abs=1e-6)
        # and no point of H sampled at random is closer than |d|
        rng = np.random.default_rng(0)
        Y = H.point + rng.normal(size=(200, D - 1)) @ basis.T * 10
        assert np.linalg.norm(x - Y, axis=1).min() >= abs(d) - 1e-9 * (1 + np.abs(x).max())
        # the sign says on which side of H the point lies
        assert np.sign(d) == H.side(x) or abs(d) < 1e-12


@settings(max_examples=60, deadline=None)
@given(hyperplane_and_points(), st.floats(1e-3, 1e3))
def test_rescaling_w_and_b_keeps_the_signed_distance(case, c):
    H, X = case
    H2 = Hyperplane(c * H.w, c * H.b)
    np.testing.assert_allclose(H2.signed_distance(X), H.signed_distance(X),
                               rtol=1e-9, atol=1e-9 * (1 + np.abs(X).max()))
    H3 = Hyperplane(-H.w, -H.b)  # same set, opposite side
    np.testing.assert_allclose(H3.signed_distance(X), -H.signed_distance(X), atol=1e-12)


@settings(max_examples=60, deadline=None)
@given(hyperplane_and_points(max_points=6))
def test_bisector_points_are_equidistant(case):
    _, X = case
    if len(X) < 3 or np.allclose(X[0], X[1]):
        return
    a, c = X[0], X[1]
    H = perpendicular_bisector(a, c)
    P = H.project(X[2:])
    tol = 1e-9 * (1 + np.abs(X).max()) ** 2
    np.testing.assert_allclose(np.sum((P - a) ** 2, axis=1), np.sum((P - c) ** 2, axis=1), atol=tol)
    # points closer to c are on the positive side
    closer_to_c = np.sum((X - c) ** 2, axis=1) < np.sum((X - a) ** 2, axis=1)
    far = np.abs(H.signed_distance(X)) > 1e-9 * (1 + np.abs(X).max())
    np.testing.assert_array_equal(H.side(X)[far] == 1, closer_to_c[far])
