"""Tests of m4ml.linalg.features: shapes, known values, rank, linearity and input checks."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from m4ml.linalg.features import fourier_features, polynomial_features, rbf_features

# --- shapes -------------------------------------------------------------------------

@pytest.mark.parametrize("n_harmonics", [1, 2, 5])
@pytest.mark.parametrize("intercept", [True, False])
def test_shape(n_harmonics, intercept):
    t = np.linspace(0.0, 400.0, 17)
    Phi = fourier_features(t, n_harmonics=n_harmonics, intercept=intercept)
    assert Phi.shape == (17, 2 * n_harmonics + int(intercept))
    assert Phi.dtype == np.float64


def test_accepts_lists_and_integers():
    Phi = fourier_features([0, 1, 2], n_harmonics=np.int64(2), period=4)
    assert Phi.shape == (3, 5)


def test_empty_input_gives_empty_rows():
    assert fourier_features(np.array([]), n_harmonics=3).shape == (0, 7)


def test_without_intercept_drops_only_the_ones_column():
    t = np.array([3.0, 50.0, 200.0])
    with_one = fourier_features(t, n_harmonics=2)
    without = fourier_features(t, n_harmonics=2, intercept=False)
    np.testing.assert_array_equal(with_one[:, 0], 1.0)
    np.testing.assert_allclose(with_one[:, 1:], without, rtol=0, atol=0)


# --- values at known times ------------------------------------------------------------

def test_values_at_quarter_periods():
    P = 8.0
    Phi = fourier_features([0.0, P / 4, P / 2, 3 * P / 4, P], n_harmonics=2, period=P)
    expected = np.array([
        # 1, cos wt, sin wt, cos 2wt, sin 2wt
        [1, 1, 0, 1, 0],
        [1, 0, 1, -1, 0],
        [1, -1, 0, 1, 0],
        [1, 0, -1, -1, 0],
        [1, 1, 0, 1, 0],
    ], dtype=float)
    np.testing.assert_allclose(Phi, expected, rtol=0, atol=1e-12)


def test_default_period_is_a_mean_year():
    Phi = fourier_features([365.25, 365.25 / 4], intercept=False)
    np.testing.assert_allclose(Phi, [[1.0, 0.0], [0.0, 1.0]], rtol=0, atol=1e-12)


def test_columns_are_cosines_and_sines_of_multiples():
    t = np.array([0.3, 1.7, 12.0, -4.2])
    P, H = 5.0, 3
    Phi = fourier_features(t, n_harmonics=H, period=P)
    for h in range(1, H + 1):
        np.testing.assert_allclose(Phi[:, 2 * h - 1], np.cos(2 * np.pi * h * t / P), atol=1e-12)
        np.testing.assert_allclose(Phi[:, 2 * h], np.sin(2 * np.pi * h * t / P), atol=1e-12)


def test_amplitude_phase_identity():
    # a cos(wt) + b sin(wt) = A cos(wt - phi), A = hypot(a, b), phi = atan2(b, a)
    t = np.linspace(0.0, 365.25, 50)
    a, b = -9.9, -2.7
    Phi = fourier_features(t, intercept=False)
    A, phi = np.hypot(a, b), np.arctan2(b, a)
    np.testing.assert_allclose(Phi @ [a, b], A * np.cos(2 * np.pi * t / 365.25 - phi), atol=1e-12)


def test_periodicity():
    t = np.array([0.0, 10.0, 123.4])
    np.testing.assert_allclose(
        fourier_features(t, 3, period=7.0), fourier_features(t + 2 * 7.0, 3, period=7.0), atol=1e-12
    )


# --- orthogonality over whole periods (property test) -------------------------------

@settings(max_examples=200, deadline=None)
@given(
    n_harmonics=st.integers(1, 6),
    extra_points=st.integers(1, 40),
    n_periods=st.integers(1, 4),
    period=st.floats(0.5, 1000.0),
    offset=st.floats(-1000.0, 1000.0),
)
def test_columns_orthogonal_over_whole_periods(n_harmonics, extra_points, n_periods, period, offset):
    # M > 2H equally spaced samples per period, over K whole periods, starting anywhere:
    # Phi^T Phi = diag(N, N/2, ..., N/2).
    M = 2 * n_harmonics + extra_points
    N = M * n_periods
    t = offset + period * np.arange(N) / M
    Phi = fourier_features(t, n_harmonics=n_harmonics, period=period)
    expected = np.diag([N] + [N / 2] * (2 * n_harmonics))
    np.testing.assert_allclose(Phi.T @ Phi, expected, rtol=0, atol=1e-8 * N)


# --- bad input -------------------------------------------------------------------------

@pytest.mark.parametrize(
    "t, error, message",
    [
        (np.zeros((3, 2)), ValueError, r"t must be 1-D, got an array of shape \(3, 2\)"),
        (5.0, ValueError, r"t must be 1-D"),
        ([0.0, np.nan, 2.0], ValueError, r"t must not contain NaN, got 1 NaN"),
        ([0.0, np.inf], ValueError, r"t must be finite"),
        (["a", "b"], TypeError, r"t must be an array of numbers"),
        (None, TypeError, r"t must be an array of numbers"),
        ([True, False], TypeError, r"t must be an array of numbers"),
        ([1 + 1j, 2.0], TypeError, r"t must be real"),
    ],
)
def test_bad_t(t, error, message):
    with pytest.raises(error, match=message):
        fourier_features(t)


@pytest.mark.parametrize(
    "n_harmonics, error, message",
    [
        (0, ValueError, r"n_harmonics must be >= 1, got 0"),
        (-2, ValueError, r"n_harmonics must be >= 1, got -2"),
        (1.5, TypeError, r"n_harmonics must be an integer"),
        (2.0, TypeError, r"n_harmonics must be an integer"),
        (True, TypeError, r"n_harmonics must be an integer"),
        ("3", TypeError, r"n_harmonics must be an integer"),
    ],
)
def test_bad_n_harmonics(n_harmonics, error, message):
    with pytest.raises(error, match=message):
        fourier_features([0.0, 1.0], n_harmonics=n_harmonics)


@pytest.mark.parametrize(
    "period, error, message",
    [
        (0.0, ValueError, r"period must be > 0, got 0\.0"),
        (-365.25, ValueError, r"period must be "),
        (np.inf, ValueError, r"period must be "),
        (np.nan, ValueError, r"period must be "),
        ("365", TypeError, r"period must be a real number"),
        (None, TypeError, r"period must be a real number"),
    ],
)
def test_bad_period(period, error, message):
    with pytest.raises(error, match=message):
        fourier_features([0.0, 1.0], period=period)


@pytest.mark.parametrize("intercept", [1, "yes", None])
def test_bad_intercept(intercept):
    with pytest.raises(TypeError, match=r"intercept must be True or False"):
        fourier_features([0.0, 1.0], intercept=intercept)



# =====================================================================================
# polynomial_features
# =====================================================================================

@pytest.mark.parametrize("degree", [0, 1, 4])
def test_polynomial_shape_and_dtype(degree):
    t = np.linspace(-3.0, 3.0, 11)
    assert polynomial_features(t, degree).shape == (11, degree + 1)
    if degree >= 1:
        assert polynomial_features(t, degree, intercept=False).shape == (11, degree)
    assert polynomial_features(t, degree).dtype == np.float64


def test_polynomial_known_values():
    Phi = polynomial_features([-2, 0, 1, 3], degree=3)
    expected = np.array([[1, -2, 4, -8], [1, 0, 0, 0], [1, 1, 1, 1], [1, 3, 9, 27]], dtype=float)
    np.testing.assert_array_equal(Phi, expected)


def test_polynomial_without_intercept_drops_only_the_ones_column():
    t = np.array([0.5, -1.5, 2.0])
    np.testing.assert_array_equal(polynomial_features(t, 3)[:, 1:], polynomial_features(t, 3, intercept=False))


def test_polynomial_degree_zero_is_the_constant():
    np.testing.assert_array_equal(polynomial_features([4.0, -7.0], 0), [[1.0], [1.0]])


def test_polynomial_scale_maps_interval_onto_minus_one_one():
    # s = (2t - (a + b)) / (b - a): a -> -1, midpoint -> 0, b -> 1, beyond b -> beyond 1
    Phi = polynomial_features([0.0, 182.5, 365.0, 730.0], 1, scale=(0, 365))
    np.testing.assert_allclose(Phi[:, 1], [-1.0, 0.0, 1.0, 3.0], rtol=0, atol=1e-15)
    Phi2 = polynomial_features([2.0, 4.0], 2, scale=np.array([2.0, 4.0]), intercept=False)
    np.testing.assert_allclose(Phi2, [[-1.0, 1.0], [1.0, 1.0]], atol=1e-15)


def test_polynomial_evaluates_polynomials():
    # Phi @ w is the polynomial sum_j w_j s^j, as np.polynomial.polynomial.polyval computes it.
    t = np.linspace(0.0, 10.0, 7)
    w = np.array([1.5, -2.0, 0.25, 0.1])
    np.testing.assert_allclose(polynomial_features(t, 3) @ w, np.polynomial.polynomial.polyval(t, w), rtol=1e-12)
    s = (2 * t - 10.0) / 10.0
    np.testing.assert_allclose(polynomial_features(t, 3, scale=(0, 10)) @ w,
                               np.polynomial.polynomial.polyval(s, w), rtol=1e-12, atol=1e-12)


def test_scaling_tames_the_condition_number():
    # raw day numbers: columns of sizes 1, 365, ..., 365^6; scaled: all within [-1, 1]
    t = np.arange(366.0)
    raw = np.linalg.cond(polynomial_features(t, 6))
    scaled = np.linalg.cond(polynomial_features(t, 6, scale=(0, 365)))
    assert raw > 1e14 and scaled < 1e3


@st.composite
def distinct_points(draw, max_degree=7):
    """A degree p and N >= p + 1 points in [-1, 1], at least 0.05 apart."""
    degree = draw(st.integers(0, max_degree))
    n = draw(st.integers(degree + 1, 30))
    grid = draw(st.lists(st.integers(-20, 20), min_size=n, max_size=n, unique=True))
    return degree, np.array(grid, dtype=float) / 20.0


@settings(max_examples=200, deadline=None)
@given(distinct_points(), st.floats(-100.0, 100.0), st.floats(0.1, 1000.0))
def test_vandermonde_has_full_column_rank(case, shift, stretch):
    # p + 1 <= N distinct inputs: the monomials 1, s, ..., s^p are independent on them.
    degree, s = case
    low, high = shift, shift + stretch
    t = low + (s + 1) * (high - low) / 2           # the same points, before scaling
    Phi = polynomial_features(t, degree, scale=(low, high))
    np.testing.assert_allclose(Phi[:, 1] if degree else Phi[:, 0], s if degree else 1.0, atol=1e-9)
    assert np.linalg.matrix_rank(Phi) == degree + 1


@settings(max_examples=100, deadline=None)
@given(st.integers(1, 6), st.integers(1, 5))
def test_polynomial_rank_is_number_of_distinct_points_when_too_few(degree, n_distinct):
    # With fewer distinct inputs than columns the rank is the number of distinct inputs.
    values = np.linspace(-1.0, 1.0, n_distinct)
    t = np.repeat(values, 3)
    assert np.linalg.matrix_rank(polynomial_features(t, degree)) == min(degree + 1, n_distinct)


@pytest.mark.parametrize(
    "kwargs, error, message",
    [
        (dict(t=np.zeros((2, 2)), degree=2), ValueError, r"t must be 1-D, got an array of shape \(2, 2\)"),
        (dict(t=[0.0, np.nan], degree=2), ValueError, r"t must not contain NaN, got 1 NaN"),
        (dict(t=["a"], degree=2), TypeError, r"t must be an array of numbers"),
        (dict(t=[0.0, 1.0], degree=-1), ValueError, r"degree must be >= 0, got -1"),
        (dict(t=[0.0, 1.0], degree=2.0), TypeError, r"degree must be an integer, got float 2\.0"),
        (dict(t=[0.0, 1.0], degree=True), TypeError, r"degree must be an integer"),
        (dict(t=[0.0, 1.0], degree=0, intercept=False), ValueError,
         r"degree must be at least 1 when intercept=False"),
        (dict(t=[0.0, 1.0], degree=2, intercept="no"), TypeError, r"intercept must be True or False"),
        (dict(t=[0.0, 1.0], degree=2, scale=(1.0, 1.0)), ValueError, r"scale must be .* low < high, got \(1\.0, 1\.0\)"),
        (dict(t=[0.0, 1.0], degree=2, scale=(5, 0)), ValueError, r"low < high"),
        (dict(t=[0.0, 1.0], degree=2, scale=(0, np.inf)), ValueError, r"scale must be .*finite"),
        (dict(t=[0.0, 1.0], degree=2, scale=(0, 1, 2)), ValueError, r"scale must be .*got 3 value"),
        (dict(t=[0.0, 1.0], degree=2, scale=365), TypeError, r"scale must be None or a pair"),
        (dict(t=[0.0, 1.0], degree=2, scale="0,1"), TypeError, r"scale must be None or a pair"),
        (dict(t=[0.0, 1.0], degree=2, scale=("0", "1")), TypeError, r"scale must be None or a pair"),
    ],
)
def test_polynomial_bad_input(kwargs, error, message):
    with pytest.raises(error, match=message):
        polynomial_features(**kwargs)


# =====================================================================================
# rbf_features
# =====================================================================================

def test_rbf_shape_and_known_values():
    t = np.array([0.0, 1.0, 2.0, 5.0])
    Phi = rbf_features(t, centres=[0.0, 2.0], length_scale=1.0)
    assert Phi.shape == (4, 3)
    np.testing.assert_array_equal(Phi[:, 0], 1.0)
    np.testing.assert_allclose(Phi[:, 1], np.exp(-0.5 * t**2), rtol=1e-15)
    np.testing.assert_allclose(Phi[:, 2], np.exp(-0.5 * (t - 2.0) ** 2), rtol=1e-15)
    assert rbf_features(t, [0.0, 2.0], length_scale=1.0, intercept=False).shape == (4, 2)


def test_rbf_width_is_the_standard_deviation():
    # phi_k(c_k) = 1 and phi_k(c_k +- h) = exp(-1/2), for any width h
    for h in [0.3, 2.0, 50.0]:
        Phi = rbf_features([7.0 - h, 7.0, 7.0 + h], [7.0], length_scale=h, intercept=False)
        np.testing.assert_allclose(Phi[:, 0], [np.exp(-0.5), 1.0, np.exp(-0.5)], rtol=1e-14)


def test_rbf_periodic_distance_wraps_around():
    # On a circle of circumference 365, day 364 is 2 days from day 1 (not 363).
    P = 365.0
    Phi = rbf_features([364.0, 1.0 - 3 * P], [1.0], length_scale=10.0, period=P, intercept=False)
    np.testing.assert_allclose(Phi[:, 0], [np.exp(-0.5 * (2.0 / 10.0) ** 2), 1.0], rtol=1e-12)
    line = rbf_features([364.0], [1.0], length_scale=10.0, intercept=False)
    assert line[0, 0] < 1e-100


@settings(max_examples=200, deadline=None)
@given(
    t=arrays(np.float64, st.integers(1, 20), elements=st.floats(-1e3, 1e3)),
    centres=arrays(np.float64, st.integers(1, 6), elements=st.floats(-1e3, 1e3)),
    width=st.floats(0.1, 100.0),
    period=st.floats(1.0, 500.0),
    shift=st.integers(-5, 5),
)
def test_rbf_periodic_columns_are_periodic_and_bounded(t, centres, width, period, shift):
    Phi = rbf_features(t, centres, length_scale=width, period=period, intercept=False)
    shifted = rbf_features(t + shift * period, centres, length_scale=width, period=period, intercept=False)
    np.testing.assert_allclose(Phi, shifted, rtol=1e-6, atol=1e-9)
    # the wrapped distance is at most P/2, so every bump is at least exp(-(P/2)^2 / (2h^2))
    floor = np.exp(-0.5 * (period / 2 / width) ** 2)
    assert np.all(Phi <= 1.0) and np.all(Phi >= floor * (1 - 1e-9))
    # and the periodic bump is never smaller than the bump on the line
    assert np.all(Phi >= rbf_features(t, centres, length_scale=width, intercept=False) * (1 - 1e-12))


@settings(max_examples=100, deadline=None)
@given(st.integers(1, 8), st.floats(0.05, 0.3))
def test_rbf_full_column_rank_on_separated_centres(K, width_factor):
    # Distinct centres, inputs at the centres, bumps narrower than the spacing: the K x K
    # matrix is close to the identity and invertible; with the intercept and more inputs
    # the design matrix has full column rank K + 1.
    centres = np.arange(K, dtype=float)
    t = np.linspace(-1.0, K, 4 * K + 5)
    Phi = rbf_features(t, centres, length_scale=width_factor)
    assert np.linalg.matrix_rank(Phi) == K + 1
    square = rbf_features(centres, centres, length_scale=width_factor, intercept=False)
    assert np.linalg.matrix_rank(square) == K


@pytest.mark.parametrize(
    "kwargs, error, message",
    [
        (dict(t=np.zeros((2, 2))), ValueError, r"t must be 1-D, got an array of shape \(2, 2\)"),
        (dict(t=[np.inf]), ValueError, r"t must be finite"),
        (dict(t=None), TypeError, r"t must be an array of numbers"),
        (dict(centres=[]), ValueError, r"centres must have at least 1 row"),
        (dict(centres=[[0.0, 1.0]]), ValueError, r"centres must be 1-D"),
        (dict(centres=[0.0, np.nan]), ValueError, r"centres must not contain NaN, got 1 NaN"),
        (dict(centres="abc"), TypeError, r"centres must be an array of numbers"),
        (dict(length_scale=0.0), ValueError, r"length_scale must be > 0, got 0\.0"),
        (dict(length_scale=-1.0), ValueError, r"length_scale must be "),
        (dict(length_scale="1"), TypeError, r"length_scale must be a real number"),
        (dict(length_scale=None), TypeError, r"length_scale must be a real number"),
        (dict(period=0), ValueError, r"period must be > 0, got 0\.0"),
        (dict(period=np.nan), ValueError, r"period must be "),
        (dict(period="365"), TypeError, r"period must be a real number"),
        (dict(intercept=1), TypeError, r"intercept must be True or False"),
    ],
)
def test_rbf_bad_input(kwargs, error, message):
    args = dict(t=[0.0, 1.0], centres=[0.0, 0.5], length_scale=1.0)
    args.update(kwargs)
    with pytest.raises(error, match=message):
        rbf_features(**args)


# =====================================================================================
# every basis: the model is linear in its parameters w
# =====================================================================================

def _design(kind: str, t: np.ndarray) -> np.ndarray:
    if kind == "polynomial":
        return polynomial_features(t, 5, scale=(0.0, 365.25))
    if kind == "fourier":
        return fourier_features(t, n_harmonics=3)
    return rbf_features(t, np.linspace(0.0, 365.25, 6, endpoint=False), length_scale=30.0, period=365.25)


@settings(max_examples=150, deadline=None)
@given(
    kind=st.sampled_from(["polynomial", "fourier", "rbf"]),
    t=arrays(np.float64, st.integers(1, 30), elements=st.floats(0.0, 365.25)),
    seed=st.integers(0, 2**16),
    a=st.floats(-10.0, 10.0),
    b=st.floats(-10.0, 10.0),
)
def test_model_is_linear_in_w(kind, t, seed, a, b):
    # f_{a u + b v}(t) = a f_u(t) + b f_v(t): the map w -> Phi w is linear.
    Phi = _design(kind, t)
    rng = np.random.default_rng(seed)
    u, v = rng.normal(size=(2, Phi.shape[1]))
    lhs = Phi @ (a * u + b * v)
    rhs = a * (Phi @ u) + b * (Phi @ v)
    scale = (abs(a) + abs(b) + 1) * np.abs(Phi).sum(axis=1, keepdims=False).max() * (np.abs(u).max() + np.abs(v).max())
    np.testing.assert_allclose(lhs, rhs, rtol=0, atol=1e-12 * scale)


@settings(max_examples=100, deadline=None)
@given(st.integers(1, 5), st.integers(0, 30), st.floats(0.0, 365.25))
def test_fourier_full_column_rank_on_distinct_days(n_harmonics, extra, offset):
    # A trigonometric polynomial of degree H with 2H + 1 or more zeros in one period is zero,
    # so M >= 2H + 1 distinct (here equally spaced) days in a year give full column rank.
    M = 2 * n_harmonics + 1 + extra
    t = offset + 365.25 * np.arange(M) / M
    assert np.linalg.matrix_rank(fourier_features(t, n_harmonics)) == 2 * n_harmonics + 1
