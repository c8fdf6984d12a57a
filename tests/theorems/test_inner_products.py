"""Property tests of the theorems in book/linalg/inner_products.md, and of
m4ml.linalg.geometry.gram_schmidt and m4ml.linalg.geometry.cosine_similarity.

The inner-product theorems are tested for the weighted inner product
<x, y>_W = x^T W y with a random symmetric positive definite W, which contains
the dot product (W = I) as a special case.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from m4ml.linalg.geometry import cosine_similarity, gram_schmidt

EPS = np.finfo(float).eps
# Entries below 1e-50 in size are set to 0: products of four of them underflow, so the test's own
# reference formulas (not the package, which rescales first) would lose all accuracy.
entries = st.floats(-100, 100, allow_nan=False, allow_infinity=False).map(
    lambda v: 0.0 if abs(v) < 1e-50 else v
)


def random_spd(d: int, seed: int) -> np.ndarray:
    """A random symmetric positive definite d x d matrix."""
    B = np.random.default_rng(seed).normal(size=(d, d))
    return B @ B.T + 0.1 * np.eye(d)


@st.composite
def vector_pair_and_weight(draw):
    """Two vectors x, y in R^d and a symmetric positive definite W."""
    d = draw(st.integers(1, 8))
    x = draw(arrays(np.float64, d, elements=entries))
    y = draw(arrays(np.float64, d, elements=entries))
    return x, y, random_spd(d, draw(st.integers(0, 2**16)))


def inner(x, y, W):
    return float(x @ W @ y)


def norm(x, W):
    return np.sqrt(max(inner(x, x, W), 0.0))


# --- The theorems about inner products and their norms -----------------------


@settings(max_examples=150, deadline=None)
@given(vector_pair_and_weight())
def test_cauchy_schwarz(xyW):
    x, y, W = xyW
    lhs, rhs = abs(inner(x, y, W)), norm(x, W) * norm(y, W)
    # both sides are sums of d^2 products; rounding costs a few eps per term
    assert lhs <= rhs + 1e-12 * (np.abs(x) @ np.abs(W) @ np.abs(y) + 1e-300)


@settings(max_examples=100, deadline=None)
@given(vector_pair_and_weight(), st.floats(-10, 10, allow_nan=False).map(lambda v: 0.0 if abs(v) < 1e-50 else v))
def test_cauchy_schwarz_equality_for_parallel_vectors(xyW, c):
    x, _, W = xyW
    y = c * x
    scale = np.abs(x) @ np.abs(W) @ np.abs(y)
    assert abs(inner(x, y, W)) == pytest.approx(norm(x, W) * norm(y, W), rel=1e-9, abs=1e-9 * scale + 1e-300)


@settings(max_examples=150, deadline=None)
@given(vector_pair_and_weight())
def test_pythagoras_for_a_pair_made_orthogonal_by_projection(xyW):
    x, y, W = xyW
    xx = inner(x, x, W)
    assume(xx > 1e-6)
    y_perp = y - inner(y, x, W) / xx * x  # remove the component along x
    size = inner(x, x, W) + np.abs(y) @ np.abs(W) @ np.abs(y)
    assert abs(inner(x, y_perp, W)) <= 1e-9 * size
    lhs = inner(x + y_perp, x + y_perp, W)
    assert lhs == pytest.approx(xx + inner(y_perp, y_perp, W), rel=1e-9, abs=1e-9 * size)


@settings(max_examples=150, deadline=None)
@given(vector_pair_and_weight())
def test_parallelogram_law(xyW):
    x, y, W = xyW
    lhs = norm(x + y, W) ** 2 + norm(x - y, W) ** 2
    rhs = 2 * norm(x, W) ** 2 + 2 * norm(y, W) ** 2
    size = (np.abs(x) + np.abs(y)) @ np.abs(W) @ (np.abs(x) + np.abs(y))
    assert lhs == pytest.approx(rhs, rel=1e-9, abs=1e-9 * size)


@settings(max_examples=150, deadline=None)
@given(vector_pair_and_weight())
def test_induced_norm_triangle_inequality(xyW):
    x, y, W = xyW
    size = np.sqrt((np.abs(x) + np.abs(y)) @ np.abs(W) @ (np.abs(x) + np.abs(y)))
    assert norm(x + y, W) <= norm(x, W) + norm(y, W) + 1e-9 * size


@pytest.mark.parametrize("p, lhs, rhs", [(1, 8.0, 4.0), (np.inf, 2.0, 4.0)])
def test_one_and_max_norms_break_the_parallelogram_law(p, lhs, rhs):
    x, y = np.array([1.0, 0.0]), np.array([0.0, 1.0])
    n = lambda v: np.linalg.norm(v, p)  # noqa: E731
    assert n(x + y) ** 2 + n(x - y) ** 2 == lhs
    assert 2 * n(x) ** 2 + 2 * n(y) ** 2 == rhs


@settings(max_examples=100, deadline=None)
@given(st.integers(1, 12), st.integers(0, 2**16))
def test_coordinates_in_an_orthonormal_basis_and_parseval(d, seed):
    rng = np.random.default_rng(seed)
    Q, _ = np.linalg.qr(rng.normal(size=(d, d)))
    x = rng.normal(size=d)
    c = Q.T @ x  # c_i = <x, q_i>
    np.testing.assert_allclose(Q @ c, x, atol=1e-12 * (1 + np.abs(x).max()))
    assert c @ c == pytest.approx(x @ x, rel=1e-12)


@settings(max_examples=100, deadline=None)
@given(st.integers(1, 10), st.integers(0, 2**16))
def test_projection_is_the_closest_point_of_the_subspace(n, seed):
    rng = np.random.default_rng(seed)
    k = int(rng.integers(1, n + 1))
    Q, _ = np.linalg.qr(rng.normal(size=(n, k)))
    x = rng.normal(size=n)
    p = Q @ (Q.T @ x)
    np.testing.assert_allclose(Q.T @ (x - p), 0.0, atol=1e-12)  # residual orthogonal to the span
    other = Q @ (Q.T @ x + rng.normal(size=k))
    assert np.linalg.norm(x - p) <= np.linalg.norm(x - other) + 1e-12


# --- gram_schmidt --------------------------------------------------------------


@st.composite
def full_rank_matrix(draw):
    """An N x K Gaussian matrix (K <= N) with columns of very different scales."""
    n = draw(st.integers(1, 25))
    k = draw(st.integers(1, n))
    rng = np.random.default_rng(draw(st.integers(0, 2**16)))
    A = rng.normal(size=(n, k)) * 10.0 ** rng.uniform(-6, 6, size=k)
    assume(np.linalg.cond(A) < 1e3)
    return A


@settings(max_examples=100, deadline=None)
@given(full_rank_matrix(), st.booleans())
def test_gram_schmidt_is_orthonormal_and_spans_the_same_nested_subspaces(A, modified):
    Q = gram_schmidt(A, modified=modified)
    k = A.shape[1]
    assert Q.shape == A.shape
    # loss of orthogonality: of order kappa * u (modified) or kappa^2 * u (classical)
    kappa = np.linalg.cond(A)
    np.testing.assert_allclose(Q.T @ Q, np.eye(k), atol=10 * A.shape[0] * EPS * kappa ** (1 if modified else 2))
    for j in range(1, k + 1):  # span(q_1..q_j) = span(a_1..a_j): equal orthogonal projectors
        Aj, Qj = A[:, :j], Q[:, :j]
        np.testing.assert_allclose(Qj @ Qj.T, Aj @ np.linalg.pinv(Aj), atol=1e-9)
    R = Q.T @ A  # the coefficients r_ij = <a_j, q_i>: upper triangular with a positive diagonal
    col = np.abs(A).max(axis=0)
    assert np.all(np.abs(np.tril(R, -1)) <= 1e-9 * col)
    assert np.all(np.diag(R) > 0)


@settings(max_examples=100, deadline=None)
@given(full_rank_matrix(), st.booleans())
def test_gram_schmidt_agrees_with_householder_qr_up_to_column_signs(A, modified):
    Q_qr, R_qr = np.linalg.qr(A)
    signs = np.where(np.diag(R_qr) < 0, -1.0, 1.0)
    np.testing.assert_allclose(gram_schmidt(A, modified=modified), Q_qr * signs, atol=1e-9)


@st.composite
def any_tall_matrix(draw):
    """Any N x K matrix with K <= N, zeros, repeats and tiny entries included."""
    n = draw(st.integers(1, 6))
    k = draw(st.integers(1, n))
    return draw(arrays(np.float64, (n, k), elements=st.floats(-1e3, 1e3, allow_nan=False)))


@settings(max_examples=150, deadline=None)
@given(any_tall_matrix())
def test_gram_schmidt_on_arbitrary_input_either_refuses_or_is_orthonormal(A):
    """A clear refusal, or orthonormal columns to within a multiple of kappa * eps."""
    try:
        Q = gram_schmidt(A)
    except ValueError as err:
        assert "linearly dependent" in str(err) or "zero column" in str(err)
        return
    kappa = np.linalg.cond(A)
    loss = np.linalg.norm(Q.T @ Q - np.eye(A.shape[1]), 2)
    assert loss <= 100 * A.size * EPS * kappa


def test_loss_of_orthogonality_classical_vs_modified_vs_householder():
    """The numbers behind the page: polynomial features of the day of the year, degree 12.

    There kappa^2 u is about 60, far above 1, so classical Gram-Schmidt has lost
    orthogonality completely on every machine, not just on the one that built the page."""
    t = np.arange(365) / 364
    A = np.vander(t, 13, increasing=True)
    loss = {}
    for name, Q in [("classical", gram_schmidt(A, modified=False)),
                    ("modified", gram_schmidt(A, modified=True)),
                    ("householder", np.linalg.qr(A)[0])]:
        loss[name] = np.linalg.norm(Q.T @ Q - np.eye(13), 2)
    kappa = np.linalg.cond(A)
    assert kappa**2 * EPS / 2 > 10
    assert loss["classical"] > 0.5              # orthogonality is lost completely
    assert loss["modified"] < 100 * kappa * EPS  # of order kappa * u
    assert loss["householder"] < 100 * EPS      # of order u
    assert loss["householder"] < loss["modified"] < loss["classical"]


def test_gram_schmidt_known_answer():
    Q = gram_schmidt([[3.0, 1.0], [4.0, 0.0]])
    np.testing.assert_allclose(Q, [[0.6, 0.8], [0.8, -0.6]], atol=1e-15)


@pytest.mark.parametrize("A, error, match", [
    ([[1.0, 2.0], [2.0, 4.0]], ValueError, r"column 1 of A is linearly dependent on column 0"),
    ([[1.0, 0.0, 1.0], [0.0, 1.0, 1.0], [0.0, 0.0, 0.0]], ValueError,
     r"column 2 of A is linearly dependent on columns 0 to 1"),
    ([[0.0, 1.0], [0.0, 2.0]], ValueError, r"A has zero column\(s\) \[0\]"),
    (np.ones((2, 3)), ValueError, r"3 vectors in R\^2 are linearly dependent"),
    (np.ones((3, 0)), ValueError, r"A must have between 1 and N = 3 columns"),
    ([1.0, 2.0], ValueError, "A must be 2-D"),
    ([[1.0], [np.nan]], ValueError, "A must not contain NaN, got 1 NaN"),
    ([["a"], ["b"]], TypeError, "A must be an array of numbers"),
])
def test_gram_schmidt_bad_input(A, error, match):
    with pytest.raises(error, match=match):
        gram_schmidt(A)


def test_gram_schmidt_bad_options_and_tolerance():
    A = np.array([[1.0, 1.0], [0.0, 1e-6]])
    assert gram_schmidt(A).shape == (2, 2)  # distance 1e-6 of its length: independent
    with pytest.raises(ValueError, match=r"within tol = 1e-05"):
        gram_schmidt(A, tol=1e-5)
    with pytest.raises(ValueError, match="tol must be "):
        gram_schmidt(A, tol=-1.0)
    with pytest.raises(TypeError, match="modified must be True or False"):
        gram_schmidt(A, modified="yes")


def test_gram_schmidt_survives_huge_and_tiny_columns():
    A = np.array([[1e300, 1e-300], [1e300, -3e-300]])
    Q = gram_schmidt(A)
    np.testing.assert_allclose(Q.T @ Q, np.eye(2), atol=1e-15)
    np.testing.assert_allclose(Q[:, 0], [np.sqrt(0.5), np.sqrt(0.5)])


# --- cosine_similarity ----------------------------------------------------------


@st.composite
def two_row_sets(draw):
    d = draw(st.integers(1, 6))
    A = draw(arrays(np.float64, (draw(st.integers(1, 5)), d), elements=entries))
    B = draw(arrays(np.float64, (draw(st.integers(1, 5)), d), elements=entries))
    assume(np.all(np.abs(A).max(axis=1) > 0) and np.all(np.abs(B).max(axis=1) > 0))
    return A, B


@settings(max_examples=150, deadline=None)
@given(two_row_sets(), st.floats(1e-3, 1e3), st.floats(1e-3, 1e3))
def test_cosine_similarity_bounded_scale_invariant_and_explicit(AB, a, b):
    A, B = AB
    S = cosine_similarity(A, B)
    assert S.shape == (len(A), len(B))
    assert np.all(np.abs(S) <= 1.0)
    np.testing.assert_allclose(cosine_similarity(a * A, b * B), S, atol=1e-12)
    np.testing.assert_allclose(cosine_similarity(-a * A, B), -S, atol=1e-12)
    explicit = [[x @ y / (np.linalg.norm(x) * np.linalg.norm(y)) for y in B] for x in A]
    np.testing.assert_allclose(S, explicit, atol=1e-12)


@settings(max_examples=100, deadline=None)
@given(two_row_sets())
def test_cosine_similarity_with_itself_is_symmetric_with_unit_diagonal(AB):
    A, _ = AB
    S = cosine_similarity(A)
    np.testing.assert_allclose(S, S.T)
    np.testing.assert_allclose(np.diag(S), 1.0, atol=1e-14)


def test_cosine_similarity_shapes_and_known_values():
    assert cosine_similarity([1.0, 0.0], [0.0, 5.0]) == 0.0
    assert cosine_similarity([1.0, 1.0], [-2.0, -2.0]) == pytest.approx(-1.0)
    assert cosine_similarity([1.0, 0.0], [[1.0, 1.0], [2.0, 0.0]]).shape == (2,)
    assert cosine_similarity(np.ones((3, 2)), [1.0, 2.0]).shape == (3,)
    assert cosine_similarity([[1e300, 1e300]], [[1e-300, 1e-300]])[0, 0] == pytest.approx(1.0)
    # centred cosine similarity is Pearson's correlation
    x, y = np.array([1.0, 2.0, 4.0, 7.0]), np.array([2.0, 1.0, 5.0, 6.0])
    assert cosine_similarity(x - x.mean(), y - y.mean()) == pytest.approx(np.corrcoef(x, y)[0, 1])


@pytest.mark.parametrize("args, match", [
    (([[1.0, 2.0], [0.0, 0.0]],), r"A has zero row\(s\) \[1\]"),
    (([0.0, 0.0], [1.0, 2.0]), "A is the zero vector"),
    (([1.0, 2.0], [[1.0, 2.0], [0.0, 0.0], [0.0, 0.0]]), r"B has zero row\(s\) \[1, 2\]"),
    (([[1.0, 2.0]], [[1.0, 2.0, 3.0]]), r"same number of columns, got shapes \(1, 2\) and \(1, 3\)"),
    ((np.ones((2, 2, 2)),), "A must be 1-D or 2-D"),
    ((np.ones((2, 0)),), "A must have at least one column"),
])
def test_cosine_similarity_bad_input(args, match):
    with pytest.raises(ValueError, match=match):
        cosine_similarity(*args)
