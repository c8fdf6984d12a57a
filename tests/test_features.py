"""Tests of m4ml.features: shapes, known values, orthogonality and input checks."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from m4ml.features import fourier_features


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
        ([0.0, np.nan, 2.0], ValueError, r"t contains 1 NaN"),
        ([0.0, np.inf], ValueError, r"t contains infinite"),
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
        (0, ValueError, r"n_harmonics must be at least 1, got 0"),
        (-2, ValueError, r"n_harmonics must be at least 1, got -2"),
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
        (0.0, ValueError, r"period must be a finite positive number, got 0\.0"),
        (-365.25, ValueError, r"period must be a finite positive number"),
        (np.inf, ValueError, r"period must be a finite positive number"),
        (np.nan, ValueError, r"period must be a finite positive number"),
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
