"""m4ml.linalg.spectral: the sign-fixed symmetric eigendecomposition against NumPy and SciPy,
the covariance ellipse against its definition, and bad input."""

import numpy as np
import pytest
import scipy.linalg
from hypothesis import given, settings
from hypothesis import strategies as st

from m4ml.linalg import spectral

EPS = np.finfo(float).eps


def random_symmetric(seed, D):
    B = np.random.default_rng(seed).normal(size=(D, D))
    return (B + B.T) / 2


@settings(max_examples=100, deadline=None)
@given(st.integers(0, 2**32 - 1), st.integers(1, 10), st.booleans())
def test_symmetric_eigh_matches_scipy_and_fixes_signs(seed, D, descending):
    A = random_symmetric(seed, D)
    lam, Q = spectral.symmetric_eigh(A, descending=descending)
    ref = scipy.linalg.eigh(A, eigvals_only=True)
    np.testing.assert_allclose(lam, ref[::-1] if descending else ref, atol=100 * D * EPS * np.linalg.norm(A))
    np.testing.assert_allclose(Q.T @ Q, np.eye(D), atol=100 * D * EPS)
    np.testing.assert_allclose(A @ Q, Q * lam, atol=100 * D * EPS * np.linalg.norm(A))
    # the sign rule: the (first) largest entry of each column is positive
    for d in range(D):
        q = Q[:, d]
        first = np.flatnonzero(np.abs(q) >= (1 - 1e-8) * np.abs(q).max())[0]
        assert q[first] > 0


def test_symmetric_eigh_is_independent_of_the_input_signs():
    """Repeated calls agree exactly, and the fixed basis differs from eigh's only in signs."""
    A = random_symmetric(1, 6)
    lam1, Q1 = spectral.symmetric_eigh(A)
    lam2, Q2 = spectral.symmetric_eigh(A.copy())
    np.testing.assert_array_equal(lam1, lam2)
    np.testing.assert_array_equal(Q1, Q2)
    # -Q is as valid an eigenbasis as Q; the rule picks one of the two for each column
    _, Q_raw = np.linalg.eigh(A)
    np.testing.assert_allclose(np.abs(Q_raw), np.abs(Q1), atol=1e-12)


def test_symmetric_eigh_on_ties_and_repeated_eigenvalues():
    lam, Q = spectral.symmetric_eigh([[2.0, 1.0], [1.0, 2.0]])
    np.testing.assert_allclose(lam, [1.0, 3.0])
    np.testing.assert_allclose(Q * np.sqrt(2), [[1.0, 1.0], [-1.0, 1.0]], atol=1e-12)
    # I + J: eigenvalue 1 twice; the projector onto its eigenspace is unique
    lam, Q = spectral.symmetric_eigh(np.eye(3) + np.ones((3, 3)), descending=True)
    np.testing.assert_allclose(lam, [4.0, 1.0, 1.0], atol=1e-14)
    np.testing.assert_allclose(Q[:, 1:] @ Q[:, 1:].T, np.eye(3) - np.ones((3, 3)) / 3, atol=1e-14)
    np.testing.assert_allclose(Q[:, 0], np.ones(3) / np.sqrt(3), atol=1e-14)


def test_symmetric_eigh_accepts_rounding_asymmetry_only():
    A = random_symmetric(2, 4)
    A_round = A.copy()
    A_round[0, 1] += 1e-14                            # rounding-size asymmetry: averaged away
    lam, _ = spectral.symmetric_eigh(A_round)
    np.testing.assert_allclose(lam, np.linalg.eigvalsh(A), atol=1e-13)
    A_bad = A.copy()
    A_bad[0, 1] += 0.1
    with pytest.raises(ValueError, match="A must be symmetric"):
        spectral.symmetric_eigh(A_bad)
    spectral.symmetric_eigh(A_bad, rtol=0.5)          # a looser tolerance accepts it


def test_symmetric_eigh_bad_input():
    with pytest.raises(ValueError, match="A must be a square matrix"):
        spectral.symmetric_eigh(np.zeros((2, 3)))
    with pytest.raises(ValueError, match="A must be 2-D"):
        spectral.symmetric_eigh(np.zeros(3))
    with pytest.raises(TypeError, match="descending must be"):
        spectral.symmetric_eigh(np.eye(2), descending="yes")
    with pytest.raises(ValueError, match="rtol must be < 1"):
        spectral.symmetric_eigh(np.eye(2), rtol=1.0)


@settings(max_examples=100, deadline=None)
@given(st.integers(0, 2**32 - 1), st.floats(0.1, 5.0), st.integers(3, 400))
def test_covariance_ellipse_points_are_at_mahalanobis_distance_scale(seed, scale, n_points):
    rng = np.random.default_rng(seed)
    B = rng.normal(size=(2, 2))
    cov = B @ B.T + 0.1 * np.eye(2)
    mean = rng.normal(size=2) * 10
    P = spectral.covariance_ellipse(mean, cov, scale=scale, n_points=n_points)
    assert P.shape == (n_points, 2)
    diff = P - mean
    # via Cholesky (an independent route to Σ^{-1}): ||L^{-1}(x - μ)|| = c
    W = scipy.linalg.solve_triangular(np.linalg.cholesky(cov), diff.T, lower=True)
    np.testing.assert_allclose(np.linalg.norm(W, axis=0), scale, rtol=1e-9)
    np.testing.assert_allclose(P[0], P[-1], atol=1e-12)                 # a closed curve


def test_covariance_ellipse_half_axes_and_area():
    cov = np.array([[3.0, 1.0], [1.0, 2.0]])
    P = spectral.covariance_ellipse([1.0, -1.0], cov, scale=2.0, n_points=4001)
    lam = np.linalg.eigvalsh(cov)
    r = np.linalg.norm(P - [1.0, -1.0], axis=1)
    np.testing.assert_allclose([r.min(), r.max()], 2 * np.sqrt(lam), rtol=1e-6)
    x, y = P[:, 0], P[:, 1]
    area = 0.5 * abs(np.sum(x * np.roll(y, -1) - np.roll(x, -1) * y))
    np.testing.assert_allclose(area, np.pi * 4 * np.sqrt(np.linalg.det(cov)), rtol=1e-5)


def test_covariance_ellipse_bad_input():
    with pytest.raises(ValueError, match="cov must be symmetric positive definite"):
        spectral.covariance_ellipse(np.zeros(2), [[1.0, 2.0], [2.0, 1.0]])     # indefinite
    with pytest.raises(ValueError, match="cov must be symmetric positive definite"):
        spectral.covariance_ellipse(np.zeros(2), [[1.0, 0.5], [0.0, 1.0]])     # not symmetric
    with pytest.raises(ValueError, match="cov must be symmetric positive definite"):
        spectral.covariance_ellipse(np.zeros(2), np.zeros((2, 2)))             # singular
    with pytest.raises(ValueError, match="mean must"):
        spectral.covariance_ellipse(np.zeros(3), np.eye(2))
    with pytest.raises(ValueError, match="scale must be > 0"):
        spectral.covariance_ellipse(np.zeros(2), np.eye(2), scale=0.0)
    with pytest.raises(ValueError, match="n_points must be >= 3"):
        spectral.covariance_ellipse(np.zeros(2), np.eye(2), n_points=2)
