"""Property tests of results in book/linalg/normed_spaces.md not covered by test_norms.py.

- prop-normed-spaces-monotone: ||x||_q <= ||x||_p for p <= q, with the step of its proof
  (after normalising to ||x||_p = 1, every |x_d| <= 1), tested on m4ml.linalg.norms.p_norm.
- ex-normed-spaces-4: the Euclidean distance of two rows standardised by
  m4ml.stats.standardize is the weighted norm ||x - x'||_sigma of the raw rows, with sigma the
  standard deviations (divisor N).
"""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from m4ml import stats
from m4ml.linalg import norms

finite = st.floats(-1e6, 1e6, allow_nan=False, allow_infinity=False)
vectors = st.integers(1, 12).flatmap(lambda d: arrays(np.float64, d, elements=finite))
exponents = st.one_of(st.floats(1.0, 50.0), st.just(np.inf))


@settings(max_examples=300, deadline=None)
@given(vectors, exponents, exponents)
def test_p_norm_does_not_increase_with_p(x, p, q):
    p, q = min(p, q), max(p, q)
    small, large = norms.p_norm(x, q), norms.p_norm(x, p)
    # each value carries a relative rounding error of a few eps per entry
    assert small <= large * (1 + 1e-12 * len(x))


@settings(max_examples=300, deadline=None)
# Subnormal vectors are left out: their norm keeps too few significant bits for x / ||x||
# to have norm 1 to 12 digits.
@given(vectors.filter(lambda x: np.abs(x).max() > 1e-300), st.floats(1.0, 20.0), st.floats(1.0, 20.0))
def test_the_step_of_the_proof_normalised_entries_and_powers(x, p, extra):
    q = p + extra
    u = x / norms.p_norm(x, p)                  # ||u||_p = 1
    assert abs(norms.p_norm(u, p) - 1) < 1e-12
    assert np.all(np.abs(u) <= 1 + 1e-12)       # every entry at most 1 ...
    a = np.abs(u)
    assert np.all(a**q <= a**p * (1 + 1e-12) + 1e-300)   # ... so a higher power is not larger
    assert norms.p_norm(u, q) <= 1 + 1e-12


@settings(max_examples=150, deadline=None)
@given(st.integers(2, 30), st.integers(1, 8), st.integers(0, 2**32 - 1))
def test_distance_of_standardised_rows_is_a_weighted_norm(N, D, seed):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=D) * 10 + rng.uniform(0.1, 5, size=D) * rng.normal(size=(N, D))
    fit = stats.standardize(X)
    sigma = np.sqrt(np.mean((X - X.mean(axis=0)) ** 2, axis=0))     # divisor N
    np.testing.assert_allclose(fit.std, sigma, rtol=1e-12)
    for n, m in [(0, 1), (N - 1, 0)]:
        weighted = np.sqrt(np.sum(((X[n] - X[m]) / sigma) ** 2))
        np.testing.assert_allclose(norms.p_norm(fit.Z[n] - fit.Z[m], 2), weighted,
                                   rtol=1e-10, atol=1e-12)
