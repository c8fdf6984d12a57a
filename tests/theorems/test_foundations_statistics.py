"""Property tests for the theorems stated in the Foundations chapter.

Pages: ``book/foundations/four_pillars.md`` (matrix products, a hand-derived gradient,
steepest descent)
and ``book/foundations/descriptive_statistics.md`` (mean, median, variance,
z-scores, Chebyshev, Cauchy-Schwarz, Pearson's r).

Tolerances. Unless a test says otherwise, data are finite floats in
[-1e3, 1e3] (see ``finite`` below) and vectors have at most ``MAX_N`` = 50 entries. A sum of N
floating-point terms carries a relative error of at most about N * eps
(eps = 2.2e-16), so ~1.1e-14 here; centring divides by the spread, so tests
that centre require the standard deviation to be at least ``SPREAD`` times the
largest magnitude, which costs a further factor 1/SPREAD = 1e3. The tolerances
below are 1e-9 or looser relative to the natural scale of each quantity, which
leaves a margin of at least 100 over these bounds while still catching any
mistake in the mathematics (those show up as errors of order 1).
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from m4ml import stats

MAX_N = 50
SPREAD = 1e-3
EPS = np.finfo(float).eps

# Magnitudes are 0 or in [1e-6, 1e3]: the theorems are about real numbers, and
# excluding tinier values keeps squares and products clear of floating-point
# underflow (1e-178 squared is 0 in float64), an artefact outside their scope.
_magnitudes = st.floats(min_value=1e-6, max_value=1e3, allow_nan=False, allow_infinity=False)
finite = st.one_of(st.just(0.0), _magnitudes, _magnitudes.map(lambda v: -v))
vectors = arrays(np.float64, st.integers(1, MAX_N), elements=finite)
samples = arrays(np.float64, st.integers(2, MAX_N), elements=finite)


@st.composite
def paired_samples(draw, min_size=3):
    """Two samples of the same length (x, y)."""
    n = draw(st.integers(min_size, MAX_N))
    x = draw(arrays(np.float64, n, elements=finite))
    y = draw(arrays(np.float64, n, elements=finite))
    return x, y


def spread_enough(x: np.ndarray) -> bool:
    """The sample is far from constant, so that centring is well conditioned."""
    return float(np.std(x)) > SPREAD * (1.0 + float(np.max(np.abs(x))))


def pearson_unclipped(x, y) -> float:
    """Equation (eq-descriptive-statistics-r) without the clipping done by m4ml.stats.pearson."""
    a, b = x - x.mean(), y - y.mean()
    return float(a @ b / np.sqrt((a @ a) * (b @ b)))


# --- Descriptive statistics: centre -----------------------------------------------------------

@settings(max_examples=150, deadline=None)
@given(x=vectors, c=finite)
def test_mean_minimises_sum_of_squares(x, c):
    """thm-descriptive-statistics-minimisers (1): the decomposition and the minimum at the mean."""
    xbar = x.mean()
    lhs = np.sum((x - c) ** 2)
    at_mean = np.sum((x - xbar) ** 2)
    rhs = at_mean + len(x) * (xbar - c) ** 2
    # Every term is at most (2e3)^2 = 4e6; the relative error of each sum is ~N*eps.
    scale = 1.0 + np.sum(x**2) + len(x) * c**2
    assert abs(lhs - rhs) <= 1e-9 * scale
    assert at_mean <= lhs + 1e-9 * scale


@settings(max_examples=150, deadline=None)
@given(x=vectors, c=finite)
def test_median_minimises_sum_of_absolute_deviations(x, c):
    """thm-descriptive-statistics-minimisers (2).

    f(c) = sum |x_n - c| is convex and piecewise linear with kinks at the data,
    so its minimum over R is attained at a data point: comparing with every data
    point, as well as with a random c, checks minimality completely.
    """
    def f(t):
        return np.sum(np.abs(x - t))

    m = np.median(x)
    tol = 1e-9 * (1.0 + np.sum(np.abs(x)) + len(x) * abs(c))
    assert f(m) <= f(c) + tol
    assert all(f(m) <= f(xn) + tol for xn in x)


# --- Descriptive statistics: spread and z-scores ----------------------------------------------

@settings(max_examples=150, deadline=None)
@given(x=vectors)
def test_variance_shortcut(x):
    """thm-descriptive-statistics-shortcut: sigma^2 = mean(x^2) - mean(x)^2.

    The shortcut subtracts two numbers of size up to mean(x^2), each with a
    relative error ~N*eps ~ 1e-14, so the absolute error is bounded by a small
    multiple of 1e-14 * mean(x^2); 1e-12 * mean(x^2) is a safe tolerance.
    """
    shortcut = np.mean(x**2) - np.mean(x) ** 2
    assert abs(shortcut - np.var(x)) <= 1e-12 * (1.0 + np.mean(x**2))


@settings(max_examples=150, deadline=None)
@given(x=samples, ddof=st.sampled_from([0, 1]))
def test_zscores_have_mean_zero_and_sd_one(x, ddof):
    """thm-descriptive-statistics-zscores, for both conventions of the standard deviation."""
    assume(spread_enough(x))
    z = stats.zscores(x, ddof=ddof)
    # The error of each z_n is ~N*eps*max|x|/sd <= 50 * 2.2e-16 * 1e3 ~ 1e-11.
    assert abs(z.mean()) <= 1e-9
    assert abs(z.std(ddof=ddof) - 1.0) <= 1e-9


@settings(max_examples=100, deadline=None)
@given(X=arrays(np.float64, st.tuples(st.integers(2, 20), st.integers(1, 5)), elements=finite))
def test_standardize_columns(X):
    """The same theorem column by column, through m4ml.stats.standardize."""
    assume(all(spread_enough(col) for col in X.T))
    Z = stats.standardize(X).Z
    np.testing.assert_allclose(Z.mean(axis=0), 0.0, atol=1e-9)
    np.testing.assert_allclose(Z.std(axis=0), 1.0, atol=1e-9)


@settings(max_examples=150, deadline=None)
@given(x=samples, a=st.floats(-10, 10), b=st.floats(-10, 10))
def test_variance_of_affine_map(x, a, b):
    """Exercise ex-descriptive-statistics-1 (1): Var(a x + b) = a^2 Var(x)."""
    assume(spread_enough(x))
    # Centring a x + b loses about eps*|b| absolutely per entry; relative to a*sd
    # that is at most 10 * eps / (|a| * 1e-3); hence the relative tolerance 1e-8
    # plus an absolute one for |a| near 0.
    assert np.isclose(np.var(a * x + b), a**2 * np.var(x), rtol=1e-8, atol=1e-8)


@settings(max_examples=150, deadline=None)
@given(x=samples, k=st.floats(1.0, 10.0))
def test_chebyshev_for_data(x, k):
    """thm-descriptive-statistics-chebyshev: at least 1 - 1/k^2 lie within k sd of the mean.

    m4ml.stats.within_k_sd counts |x_n - mean| <= k*sd, the complement of the
    theorem's event. Points exactly on the boundary can be pushed either way by
    rounding, and 1 - 1/k^2 itself is rounded; a slack of 1e-9 covers both
    without admitting any real violation (one point changes the fraction by
    at least 1/MAX_N = 0.02).
    """
    assume(spread_enough(x))
    assert stats.within_k_sd(x, k) >= 1.0 - 1.0 / k**2 - 1e-9


# --- Correlation ---------------------------------------------------------------------------------

@settings(max_examples=150, deadline=None)
@given(a=vectors, data=st.data())
def test_cauchy_schwarz(a, data):
    """lem-descriptive-statistics-cauchy-schwarz, and equality for parallel vectors.

    A dot product of N terms has an absolute error of at most ~N*eps*sum|a_i b_i|
    <= N*eps*|a||b|, so a relative slack of 1e-12 is ample for N <= 50.
    """
    b = data.draw(arrays(np.float64, a.shape, elements=finite))
    norms = np.linalg.norm(a) * np.linalg.norm(b)
    assert abs(a @ b) <= norms * (1.0 + 1e-12)
    t = data.draw(st.floats(-10, 10))
    parallel = t * a
    assert np.isclose(abs(a @ parallel), np.linalg.norm(a) * np.linalg.norm(parallel),
                      rtol=1e-12, atol=1e-12)


@settings(max_examples=150, deadline=None)
@given(xy=paired_samples())
def test_correlation_is_between_minus_one_and_one(xy):
    """thm-descriptive-statistics-r (1): |r| <= 1, tested before m4ml's clipping and after."""
    x, y = xy
    assume(spread_enough(x) and spread_enough(y))
    r = pearson_unclipped(x, y)
    assert abs(r) <= 1.0 + 1e-12
    assert -1.0 <= stats.pearson(x, y) <= 1.0
    assert abs(stats.pearson(x, y) - r) <= 1e-12   # clipping only removes rounding


