"""m4ml.models.linear: every hand-derived derivative against autograd and central differences,
the ridge closed form against the first-order condition, and bad input."""

from __future__ import annotations

import decimal

import autograd
import autograd.numpy as anp
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from m4ml.calculus import derivatives, special
from m4ml.models import linear

seeds = st.integers(0, 2**32 - 1)
sizes = st.tuples(st.integers(1, 30), st.integers(1, 6))
alphas = st.sampled_from([0.0, 1e-3, 0.1, 2.0])


def problem(seed, n, d, *, binary=False):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, d))
    y = (rng.random(n) < 0.5).astype(float) if binary else rng.standard_normal(n)
    w = rng.standard_normal(d)
    return X, y, w


# autograd versions, written from the definitions (not from the hand-derived gradients)
def ridge_ad(w, X, y, alpha):
    r = anp.dot(X, w) - y
    return anp.dot(r, r) / (2 * X.shape[0]) + alpha / 2 * anp.dot(w, w)


def logistic_ad(w, X, y, alpha):
    z = anp.dot(X, w)
    p = 1 / (1 + anp.exp(-z))
    nll = -(y * anp.log(p) + (1 - y) * anp.log(1 - p))
    return anp.mean(nll) + alpha / 2 * anp.dot(w, w)


@settings(max_examples=40, deadline=None)
@given(seeds, sizes, alphas)
def test_ridge_derivatives_match_autograd_and_differences(seed, size, alpha):
    X, y, w = problem(seed, *size)
    assert linear.ridge_objective(w, X, y, alpha=alpha) == pytest.approx(ridge_ad(w, X, y, alpha))
    g = linear.ridge_gradient(w, X, y, alpha=alpha)
    np.testing.assert_allclose(g, autograd.grad(ridge_ad)(w, X, y, alpha), rtol=1e-10, atol=1e-12)
    f = lambda v: linear.ridge_objective(v, X, y, alpha=alpha)  # noqa: E731
    np.testing.assert_allclose(g, derivatives.numerical_gradient(f, w), rtol=1e-5, atol=1e-7)
    H = linear.ridge_hessian(X, alpha=alpha)
    np.testing.assert_allclose(H, autograd.hessian(ridge_ad)(w, X, y, alpha), rtol=1e-10, atol=1e-12)


@settings(max_examples=40, deadline=None)
@given(seeds, sizes, alphas)
def test_logistic_derivatives_match_autograd_and_differences(seed, size, alpha):
    X, y, w = problem(seed, *size, binary=True)
    assert linear.logistic_objective(w, X, y, alpha=alpha) == pytest.approx(logistic_ad(w, X, y, alpha))
    g = linear.logistic_gradient(w, X, y, alpha=alpha)
    np.testing.assert_allclose(g, autograd.grad(logistic_ad)(w, X, y, alpha), rtol=1e-9, atol=1e-12)
    f = lambda v: linear.logistic_objective(v, X, y, alpha=alpha)  # noqa: E731
    np.testing.assert_allclose(g, derivatives.numerical_gradient(f, w), rtol=1e-5, atol=1e-7)
    H = linear.logistic_hessian(w, X, alpha=alpha)
    np.testing.assert_allclose(H, autograd.hessian(logistic_ad)(w, X, y, alpha), rtol=1e-8, atol=1e-12)
    grad = lambda v: linear.logistic_gradient(v, X, y, alpha=alpha)  # noqa: E731
    np.testing.assert_allclose(H, derivatives.numerical_jacobian(grad, w), rtol=1e-5, atol=1e-7)
    # the Hessian is positive semidefinite: the loss is convex
    assert np.linalg.eigvalsh(H).min() >= alpha - 1e-12


