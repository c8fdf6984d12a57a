"""Tests of the results stated in book/foundations/probability.md.

Property tests (Hypothesis) check the law of total probability, Bayes' rule and
the elementary bounds on random discrete distributions; the 68-95-99.7 rule is
checked exactly and by a seeded simulation whose tolerance follows from the
binomial standard error.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays
from scipy import stats as sps

from m4ml import stats

# Positive weights, normalised below into a probability table; the lower bound
# keeps every marginal probability away from zero so conditionals exist.
weights = st.floats(min_value=1e-3, max_value=1e3, allow_nan=False, allow_infinity=False)


@st.composite
def joint_tables(draw):
    """A random joint distribution P(B = k, A = j) as a K x J array summing to 1."""
    n_b = draw(st.integers(min_value=2, max_value=6))
    n_a = draw(st.integers(min_value=2, max_value=6))
    table = draw(arrays(np.float64, (n_b, n_a), elements=weights))
    return table / table.sum()


@settings(deadline=None, max_examples=200)
@given(joint_tables())
def test_law_of_total_probability(joint):
    p_b = joint.sum(axis=1)                      # P(B = k): a partition
    p_a_given_b = joint / p_b[:, None]           # P(A = j | B = k)
    p_a = joint.sum(axis=0)                      # P(A = j), computed directly
    np.testing.assert_allclose(p_a_given_b.T @ p_b, p_a, rtol=1e-12, atol=1e-15)


@settings(deadline=None, max_examples=200)
@given(joint_tables())
def test_bayes_rule_inverts_the_conditional(joint):
    p_b = joint.sum(axis=1)
    p_a_given_b = joint / p_b[:, None]
    # Bayes' rule: P(B=k | A=j) = P(A=j | B=k) P(B=k) / sum_l P(A=j | B=l) P(B=l)
    numerator = p_a_given_b * p_b[:, None]
    posterior = numerator / numerator.sum(axis=0, keepdims=True)
    # ... equals the definition P(B=k, A=j) / P(A=j), and is a distribution over k
    np.testing.assert_allclose(posterior, joint / joint.sum(axis=0), rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(posterior.sum(axis=0), 1.0, rtol=1e-12)


@settings(deadline=None, max_examples=200)
@given(
    st.floats(min_value=1e-4, max_value=0.9999),
    st.floats(min_value=0.5, max_value=1.0),
    st.floats(min_value=0.5, max_value=1.0),
)
def test_two_class_formula_agrees_with_counting(prev, sens, spec):
    """Equation (eq-probability-ppv) versus the same posterior from a joint table."""
    joint = np.array([[sens * prev, (1 - sens) * prev],                  # malignant: +, -
                      [(1 - spec) * (1 - prev), spec * (1 - prev)]])     # benign:    +, -
    by_formula = sens * prev / (sens * prev + (1 - spec) * (1 - prev))
    by_table = joint[0, 0] / joint[:, 0].sum()
    assert by_formula == pytest.approx(by_table, rel=1e-12)


@settings(deadline=None, max_examples=200)
@given(st.integers(min_value=0, max_value=2**32 - 1), st.integers(min_value=1, max_value=50))
def test_intersection_and_union_bounds(seed, size):
    """P(A and B) <= min(P(A), P(B)) and P(A or B) <= P(A) + P(B) (exercise 2)."""
    rng = np.random.default_rng(seed)
    p = rng.dirichlet(np.ones(size))             # a probability on a finite sample space
    a, b = rng.random(size) < 0.5, rng.random(size) < 0.5
    prob = lambda event: p[event].sum()
    assert prob(a & b) <= min(prob(a), prob(b)) + 1e-15
    assert prob(a | b) <= prob(a) + prob(b) + 1e-15


EXACT = {k: math.erf(k / math.sqrt(2)) for k in (1, 2, 3)}


def test_normal_cdf_values_match_the_rounded_rule():
    assert round(EXACT[1], 2) == 0.68
    assert round(EXACT[2], 2) == 0.95
    assert round(EXACT[3], 3) == 0.997
    for k, p in EXACT.items():   # the erf form and 2 Phi(k) - 1 agree (theorem thm-probability-standardise)
        assert 2 * sps.norm.cdf(k) - 1 == pytest.approx(p, abs=1e-14)


@pytest.mark.parametrize("mu, sigma", [(0.0, 1.0), (10.0, 3.0), (-250.0, 0.01)])
def test_seeded_simulation_within_binomial_tolerance(mu, sigma):
    # The fraction of n independent draws inside mu +- k sigma is a mean of n
    # Bernoulli(p) indicators, so its standard error is sqrt(p (1 - p) / n).
    # A deviation above 4 standard errors has probability below 1e-4 (normal
    # approximation), so the tolerance is 4 SE; the seed makes the test repeatable.
    n = 100_000
    draws = np.random.default_rng(0).normal(mu, sigma, size=n)
    for k, p in EXACT.items():
        fraction = np.mean(np.abs(draws - mu) <= k * sigma)
        se = math.sqrt(p * (1 - p) / n)
        assert abs(fraction - p) <= 4 * se, (k, fraction, p, se)


def test_within_k_sd_on_a_large_normal_sample():
    # within_k_sd uses the sample's own mean and SD; their estimation error is
    # O(1/sqrt(n)) as well, so the tolerance is widened to 6 binomial SEs.
    n = 200_000
    x = np.random.default_rng(1).normal(5.0, 2.0, size=n)
    for k, p in EXACT.items():
        assert abs(stats.within_k_sd(x, k) - p) <= 6 * math.sqrt(p * (1 - p) / n)
