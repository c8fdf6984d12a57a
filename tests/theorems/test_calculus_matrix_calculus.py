"""Property tests of the identities in book/calculus/matrix_calculus.md.

Every gradient or Jacobian derived on the page (and in its exercises) is
compared, on random shapes and values drawn by Hypothesis, with

* central differences (``m4ml.calculus``), and
* automatic differentiation (``autograd``).

Tolerances. Most functions here are polynomials of degree at most 2, for which
central differences have no truncation error; what is left is rounding, of order
eps * |f| / h ~ 1e-16 * 1e3 / 6e-6 < 1e-7 for the sizes drawn. The log-determinant
and the softmax are not polynomials: their truncation error is of order
h^2 * (third derivative), kept below 1e-7 by bounding the smallest singular value
of the matrices (so that the entries of the inverse stay below a few units).
"""

from __future__ import annotations

import math

import autograd
import autograd.numpy as anp
import autograd.scipy.special as asp
import numpy as np
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from m4ml.calculus import derivatives, special

entries = st.floats(-3, 3, allow_nan=False, allow_infinity=False)
sizes = st.integers(1, 5)
SETTINGS = settings(max_examples=40, deadline=None)


def matrix(rows, cols):
    return arrays(np.float64, (rows, cols), elements=entries)


def vector(n):
    return arrays(np.float64, (n,), elements=entries)


def assert_gradient(f, formula, x, *, rtol=1e-6, atol=1e-6):
    """``formula`` (a hand-derived gradient, evaluated at x) agrees with central differences and autograd.

    ``f`` is written with autograd.numpy, which also accepts plain NumPy arrays,
    so one definition serves both references.
    """
    expected = np.asarray(formula, dtype=float)
    numerical = derivatives.numerical_gradient(f, x)
    automatic = autograd.grad(f)(x)
    assert expected.shape == np.shape(x), "a gradient has the shape of the variable"
    np.testing.assert_allclose(expected, numerical, rtol=rtol, atol=atol)
    np.testing.assert_allclose(expected, automatic, rtol=1e-10, atol=1e-10)


@st.composite
def square_and_vector(draw):
    n = draw(sizes)
    return draw(matrix(n, n)), draw(vector(n)), draw(vector(n))


# --- the lemmas behind the differential technique ------------------------------------------


@SETTINGS
@given(sizes.flatmap(lambda m: sizes.flatmap(lambda n: st.tuples(matrix(m, n), matrix(m, n)))))
def test_trace_form_of_the_frobenius_inner_product(AB):
    A, B = AB
    np.testing.assert_allclose(np.trace(A.T @ B), np.sum(A * B), rtol=1e-12, atol=1e-12)


@SETTINGS
@given(sizes.flatmap(lambda n: matrix(n, n)))
def test_determinant_of_identity_plus_small_matrix(E):
    # det(I + sE) = 1 + s tr E + s^2 e2(E) + O(s^3), with e2(E) = ((tr E)^2 - tr(E^2)) / 2:
    # the remainder after the linear term is second order, as in the proof of the log-det gradient.
    n = len(E)
    e2 = (np.trace(E) ** 2 - np.trace(E @ E)) / 2
    for s in (1e-2, 1e-3):
        remainder = np.linalg.det(np.eye(n) + s * E) - 1 - s * np.trace(E)
        # The term of order k >= 3 is s^k times a sum of C(n, k) principal minors of size k, each
        # at most k! * 3^k, since |e_ij| <= 3; 1e-12 covers the rounding of det near 1.
        bound = sum(math.perm(n, k) * (3 * s) ** k for k in range(3, n + 1))
        assert abs(remainder - s**2 * e2) <= bound + 1e-12


# --- linear and quadratic forms -------------------------------------------------------------


@SETTINGS
@given(square_and_vector())
def test_gradient_of_linear_form(Aax):
    _, a, x = Aax
    assert_gradient(lambda v: anp.dot(a, v), a, x)


@SETTINGS
@given(square_and_vector())
def test_gradient_of_quadratic_form(Aax):
    A, _, x = Aax
    assert_gradient(lambda v: anp.dot(v, anp.dot(A, v)), (A + A.T) @ x, x)


@SETTINGS
@given(square_and_vector())
def test_gradient_of_symmetric_quadratic_form(Aax):
    A, _, x = Aax
    S = A + A.T
    assert_gradient(lambda v: anp.dot(v, anp.dot(S, v)), 2 * S @ x, x)


@SETTINGS
@given(square_and_vector())
def test_2Ax_is_wrong_exactly_by_the_antisymmetric_part(Aax):
    # the common mistake on the page: 2Ax - (A + A^T)x = (A - A^T)x
    A, _, x = Aax
    np.testing.assert_allclose(2 * A @ x - (A + A.T) @ x, (A - A.T) @ x, rtol=1e-12, atol=1e-12)


# --- least squares ----------------------------------------------------------------------------


@st.composite
def least_squares_problem(draw):
    n, d = draw(st.integers(1, 8)), draw(sizes)
    return draw(matrix(n, d)), draw(vector(n)), draw(vector(d))


@SETTINGS
@given(least_squares_problem())
def test_gradient_of_least_squares(Xyw):
    X, y, w = Xyw

    def loss(v):
        r = anp.dot(X, v) - y
        return anp.dot(r, r)

    assert_gradient(loss, 2 * X.T @ (X @ w - y), w)


@SETTINGS
@given(least_squares_problem())
def test_gradient_of_least_squares_training_loss(Xyw):
    X, y, w = Xyw
    N = len(X)

    def loss(v):
        r = anp.dot(X, v) - y
        return anp.dot(r, r) / (2 * N)

    assert_gradient(loss, X.T @ (X @ w - y) / N, w)


