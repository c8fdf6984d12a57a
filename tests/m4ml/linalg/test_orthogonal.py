"""m4ml.linalg.orthogonal: Householder vectors, reflectors and QR against NumPy, and bad input."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from m4ml.linalg.geometry import gram_schmidt
from m4ml.linalg.orthogonal import (
    QR,
    householder_qr,
    householder_reflector,
    householder_vector,
    orthogonality_loss,
)

EPS = np.finfo(float).eps


def positive_diagonal(Q, R):
    """The factors with the signs of the diagonal of R made positive (QR is unique then)."""
    k = min(R.shape)
    signs = np.where(np.diag(R[:k, :k]) < 0, -1.0, 1.0)
    Q, R = Q.copy(), R.copy()
    Q[:, :k] *= signs
    R[:k] *= signs[:, None]
    return Q, R


# ---------- known answers ----------

def test_householder_vector_maps_onto_the_first_axis():
    x = np.array([3.0, 4.0, 0.0, 12.0])               # length 13
    v = householder_vector(x)
    assert np.isclose(np.linalg.norm(v), 1.0)
    np.testing.assert_allclose((np.eye(4) - 2 * np.outer(v, v)) @ x, [-13, 0, 0, 0], atol=1e-13)
    # a negative first entry is sent to +||x|| e_1 (the sign that avoids cancellation)
    np.testing.assert_allclose(householder_reflector(householder_vector(-x)) @ -x, [13, 0, 0, 0],
                               atol=1e-13)


def test_householder_vector_of_zero_and_of_tiny_and_huge_vectors():
    np.testing.assert_array_equal(householder_vector(np.zeros(3)), [1.0, 0.0, 0.0])
    for scale in [1e-200, 1e200]:
        x = scale * np.array([1.0, -2.0, 2.0])
        v = householder_vector(x)
        assert np.all(np.isfinite(v)) and np.isclose(np.linalg.norm(v), 1.0)
        Hx = householder_reflector(v) @ (x / scale)
        np.testing.assert_allclose(Hx, [-3.0, 0.0, 0.0], atol=1e-13)


def test_householder_vector_of_a_multiple_of_e1():
    v = householder_vector([2.0, 0.0])
    np.testing.assert_allclose(v, [1.0, 0.0])
    np.testing.assert_allclose(householder_reflector(v) @ [2.0, 0.0], [-2.0, 0.0])


def test_householder_reflector_properties():
    v = np.array([1.0, -2.0, 0.5, 3.0])
    H = householder_reflector(v)
    np.testing.assert_allclose(H, H.T, atol=1e-15)
    np.testing.assert_allclose(H @ H, np.eye(4), atol=1e-14)
    np.testing.assert_allclose(H @ v, -v, atol=1e-14)
    w = np.array([2.0, 1.0, 0.0, 0.0])                  # orthogonal to v
    np.testing.assert_allclose(H @ w, w, atol=1e-14)
    assert np.isclose(np.linalg.det(H), -1.0)
    # the length of v does not matter
    np.testing.assert_allclose(householder_reflector(1e-3 * v), H, atol=1e-15)


def test_householder_qr_small_example():
    Q, R = householder_qr([[3.0, 1.0], [4.0, 2.0]])
    np.testing.assert_allclose(R, [[-5.0, -2.2], [0.0, 0.4]], atol=1e-14)
    np.testing.assert_allclose(Q, [[-0.6, -0.8], [-0.8, 0.6]], atol=1e-14)   # Q = H_1, symmetric


def test_result_is_a_named_pair():
    result = householder_qr(np.eye(2))
    assert isinstance(result, QR) and result._fields == ("Q", "R")


@pytest.mark.parametrize("shape", [(1, 1), (1, 4), (5, 1), (6, 3), (4, 4), (3, 7), (50, 20)])
@pytest.mark.parametrize("mode", ["reduced", "complete"])
def test_householder_qr_matches_numpy(shape, mode):
    rng = np.random.default_rng(sum(shape))
    A = rng.normal(size=shape)
    Q, R = householder_qr(A, mode=mode)
    Q_np, R_np = np.linalg.qr(A, mode=mode)
    assert Q.shape == Q_np.shape and R.shape == R_np.shape
    np.testing.assert_allclose(Q @ R, A, atol=1e-13)
    np.testing.assert_allclose(Q.T @ Q, np.eye(Q.shape[1]), atol=1e-13)
    np.testing.assert_array_equal(np.tril(R, -1), 0.0)
    # unique once the diagonal of R is positive (for the columns that R determines)
    k = min(shape)
    Q1, R1 = positive_diagonal(Q, R)
    Q2, R2 = positive_diagonal(Q_np, R_np)
    np.testing.assert_allclose(Q1[:, :k], Q2[:, :k], atol=1e-12)
    np.testing.assert_allclose(R1, R2, atol=1e-12)


def test_householder_stays_orthogonal_where_classical_gram_schmidt_fails():
    t = np.linspace(0, 1, 200)
    A = np.vander(t, 13, increasing=True)              # kappa about 1e9
    Q, R = householder_qr(A)
    assert orthogonality_loss(Q) < 100 * EPS
    assert orthogonality_loss(gram_schmidt(A, modified=False)) > 1e-2
    np.testing.assert_allclose(Q @ R, A, atol=1e-13)


def test_rank_deficient_input_still_factorises():
    rng = np.random.default_rng(4)
    B = rng.normal(size=(6, 2))
    A = np.column_stack([B, B @ [1.0, -2.0], np.zeros(6)])   # rank 2
    Q, R = householder_qr(A)
    np.testing.assert_allclose(Q @ R, A, atol=1e-13)
    assert orthogonality_loss(Q) < 1e-14
    assert abs(R[2, 2]) < 1e-13 and abs(R[3, 3]) < 1e-13


@settings(max_examples=60, deadline=None)
@given(N=st.integers(1, 9), K=st.integers(1, 9), seed=st.integers(0, 2**32 - 1),
       scale=st.sampled_from([1e-150, 1.0, 1e150]))
def test_householder_qr_random_shapes_and_scales(N, K, seed, scale):
    A = scale * np.random.default_rng(seed).normal(size=(N, K))
    Q, R = householder_qr(A, mode="complete")
    norm_A = np.linalg.norm(A, 2)
    assert orthogonality_loss(Q) <= 50 * N * EPS
    assert np.linalg.norm(Q @ R - A, 2) <= 50 * N * K * EPS * norm_A
    np.testing.assert_array_equal(np.tril(R, -1), 0.0)


def test_orthogonality_loss_known_values():
    assert orthogonality_loss(np.eye(4)[:, :2]) == 0.0
    # two unit vectors at 60 degrees: Q^T Q - I has off-diagonal 1/2
    Q = np.array([[1.0, 0.5], [0.0, np.sqrt(3) / 2]])
    assert np.isclose(orthogonality_loss(Q), 0.5)
    assert np.isclose(orthogonality_loss(2 * np.eye(3)), 3.0)


# ---------- bad input ----------

@pytest.mark.parametrize(("call", "match"), [
    (lambda: householder_vector(np.ones((2, 2))), "x must be 1-D"),
    (lambda: householder_vector([]), "x must have at least 1 row"),
    (lambda: householder_vector([1.0, np.nan]), "x must not contain NaN"),
    (lambda: householder_reflector([0.0, 0.0]), "v must be a nonzero vector"),
    (lambda: householder_reflector([1.0, np.inf]), "v must be finite"),
    (lambda: householder_qr(np.ones(3)), "A must be 2-D"),
    (lambda: householder_qr(np.ones((0, 2))), "A must have at least 1 row"),
    (lambda: householder_qr(np.ones((2, 0))), "A must have at least 1 column"),
    (lambda: householder_qr(np.eye(2), mode="economic"), "mode must be one of"),
    (lambda: orthogonality_loss(np.ones(3)), "Q must be 2-D"),
])
def test_bad_values_raise_value_error(call, match):
    with pytest.raises(ValueError, match=match):
        call()


@pytest.mark.parametrize("call", [
    lambda: householder_vector("abc"),
    lambda: householder_reflector(None),
    lambda: householder_qr([["a", "b"]]),
    lambda: householder_qr(np.eye(2), mode=3),
    lambda: orthogonality_loss(np.eye(2) + 0j),
])
def test_bad_types_raise_type_error(call):
    with pytest.raises(TypeError):
        call()


def test_positional_mode_is_refused():
    with pytest.raises(TypeError):
        householder_qr(np.eye(2), "complete")