@settings(max_examples=150, deadline=None)
@given(x=samples, size=st.floats(0.1, 10.0), negative=st.booleans(), b=st.floats(-10, 10))
def test_correlation_of_a_line_is_plus_or_minus_one(x, size, negative, b):
    """thm-descriptive-statistics-r (1), equality case: y = a x + b gives r = sign(a)."""
    assume(spread_enough(x))
    slope = -size if negative else size
    r = pearson_unclipped(x, slope * x + b)
    # Rounding in forming y and centring it: relative error <= ~1e-10 (see module docstring).
    assert abs(r - np.sign(slope)) <= 1e-8


@settings(max_examples=150, deadline=None)
@given(
    xy=paired_samples(),
    a=st.floats(0.1, 10.0), c=st.floats(0.1, 10.0),
    flip_a=st.booleans(), flip_c=st.booleans(),
    b=st.floats(-10, 10), d=st.floats(-10, 10),
)
def test_correlation_under_affine_maps(xy, a, c, flip_a, flip_c, b, d):
    """thm-descriptive-statistics-r (2): r(a x + b, c y + d) = sign(ac) r(x, y).

    Shifting by |b| <= 10 and centring again costs ~eps*|b|/(|a| sd) <= 1e-10
    relative with sd >= 1e-3 and |a| >= 0.1; the tolerance 1e-8 covers it.
    """
    x, y = xy
    assume(spread_enough(x) and spread_enough(y))
    a, c = (-a if flip_a else a), (-c if flip_c else c)
    r = stats.pearson(x, y)
    assert abs(stats.pearson(a * x + b, c * y + d) - np.sign(a * c) * r) <= 1e-8