@SETTINGS
@given(least_squares_problem(), st.floats(0, 10))
def test_gradient_of_ridge_loss(Xyw, alpha):  # exercise 1
    X, y, w = Xyw
    N = len(X)

    def loss(v):
        r = anp.dot(X, v) - y
        return anp.dot(r, r) / (2 * N) + alpha / 2 * anp.dot(v, v)

    assert_gradient(loss, X.T @ (X @ w - y) / N + alpha * w, w)


# --- traces and log-determinants --------------------------------------------------------------


@SETTINGS
@given(sizes.flatmap(lambda m: sizes.flatmap(lambda n: st.tuples(matrix(n, m), matrix(m, n)))))
def test_gradient_of_trace(AW):
    A, W = AW
    assert_gradient(lambda M: anp.trace(anp.dot(A, M)), A.T, W)


@SETTINGS
@given(sizes.flatmap(lambda m: sizes.flatmap(lambda n: st.tuples(matrix(m, m), matrix(m, n)))))
def test_gradient_of_trace_of_quadratic_form(AW):  # exercise 3
    A, W = AW
    assert_gradient(lambda M: anp.trace(anp.dot(M.T, anp.dot(A, M))), (A + A.T) @ W, W)


def logdet(W):
    return anp.linalg.slogdet(W)[1]


@SETTINGS
@given(sizes.flatmap(lambda n: matrix(n, n)))
def test_gradient_of_logdet_symmetric_positive_definite(B):
    W = B @ B.T + np.eye(len(B))  # eigenvalues >= 1, so the inverse has entries <= 1
    assert_gradient(logdet, np.linalg.inv(W).T, W, rtol=1e-5)
    np.testing.assert_allclose(np.linalg.inv(W).T, np.linalg.inv(W), rtol=1e-10, atol=1e-12)


@SETTINGS
@given(sizes.flatmap(lambda n: matrix(n, n)))
def test_gradient_of_logdet_positive_determinant(W):
    assume(np.linalg.svd(W, compute_uv=False).min() > 0.3)
    if np.linalg.det(W) < 0:
        W = W.copy()
        W[0] = -W[0]  # flips the sign of the determinant, keeps the singular values
    assert np.linalg.det(W) > 0
    assert_gradient(logdet, np.linalg.inv(W).T, W, rtol=1e-5)


@SETTINGS
@given(sizes.flatmap(lambda n: matrix(n, n)))
def test_gradient_of_log_abs_det_negative_determinant(W):
    # cor-matrix-calculus-logabsdet: log|det W| has gradient W^{-T} on every invertible matrix.
    assume(np.linalg.svd(W, compute_uv=False).min() > 0.3)
    if np.linalg.det(W) > 0:
        W = W.copy()
        W[0] = -W[0]
    assert np.linalg.det(W) < 0
    assert_gradient(logdet, np.linalg.inv(W).T, W, rtol=1e-5)


# --- softmax and log-sum-exp ------------------------------------------------------------------


scores = st.integers(1, 8).flatmap(lambda k: arrays(np.float64, (k,), elements=st.floats(-30, 30)))


@SETTINGS
@given(scores)
def test_gradient_of_logsumexp_is_softmax(z):
    assert_gradient(asp.logsumexp, special.softmax(z), z)


@SETTINGS
@given(scores)
def test_jacobian_of_softmax(z):
    p = special.softmax(z)
    J = np.diag(p) - np.outer(p, p)

    def softmax_reference(v):  # exp(z - lse(z)), from autograd's own logsumexp
        return anp.exp(v - asp.logsumexp(v))

    np.testing.assert_allclose(J, derivatives.numerical_jacobian(special.softmax, z), rtol=1e-6, atol=1e-8)
    np.testing.assert_allclose(J, autograd.jacobian(softmax_reference)(z), rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(J.sum(axis=1), 0, atol=1e-15)  # rows sum to zero: shift invariance


@SETTINGS
@given(scores, st.floats(-100, 100))
def test_logsumexp_shift_and_smooth_maximum(z, c):
    lse = special.logsumexp(z)
    np.testing.assert_allclose(special.logsumexp(z + c), lse + c, rtol=1e-13, atol=1e-12)
    assert z.max() <= lse <= z.max() + np.log(len(z)) + 1e-12


@SETTINGS
@given(scores, st.data())
def test_gradient_of_cross_entropy(z, data):  # exercise 4
    c = data.draw(st.integers(0, len(z) - 1))
    assert_gradient(lambda v: asp.logsumexp(v) - v[c], special.softmax(z) - np.eye(len(z))[c], z)


# --- Gaussian log-likelihood (exercise 2) -----------------------------------------------------


@st.composite
def gaussian_problem(draw):
    n, d = draw(st.integers(1, 10)), draw(st.integers(1, 4))
    B = draw(matrix(d, d))
    return draw(matrix(n, d)), B @ B.T + np.eye(d), draw(vector(d))


@SETTINGS
@given(gaussian_problem())
def test_gradient_of_gaussian_log_likelihood_in_the_mean(problem):
    X, Sigma, mu = problem
    N, D = X.shape
    P = np.linalg.inv(Sigma)  # the precision matrix, a constant of the function below

    def log_lik(m):
        R = X - m
        quad = anp.sum(R * anp.dot(R, P))
        return -0.5 * N * (D * anp.log(2 * anp.pi) + logdet(Sigma)) - 0.5 * quad

    assert_gradient(log_lik, N * np.linalg.solve(Sigma, X.mean(axis=0) - mu), mu)
    # the gradient vanishes at the sample mean (the maximum-likelihood estimate)
    np.testing.assert_allclose(autograd.grad(log_lik)(X.mean(axis=0)), 0, atol=1e-10 * N)
