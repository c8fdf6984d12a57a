"""m4ml.linalg.low_rank: the truncated and the randomised SVD against NumPy and scikit-learn."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from m4ml.linalg import low_rank


def _decaying(N, D, seed, decay=0.7):
    """A matrix with singular values decay**i, i = 0, 1, ..., and random singular vectors."""
    rng = np.random.default_rng(seed)
    R = min(N, D)
    U, _ = np.linalg.qr(rng.normal(size=(N, R)))
    V, _ = np.linalg.qr(rng.normal(size=(D, R)))
    return (U * decay ** np.arange(R)) @ V.T


@settings(max_examples=40, deadline=None)
@given(st.integers(1, 15), st.integers(1, 15), st.integers(0, 10_000), st.data())
def test_truncated_svd_matches_numpy(N, D, seed, data):
    A = np.random.default_rng(seed).normal(size=(N, D))
    k = data.draw(st.integers(1, min(N, D)))
    U, s, Vt = low_rank.truncated_svd(A, k=k)
    assert U.shape == (N, k) and s.shape == (k,) and Vt.shape == (k, D)
    U0, s0, Vt0 = np.linalg.svd(A, full_matrices=False)
    np.testing.assert_allclose(s, s0[:k], rtol=1e-12)
    np.testing.assert_allclose(U.T @ U, np.eye(k), atol=1e-12)
    np.testing.assert_allclose(Vt @ Vt.T, np.eye(k), atol=1e-12)
    # the rank-k approximation does not depend on the signs of the pairs
    np.testing.assert_allclose((U * s) @ Vt, (U0[:, :k] * s0[:k]) @ Vt0[:k], atol=1e-10)
    # sign rule: the largest-magnitude entry of each v_i is positive
    assert np.all(Vt[np.arange(k), np.argmax(np.abs(Vt), axis=1)] > 0)


@pytest.mark.parametrize(("N", "D"), [(200, 80), (60, 300)])
def test_randomized_svd_is_accurate_on_a_decaying_spectrum(N, D):
    A = _decaying(N, D, seed=2)
    k = 8
    U, s, Vt = low_rank.randomized_svd(A, k=k, rng=0)
    exact = low_rank.truncated_svd(A, k=k)
    # singular values: with p = 10, q = 2 and decay 0.7 the error is far below 1e-8
    np.testing.assert_allclose(s, exact.s, rtol=1e-8)
    np.testing.assert_allclose(U.T @ U, np.eye(k), atol=1e-12)
    np.testing.assert_allclose(Vt @ Vt.T, np.eye(k), atol=1e-12)
    # the subspaces agree: |cos| of the principal angles is 1
    cosines = np.linalg.svd(Vt @ exact.Vt.T, compute_uv=False)
    np.testing.assert_allclose(cosines, 1.0, atol=1e-8)
    # with the same sign rule, the vectors themselves agree with the exact ones
    np.testing.assert_allclose(Vt, exact.Vt, atol=1e-7)
    np.testing.assert_allclose(U, exact.U, atol=1e-7)
    # the spectral error is sigma_{k+1}, as for the truncated SVD (Eckart-Young)
    err = np.linalg.norm(A - (U * s) @ Vt, 2)
    np.testing.assert_allclose(err, 0.7**k, rtol=1e-6)


def test_randomized_svd_agrees_with_scikit_learn():
    from sklearn.utils.extmath import randomized_svd as sk_randomized_svd

    A = _decaying(150, 90, seed=3, decay=0.8)
    k = 6
    ours = low_rank.randomized_svd(A, k=k, oversampling=10, n_power_iter=3, rng=0)
    _, s_sk, Vt_sk = sk_randomized_svd(A, k, n_oversamples=10, n_iter=3, random_state=0)
    np.testing.assert_allclose(ours.s, s_sk, rtol=1e-7)
    np.testing.assert_allclose(np.abs(np.sum(ours.Vt * Vt_sk, axis=1)), 1.0, atol=1e-6)


def test_randomized_svd_recovers_a_low_rank_matrix_exactly():
    rng = np.random.default_rng(4)
    A = rng.normal(size=(40, 3)) @ rng.normal(size=(3, 25))
    U, s, Vt = low_rank.randomized_svd(A, k=3, oversampling=0, n_power_iter=0, rng=1)
    np.testing.assert_allclose((U * s) @ Vt, A, atol=1e-10)


def test_power_iterations_improve_a_slow_spectrum():
    # singular values 1/sqrt(i): without power iterations the sketch mixes in many small directions
    rng = np.random.default_rng(5)
    N, D, k = 300, 200, 10
    U0, _ = np.linalg.qr(rng.normal(size=(N, D)))
    V0, _ = np.linalg.qr(rng.normal(size=(D, D)))
    s0 = 1 / np.sqrt(np.arange(1, D + 1))
    A = (U0 * s0) @ V0.T

    def error(q):
        U, s, Vt = low_rank.randomized_svd(A, k=k, oversampling=5, n_power_iter=q, rng=0)
        return np.linalg.norm(A - (U * s) @ Vt, 2)

    assert error(0) > 1.2 * error(3)
    assert error(3) < 1.05 * s0[k]


def test_randomized_svd_reproducible_and_accepts_a_generator():
    A = _decaying(50, 40, seed=6, decay=0.9)
    a = low_rank.randomized_svd(A, k=5, n_power_iter=0, rng=7)
    b = low_rank.randomized_svd(A, k=5, n_power_iter=0, rng=7)
    c = low_rank.randomized_svd(A, k=5, n_power_iter=0, rng=np.random.default_rng(7))
    for x, y, z in zip(a, b, c):
        np.testing.assert_array_equal(x, y)
        np.testing.assert_array_equal(x, z)


def test_oversampling_is_capped_at_the_smaller_dimension():
    A = _decaying(12, 5, seed=8)
    U, s, Vt = low_rank.randomized_svd(A, k=5, oversampling=50, rng=0)
    np.testing.assert_allclose(s, np.linalg.svd(A, compute_uv=False), rtol=1e-12)


@pytest.mark.parametrize("func", [low_rank.truncated_svd, low_rank.randomized_svd])
def test_bad_rank(func):
    with pytest.raises(ValueError, match=r"k must be at most min\(N, D\) = 2"):
        func(np.ones((5, 2)), k=3)
    with pytest.raises(ValueError, match=r"k must be >= 1, got 0"):
        func(np.ones((5, 2)), k=0)
    with pytest.raises(TypeError, match=r"k must be an integer"):
        func(np.ones((5, 2)), k=1.0)
    with pytest.raises(ValueError, match=r"A must be 2-D"):
        func(np.ones(5), k=1)


def test_randomized_svd_bad_options():
    A = np.ones((4, 3))
    with pytest.raises(ValueError, match=r"oversampling must be >= 0, got -1"):
        low_rank.randomized_svd(A, k=1, oversampling=-1)
    with pytest.raises(ValueError, match=r"n_power_iter must be >= 0, got -2"):
        low_rank.randomized_svd(A, k=1, n_power_iter=-2)
    with pytest.raises(TypeError, match=r"rng must be a non-negative integer seed or a numpy"):
        low_rank.randomized_svd(A, k=1, rng=np.random.RandomState(0))
    with pytest.raises(TypeError, match=r"rng must be"):
        low_rank.randomized_svd(A, k=1, rng=True)
    with pytest.raises(ValueError, match=r"rng must be >= 0, got -1"):
        low_rank.randomized_svd(A, k=1, rng=-1)