@settings(max_examples=150, deadline=None)
@given(xy=paired_samples())
def test_correlation_is_mean_product_of_zscores(xy):
    """Exercise ex-descriptive-statistics-1 (2): r = mean(z_x * z_y) with ddof=0."""
    x, y = xy
    assume(spread_enough(x) and spread_enough(y))
    r = np.mean(stats.zscores(x) * stats.zscores(y))
    assert abs(r - stats.pearson(x, y)) <= 1e-9


# --- Matrix products (book/foundations/four_pillars.md) -------------------------------------------

small_ints = st.integers(-100, 100)
dims = st.integers(1, 6)


@st.composite
def three_matrices(draw, elements):
    """A (m x k), B (k x p), C (p x q) with compatible shapes."""
    m, k, p, q = (draw(dims) for _ in range(4))
    A = draw(arrays(np.float64, (m, k), elements=elements))
    B = draw(arrays(np.float64, (k, p), elements=elements))
    C = draw(arrays(np.float64, (p, q), elements=elements))
    return A, B, C


@settings(max_examples=150, deadline=None)
@given(mats=three_matrices(small_ints))
def test_matrix_product_rules_exact_on_integers(mats):
    """thm-foundations-matrix-product, exactly.

    With integer entries in [-100, 100] and inner sizes <= 6, every entry of
    every product is an integer below 6 * 6 * 100**3 < 2**53, so floating-point
    arithmetic is exact and the two sides must agree bit for bit.
    """
    A, B, C = mats
    np.testing.assert_array_equal((A @ B) @ C, A @ (B @ C))
    np.testing.assert_array_equal((A @ B).T, B.T @ A.T)


@settings(max_examples=150, deadline=None)
@given(mats=three_matrices(finite))
def test_matrix_product_rules_on_floats(mats):
    """thm-foundations-matrix-product on general floats.

    The two sides round differently. Each entry's error is bounded by a few
    multiples of k*p*eps*(|A| |B| |C|)_ij (entrywise absolute values), so we compare
    relative to that scale with a factor 1e3 of headroom over 36*eps.
    """
    A, B, C = mats
    scale = np.abs(A) @ np.abs(B) @ np.abs(C)
    assert np.all(np.abs((A @ B) @ C - A @ (B @ C)) <= 1e-11 * scale + 1e-300)
    scale_ab = (np.abs(A) @ np.abs(B)).T
    assert np.all(np.abs((A @ B).T - B.T @ A.T) <= 1e-11 * scale_ab + 1e-300)