@settings(max_examples=40, deadline=None)
@given(seeds, st.tuples(st.integers(8, 40), st.integers(1, 6)), st.sampled_from([1e-3, 0.1, 2.0]))
def test_ridge_fit_is_the_stationary_point_by_every_method(seed, size, alpha):
    X, y, _ = problem(seed, *size)
    fits = {m: linear.ridge_fit(X, y, alpha=alpha, method=m) for m in ("solve", "inv", "lstsq")}
    for method, w in fits.items():
        scale = 1 + np.abs(X.T @ y).max() / X.shape[0]
        assert np.linalg.norm(linear.ridge_gradient(w, X, y, alpha=alpha)) < 1e-9 * scale, method
    np.testing.assert_allclose(fits["inv"], fits["solve"], rtol=1e-7, atol=1e-10)
    np.testing.assert_allclose(fits["lstsq"], fits["solve"], rtol=1e-7, atol=1e-10)


def test_least_squares_fit_agrees_with_lstsq_and_rejects_rank_deficiency():
    rng = np.random.default_rng(0)
    X, y = rng.standard_normal((20, 3)), rng.standard_normal(20)
    np.testing.assert_allclose(linear.ridge_fit(X, y), np.linalg.lstsq(X, y, rcond=None)[0])
    twins = np.column_stack([X, X[:, 0]])
    with pytest.raises(ValueError, match="does not have full column rank"):
        linear.ridge_fit(twins, y)
    w = linear.ridge_fit(twins, y, method="lstsq")  # minimum-norm solution
    assert w[0] == pytest.approx(w[-1])


def test_sigmoid_is_stable_and_symmetric():
    z = np.array([-800.0, -30.0, 0.0, 30.0, 800.0])
    s = special.sigmoid(z)
    assert np.all(np.isfinite(s)) and s[0] == 0.0 and s[-1] == 1.0 and s[2] == 0.5
    np.testing.assert_allclose(s + special.sigmoid(-z), 1.0)
    assert isinstance(special.sigmoid(0.0), float)
    # the objective stays finite where a naive log(sigmoid) would give log(0)
    X = np.array([[1000.0], [-1000.0]])
    assert np.isfinite(linear.logistic_objective([1.0], X, [0.0, 1.0]))
    assert linear.logistic_objective([1.0], X, [0.0, 1.0]) == pytest.approx(1000.0)


# ------------------------------------------------------------ large |z|: no sample is lost
def _reference(z: float, y: int) -> tuple[float, float, float]:
    """Loss log(1+e^z) - y z, residual sigma(z) - y and weight sigma(z)(1 - sigma(z)), from the definitions.

    decimal carries 400 significant digits and exponents down to -999999: for |z| <= 800 the
    cancellations in these formulas lose at most 350 digits and nothing underflows, so the
    final conversion to a double is correctly rounded.
    """
    with decimal.localcontext() as ctx:
        ctx.prec = 400
        zd = decimal.Decimal(z)
        e = zd.exp()
        sig = e / (1 + e)
        return float((1 + e).ln() - y * zd), float(sig - y), float(sig * (1 - sig))


large_z = [-800.0, -745.0, -700.0, -300.0, -40.0, -37.0, 37.0, 40.0, 100.0, 300.0, 700.0, 745.0, 800.0]


@pytest.mark.parametrize("z", large_z)
@pytest.mark.parametrize("y", [0, 1])
def test_logistic_loss_gradient_and_hessian_at_large_margins(z, y):
    loss, residual, weight = _reference(z, y)
    X, w = np.array([[z]]), np.array([1.0])          # one sample with x_n^T w = z
    # objective log(1+e^z) - y z: finite and accurate for every z, including y z >> 0
    f = linear.logistic_objective(w, X, [float(y)])
    assert np.isfinite(f) and f == pytest.approx(loss, rel=1e-14, abs=0)
    # gradient x (sigma(z) - y) with x = z: the residual keeps its relative accuracy
    g = linear.logistic_gradient(w, X, [float(y)])[0]
    assert g == pytest.approx(z * residual, rel=1e-13, abs=0)
    # Hessian x^2 sigma(z) sigma(-z): positive wherever the exact value is a positive double
    h = linear.logistic_hessian(w, X)[0, 0]
    if weight >= np.finfo(float).tiny:               # a normal double: full relative accuracy
        assert h > 0 and h == pytest.approx(z * z * weight, rel=1e-13)
    else:                                             # subnormal or below: absolute accuracy
        assert h == pytest.approx(z * z * weight, rel=0, abs=z * z * 1e-320)


