"""Random test problems shared by the optimisation tests."""

from __future__ import annotations

import numpy as np
from hypothesis import strategies as st

seeds = st.integers(0, 2**32 - 1)


def random_spd(rng, n, kappa):
    """A symmetric positive definite matrix with eigenvalues in [1, kappa], both ends attained."""
    q, _ = np.linalg.qr(rng.standard_normal((n, n)))
    eigs = np.concatenate([[1.0, kappa], rng.uniform(1.0, kappa, n - 2)])
    return (q * eigs) @ q.T


def quadratic(A, b):
    """f(x) = x^T A x / 2 - b^T x and its gradient."""
    return (lambda x: 0.5 * x @ A @ x - b @ x), (lambda x: A @ x - b)
