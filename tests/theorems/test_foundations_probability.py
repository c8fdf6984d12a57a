"""Tests of the results stated in book/foundations/probability.md.

Property tests (Hypothesis) check the law of total probability, Bayes' rule and
the elementary bounds on random discrete distributions, and the rules for
expectations and variances (linearity, variance of a sum, the mean of independent
draws) exactly on random discrete variables; the 68-95-99.7 rule is checked
exactly and by a seeded simulation whose tolerance follows from the binomial
standard error.
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


# --- Expectation and variance of an average (thm-probability-linearity,
# thm-probability-variance-sum, cor-probability-mean, ex-probability-6) -------------------------
#
# Discrete random variables are given exactly, by their values and a probability table, so
# every expectation is a finite sum and the identities must hold up to rounding. Values lie in
# [-100, 100], so every sum below is at most ~1e8 in size and 1e-9 relative is a wide margin.

values = arrays(np.float64, st.integers(min_value=1, max_value=5),
                elements=st.floats(min_value=-100, max_value=100))
small = st.floats(min_value=-10, max_value=10)


def expect(p, v):
    return float(np.sum(p * v))


@st.composite
def joint_variables(draw):
    """(X, Y) with an arbitrary joint table: P(X = x_i, Y = y_j) = table[i, j]."""
    x = draw(values)
    y = draw(values)
    table = draw(arrays(np.float64, (len(x), len(y)), elements=weights))
    return x, y, table / table.sum()


@settings(deadline=None, max_examples=200)
@given(joint_variables(), small, small, small)
def test_linearity_of_expectation_needs_no_independence(xy, a, b, c):
    x, y, joint = xy
    X, Y = np.meshgrid(x, y, indexing="ij")           # the value of X and of Y per outcome
    lhs = expect(joint, a * X + b * Y + c)
    rhs = a * expect(joint, X) + b * expect(joint, Y) + c
    assert lhs == pytest.approx(rhs, rel=1e-9, abs=1e-9)


@settings(deadline=None, max_examples=200)
@given(joint_variables(), small, small)
def test_variance_rules(xy, a, b):
    """Parts 1 and 2: Var[aX + b] = a^2 Var[X], Var[X] = E[X^2] - E[X]^2 and
    Var[X + Y] = Var[X] + Var[Y] + 2 Cov[X, Y], for any joint distribution."""
    x, y, joint = xy
    X, Y = np.meshgrid(x, y, indexing="ij")
    var = lambda V: expect(joint, (V - expect(joint, V)) ** 2)
    cov = expect(joint, (X - expect(joint, X)) * (Y - expect(joint, Y)))
    scale = 1.0 + expect(joint, X**2) + expect(joint, Y**2)
    assert var(a * X + b) == pytest.approx(a**2 * var(X), abs=1e-9 * (1 + a**2) * scale)
    assert var(X) == pytest.approx(expect(joint, X**2) - expect(joint, X) ** 2, abs=1e-9 * scale)
    assert var(X + Y) == pytest.approx(var(X) + var(Y) + 2 * cov, abs=1e-9 * scale)


@settings(deadline=None, max_examples=200)
@given(values, values, st.data())
def test_independent_variables_have_zero_covariance(x, y, data):
    """Part 3: under a product table E[XY] = E[X] E[Y], so variances add."""
    px = data.draw(arrays(np.float64, len(x), elements=weights))
    py = data.draw(arrays(np.float64, len(y), elements=weights))
    px, py = px / px.sum(), py / py.sum()
    joint = np.outer(px, py)
    X, Y = np.meshgrid(x, y, indexing="ij")
    scale = 1.0 + expect(px, x**2) + expect(py, y**2)
    assert expect(joint, X * Y) == pytest.approx(expect(px, x) * expect(py, y), abs=1e-9 * scale)
    var = lambda V: expect(joint, (V - expect(joint, V)) ** 2)
    assert var(X + Y) == pytest.approx(var(X) + var(Y), abs=1e-9 * scale)


@settings(deadline=None, max_examples=100)
@given(values, st.integers(min_value=1, max_value=4), st.data())
def test_mean_of_independent_draws_by_enumeration(x, n, data):
    """cor-probability-mean, exactly: enumerate every outcome of n independent draws."""
    p = data.draw(arrays(np.float64, len(x), elements=weights))
    p = p / p.sum()
    mu = expect(p, x)
    sigma2 = expect(p, (x - mu) ** 2)
    grids = np.meshgrid(*([x] * n), indexing="ij")
    probs = np.prod(np.meshgrid(*([p] * n), indexing="ij"), axis=0)   # independence
    mean = sum(grids) / n
    scale = 1.0 + expect(p, x**2)
    assert expect(probs, mean) == pytest.approx(mu, abs=1e-9 * scale)
    assert expect(probs, (mean - mu) ** 2) == pytest.approx(sigma2 / n, abs=1e-9 * scale)


@settings(deadline=None, max_examples=100)
@given(values, st.integers(min_value=1, max_value=2), st.data())
def test_difference_of_two_independent_means(x, n, data):
    """ex-probability-6, part 1: Var[mean(X) - mean(Y)] = 2 sigma^2 / n (2n draws, enumerated)."""
    p = data.draw(arrays(np.float64, len(x), elements=weights))
    p = p / p.sum()
    sigma2 = expect(p, (x - expect(p, x)) ** 2)
    grids = np.meshgrid(*([x] * (2 * n)), indexing="ij")
    probs = np.prod(np.meshgrid(*([p] * (2 * n)), indexing="ij"), axis=0)
    diff = sum(grids[:n]) / n - sum(grids[n:]) / n
    scale = 1.0 + expect(p, x**2)
    assert expect(probs, diff) == pytest.approx(0.0, abs=1e-9 * scale)
    assert expect(probs, diff**2) == pytest.approx(2 * sigma2 / n, abs=1e-9 * scale)


def test_range_of_nine_normal_means_is_about_three():
    """ex-probability-6, part 2, and the yardstick of problems/regression.md.

    The expected range of nine independent standard normals is 2.970 (tabulated). With
    100,000 seeded draws the estimate has a standard error of about 0.003; 5 of them is the
    tolerance.
    """
    nine = np.random.default_rng(0).standard_normal((100_000, 9))
    ranges = nine.max(axis=1) - nine.min(axis=1)
    se = ranges.std() / np.sqrt(len(ranges))
    assert abs(ranges.mean() - 2.970) <= 5 * se


def test_sd_of_sample_means_matches_sigma_over_sqrt_n():
    """The page's resampling check: means of 25 draws with replacement from a fixed set of
    numbers have sd sigma / 5 (sigma with divisor N, the set being the population). The sd of
    20,000 such means is estimated to about 0.5 %; 3 % is the tolerance, as on the page."""
    population = np.random.default_rng(3).gamma(2.0, 3.0, size=569)
    means = np.random.default_rng(0).choice(population, size=(20_000, 25)).mean(axis=1)
    assert means.std() / (population.std() / 5) == pytest.approx(1.0, abs=0.03)
