"""Tests of the results stated in book/matrices/power_iteration.md, on m4ml.linalg.eigen.

- thm-power-iteration-rate: for random diagonalisable (non-symmetric) matrices with a dominant real
  eigenvalue, ||s_t x_t - v_1|| <= 2 beta rho^t with the theorem's beta, at every step; and the measured
  factor per step approaches rho = |lambda_2 / lambda_1|.
- thm-power-iteration-symmetric: tan psi_t <= rho^t tan psi_0 and
  |theta_t - lambda_1| <= max_i |lambda_i - lambda_1| sin^2 psi_t, at every step, on random symmetric
  matrices with prescribed spectra (negative eigenvalues included); the fitted slope of log tan psi_t
  is log rho when lambda_2 dominates the rest.
- prop-power-iteration-rayleigh: the Rayleigh quotient minimises ||A x - theta x|| over theta.
- thm-power-iteration-inverse: (A - tau I)^-1 has the eigenvalues 1 / (lambda_i - tau) with the same
  eigenvectors; inverse_iteration finds the eigenvalue nearest tau, with the rate of the theorem.

Rounding: a unit iterate is exact to a few eps ||A|| / |lambda_1|, so bounds get a slack of 1e-12.
"""

from __future__ import annotations

import numpy as np
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from m4ml.linalg.eigen import inverse_iteration, power_iteration

seeds = st.integers(0, 2**32 - 1)
SLACK = 1e-12


def orthogonal(rng, n):
    Q, R = np.linalg.qr(rng.normal(size=(n, n)))
    return Q * np.sign(np.diag(R))


@st.composite
def symmetric_case(draw):
    """A = Q diag(lam) Q^T with |lam_1| > |lam_2| >= ..., signs mixed, and a random start."""
    rng = np.random.default_rng(draw(seeds))
    n = draw(st.integers(2, 8))
    rho = draw(st.floats(0.2, 0.9))
    lam1 = draw(st.sampled_from([1.0, -1.0])) * draw(st.floats(0.5, 20))
    rest = np.abs(lam1) * rho * np.concatenate([[1.0], rng.uniform(0, 1, size=n - 2)])
    lam = np.concatenate([[lam1], rest * rng.choice([-1.0, 1.0], size=n - 1)])
    Q = orthogonal(rng, n)
    A = (Q * lam) @ Q.T
    A = (A + A.T) / 2
    x0 = rng.normal(size=n)
    assume(abs(x0 @ Q[:, 0]) > 1e-2 * np.linalg.norm(x0))
    return A, lam, Q, x0


@st.composite
def general_case(draw):
    """A = V diag(lam) V^-1 with a well-conditioned V (unit columns) and a dominant real eigenvalue."""
    rng = np.random.default_rng(draw(seeds))
    n = draw(st.integers(2, 6))
    rho = draw(st.floats(0.2, 0.85))
    lam = np.concatenate([[draw(st.floats(1, 10))], rng.uniform(-1, 1, size=n - 1)])
    lam[1:] *= rho * lam[0] / np.abs(lam[1:]).max()
    V = rng.normal(size=(n, n))
    V /= np.linalg.norm(V, axis=0)
    assume(np.linalg.cond(V) < 50)
    A = V @ np.diag(lam) @ np.linalg.inv(V)
    x0 = rng.normal(size=n)
    c = np.linalg.solve(V, x0)
    assume(abs(c[0]) > 0.05 * np.abs(c).max())
    return A, lam, V, x0, c


@settings(max_examples=60, deadline=None)
@given(general_case())
def test_rate_bound_for_diagonalisable_matrices(case):
    A, lam, V, x0, c = case
    rho = np.abs(lam[1:]).max() / abs(lam[0])
    beta = np.sum(np.abs(c[1:] / c[0]))               # the eigenvectors have unit length
    res = power_iteration(A, x0=x0, tol=1e-14, max_iter=200, keep_vectors=True)
    v1 = V[:, 0]
    for t, x in enumerate(res.vectors):
        err = min(np.linalg.norm(x - v1), np.linalg.norm(x + v1))   # the sign s_t
        assert err <= 2 * beta * rho**t + 1e-9