def test_confident_samples_keep_their_hessian_weight():
    # samples with |z| from 40 to 700 each have a positive weight sigma(z) sigma(-z), about
    # e^{-|z|}; the old form sigma(z) (1 - sigma(z)) rounded it to 0 for every z >= 37
    zs = np.array([40.0, -40.0, 60.0, 200.0, -500.0, 700.0])
    X = np.diag(zs)                                  # sample n has z_n = zs[n] when w = 1
    H = linear.logistic_hessian(np.ones(zs.size), X)
    weights = np.diag(H) * zs.size / zs**2
    expected = np.exp(-np.abs(zs)) / (1 + np.exp(-np.abs(zs))) ** 2
    assert np.all(weights > 0)
    np.testing.assert_allclose(weights, expected, rtol=1e-13)
    assert np.count_nonzero(H - np.diag(np.diag(H))) == 0


@pytest.mark.parametrize(
    "call, error, match",
    [
        (lambda: linear.ridge_objective([1.0], np.ones((3, 2)), np.ones(3)), ValueError,
         r"w must have one entry per column of X \(2\)"),
        (lambda: linear.ridge_gradient([1.0, 1.0], np.ones((3, 2)), np.ones(4)), ValueError,
         r"y must have one entry per row of X \(3\)"),
        (lambda: linear.ridge_fit(np.ones((3, 2)), np.ones(3), alpha=-1.0), ValueError, "alpha must be >= 0"),
        (lambda: linear.ridge_fit(np.ones((3, 2)), np.ones(3), alpha="0.1"), TypeError, "alpha must be a real number"),
        (lambda: linear.ridge_fit(np.ones((3, 2)), np.ones(3), alpha=0.1, method="qr"), ValueError,
         "method must be one of 'solve', 'inv', 'lstsq'"),
        (lambda: linear.ridge_hessian(np.ones(3)), ValueError, "X must be 2-D"),
        (lambda: linear.logistic_objective([1.0], np.ones((2, 1)), [0.0, 2.0]), ValueError,
         r"y must hold labels 0 and 1 only, got \[2.0\]"),
        (lambda: linear.logistic_gradient([np.nan], np.ones((2, 1)), [0.0, 1.0]), ValueError, "w must not contain NaN, got 1 NaN"),
        (lambda: linear.logistic_hessian([1.0], "X"), TypeError, "X must be an array of numbers"),
        (lambda: special.sigmoid([np.inf]), ValueError, "z must be finite"),
    ],
)
def test_bad_input_is_named(call, error, match):
    with pytest.raises(error, match=match):
        call()


@given(seed=st.integers(0, 2**32 - 1), n=st.integers(3, 40), d=st.integers(1, 6),
       log_kappa=st.floats(0.0, 3.0))
def test_normal_equations_square_the_condition_number(seed, n, d, log_kappa):
    """kappa(Phi^T Phi) = kappa(Phi)^2 (problems/regression, prop-regression-cond-squared): the
    singular values of Phi^T Phi are the squares of those of Phi."""
    rng = np.random.default_rng(seed)
    n = max(n, d)
    U, _ = np.linalg.qr(rng.standard_normal((n, d)))
    V, _ = np.linalg.qr(rng.standard_normal((d, d)))
    s = np.logspace(0.0, -log_kappa, d)  # kappa(Phi) = 10**log_kappa, at most 1e3
    Phi = U @ np.diag(s) @ V.T
    kappa = np.linalg.cond(Phi)
    assert kappa == pytest.approx(s[0] / s[-1], rel=1e-8)
    assert np.linalg.cond(Phi.T @ Phi) == pytest.approx(kappa**2, rel=1e-8)