@settings(max_examples=100, deadline=None)
@given(X=arrays(np.float64, st.tuples(st.integers(1, 20), dims), elements=finite))
def test_gram_matrix_is_symmetric(X):
    """Consequence of thm-foundations-matrix-product: X^T X is symmetric."""
    G = X.T @ X
    scale = np.abs(X).T @ np.abs(X)
    assert np.all(np.abs(G - G.T) <= 1e-12 * scale + 1e-300)


# --- The hand-derived gradient of book/foundations/four_pillars.md ---------------------------------

@settings(max_examples=100, deadline=None)
@given(
    r=arrays(np.float64, st.integers(2, 30), elements=st.floats(0.1, 30.0)),
    noise=st.floats(-5, 5),
    theta=arrays(np.float64, 2, elements=st.floats(-10, 10)),
)
def test_line_fit_gradient_matches_central_differences(r, noise, theta):
    """grad L(theta) = -(2/N) A^T (p - A theta) for L = |p - A theta|^2 / N, A = [r, 1].

    L is quadratic, so the central difference has no truncation error; what
    remains is rounding in L, about eps * L / h. With L <= ~1e5 and h = 1e-4 that
    is ~1e-7 absolutely, so we allow 1e-5 absolutely plus 1e-7 relatively.
    """
    n = len(r)
    p = 2 * np.pi * r + noise * np.cos(np.arange(n))        # roughly circular "perimeters"
    A = np.column_stack([r, np.ones(n)])

    def loss(t):
        e = p - A @ t
        return e @ e / n

    exact = -2 * A.T @ (p - A @ theta) / n
    h = 1e-4
    numeric = np.array([(loss(theta + e) - loss(theta - e)) / (2 * h) for e in np.eye(2) * h])
    np.testing.assert_allclose(numeric, exact, rtol=1e-7, atol=1e-5)


# --- Steepest descent (thm-foundations-steepest-descent) ------------------------------------------

@settings(max_examples=150, deadline=None)
@given(
    dim=st.integers(1, 6),
    seed=st.integers(0, 2**32 - 1),
)
def test_negative_gradient_is_the_direction_of_steepest_descent(dim, seed):
    """For f(theta) = 1/2 theta^T Q theta + b^T theta + sum(sin(theta)), a smooth function
    with gradient Q theta + b + cos(theta): the directional derivative along a unit u equals
    grad^T u (checked by central differences), is never below -||grad|| (Cauchy-Schwarz), and
    reaches that bound along -grad/||grad||, and only there (other directions fall short).

    Central differences with h = 1e-5 on a function of size <= ~1e3 are accurate to about
    eps * 1e3 / h + h^2 * |f'''| ~ 1e-8, so 1e-6 absolute leaves a margin.
    """
    rng = np.random.default_rng(seed)
    B = rng.normal(size=(dim, dim))
    Q = B @ B.T
    b = rng.normal(size=dim)
    theta = rng.normal(size=dim)
    f = lambda v: 0.5 * v @ Q @ v + b @ v + np.sum(np.sin(v))
    g = Q @ theta + b + np.cos(theta)
    g_norm = np.linalg.norm(g)
    assume(g_norm > 1e-3)
    h = 1e-5
    directional = lambda u: (f(theta + h * u) - f(theta - h * u)) / (2 * h)
    U = rng.normal(size=(50, dim))
    U /= np.linalg.norm(U, axis=1, keepdims=True)
    for u in U:
        assert directional(u) == pytest.approx(g @ u, abs=1e-6 * (1 + g_norm))
        assert g @ u >= -g_norm * (1 + 1e-12)
    u_star = -g / g_norm
    assert directional(u_star) == pytest.approx(-g_norm, abs=1e-6 * (1 + g_norm))
    # A unit vector at angle phi from u_star has rate -||g|| cos(phi) > -||g|| for phi > 0.
    others = U[np.abs(U @ u_star) < 1 - 1e-6]
    assert np.all(others @ g > -g_norm)