@settings(max_examples=60, deadline=None)
@given(symmetric_case())
def test_symmetric_bounds_at_every_step(case):
    A, lam, Q, x0 = case
    rho = np.abs(lam[1:]).max() / abs(lam[0])
    spread = np.abs(lam - lam[0]).max()
    res = power_iteration(A, x0=x0, tol=1e-14, max_iter=3000, keep_vectors=True)
    q1 = Q[:, 0]
    cos = np.abs(res.vectors @ q1)
    sin = np.linalg.norm(res.vectors - np.outer(res.vectors @ q1, q1), axis=1)
    tan = sin / cos
    t = np.arange(len(tan))
    assert np.all(tan <= tan[0] * rho**t * (1 + 1e-9) + SLACK)
    assert np.all(np.abs(res.eigenvalues - lam[0]) <= spread * sin**2 + 1e-12 * abs(lam[0]))
    assert res.converged
    np.testing.assert_allclose(res.eigenvalue, lam[0], rtol=1e-10)


@settings(max_examples=40, deadline=None)
@given(seeds, st.floats(0.3, 0.9))
def test_measured_rate_is_the_eigengap(seed, rho):
    """With lambda_2 well above the rest, the factor per step is rho, as in the page's measurement."""
    rng = np.random.default_rng(seed)
    n = 6
    lam = np.array([1.0, rho] + list(0.3 * rho * rng.uniform(-1, 1, size=n - 2)))
    Q = orthogonal(rng, n)
    A = (Q * lam) @ Q.T
    x0 = Q @ np.ones(n)                              # equal components along every eigenvector
    res = power_iteration(A, x0=x0, tol=1e-15, max_iter=500, keep_vectors=True)
    sin = np.linalg.norm(res.vectors - np.outer(res.vectors @ Q[:, 0], Q[:, 0]), axis=1)
    t = np.arange(len(sin))
    use = (t >= 3) & (sin > 1e-11)
    assume(use.sum() >= 5)
    slope = np.polyfit(t[use], np.log(sin[use]), 1)[0]
    assert abs(np.exp(slope) - rho) < 0.02


@settings(max_examples=100, deadline=None)
@given(seeds, st.integers(1, 6))
def test_rayleigh_quotient_minimises_the_residual(seed, n):
    rng = np.random.default_rng(seed)
    A = rng.normal(size=(n, n))
    x = rng.normal(size=n)
    theta = x @ A @ x / (x @ x)
    best = np.linalg.norm(A @ x - theta * x)
    for other in theta + np.array([-1, -1e-3, 1e-3, 1]):
        assert best <= np.linalg.norm(A @ x - other * x) + 1e-12


@settings(max_examples=60, deadline=None)
@given(symmetric_case(), st.floats(-25, 25))
def test_shifted_inverse_iteration(case, sigma):
    A, lam, Q, _ = case
    n = len(lam)
    dist = np.abs(lam - sigma)
    order = np.argsort(dist)
    assume(dist[order[0]] > 1e-6 and dist[order[1]] > 1.2 * dist[order[0]])
    # eigenpairs of the shifted inverse
    inv = np.linalg.inv(A - sigma * np.eye(n))
    for i in range(n):
        np.testing.assert_allclose(inv @ Q[:, i], Q[:, i] / (lam[i] - sigma),
                                   atol=1e-8 * np.abs(1 / (lam - sigma)).max())
    j = order[0]
    res = inverse_iteration(A, shift=sigma, tol=1e-12, max_iter=2000, keep_vectors=True)
    assert res.converged
    np.testing.assert_allclose(res.eigenvalue, lam[j], atol=1e-8 * np.abs(lam).max())
    # the rate of the theorem, as a bound on tan phi_t (the symmetric case applied to the inverse)
    rate = dist[order[0]] / dist[order[1]]
    qj = Q[:, j]
    sin = np.linalg.norm(res.vectors - np.outer(res.vectors @ qj, qj), axis=1)
    tan = sin / np.abs(res.vectors @ qj)
    t = np.arange(len(tan))
    assert np.all(tan <= tan[0] * rate**t * (1 + 1e-6) + 1e-8)
