"""Property tests of the theorems stated in book/problems/representation.md.

- The SVD (quoted with references): U, V with orthonormal columns, sigma_1 >= ... >= 0,
  X = U diag(sigma) V^T, singular values fixed by X, vectors only up to a joint sign.
- Reconstruction error = total variance - captured variance, for any orthonormal V_K.
- The PCA subspace minimises the reconstruction error, with minimum (1/N) sum_{i>K} sigma_i^2.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from m4ml.linalg.decomposition import pca


@st.composite
def data_and_k(draw):
    n = draw(st.integers(2, 20))
    d = draw(st.integers(1, 6))
    X = draw(arrays(np.float64, (n, d), elements=st.floats(-50, 50, allow_nan=False)))
    k = draw(st.integers(1, min(n, d)))
    return X, k


@settings(max_examples=200, deadline=None)
@given(data_and_k())
def test_svd_has_the_stated_properties(Xk):
    X, _ = Xk
    if np.abs(X).max() > 0:  # the properties are scale-free; avoid subnormal numbers
        X = X / np.abs(X).max()
    U, s, Vt = np.linalg.svd(X, full_matrices=False)
    R = min(X.shape)
    assert U.shape == (X.shape[0], R) and Vt.shape == (R, X.shape[1])
    np.testing.assert_allclose(U.T @ U, np.eye(R), atol=1e-10)
    np.testing.assert_allclose(Vt @ Vt.T, np.eye(R), atol=1e-10)
    assert np.all(s >= 0) and np.all(np.diff(s) <= 0)
    scale = s[0] if s[0] > 0 else 1.0
    np.testing.assert_allclose((U * s) @ Vt, X, atol=1e-10 * scale)
    # The singular values are determined by X: sigma_i^2 are the eigenvalues of X^T X ...
    lam = np.sort(np.linalg.eigvalsh(X.T @ X))[::-1][:R]
    np.testing.assert_allclose(s**2, np.maximum(lam, 0), atol=1e-9 * scale**2)
    # ... while u_i and v_i may change sign together and still give an SVD of X.
    flip = np.where(np.arange(R) % 2 == 0, -1.0, 1.0)
    np.testing.assert_allclose((U * flip * s) @ (Vt * flip[:, None]), X, atol=1e-10 * scale)


def random_orthonormal(d: int, k: int, seed: int) -> np.ndarray:
    """A (d, k) matrix with orthonormal columns from the QR factorisation of a Gaussian matrix."""
    Q, _ = np.linalg.qr(np.random.default_rng(seed).normal(size=(d, k)))
    return Q


def reconstruction_error(X: np.ndarray, V: np.ndarray) -> float:
    mean = X.mean(axis=0)
    X_hat = mean + (X - mean) @ V @ V.T
    return float(np.mean(np.sum((X - X_hat) ** 2, axis=1)))


@settings(max_examples=200, deadline=None)
@given(data_and_k(), st.integers(0, 2**16))
def test_error_is_total_minus_captured_variance(Xk, seed):
    X, k = Xk
    V = random_orthonormal(X.shape[1], k, seed)
    Xc = X - X.mean(axis=0)
    total = np.mean(np.sum(Xc**2, axis=1))
    captured = np.mean(np.sum((Xc @ V) ** 2, axis=1))
    assert reconstruction_error(X, V) == pytest.approx(total - captured, rel=1e-9, abs=1e-9 * (total + 1))


@settings(max_examples=200, deadline=None)
@given(data_and_k(), st.integers(0, 2**16))
def test_pca_subspace_beats_any_other(Xk, seed):
    X, k = Xk
    result = pca(X, k=k)
    best = reconstruction_error(X, result.components.T)
    other = reconstruction_error(X, random_orthonormal(X.shape[1], k, seed))
    scale = 1e-9 * (np.sum((X - X.mean(axis=0)) ** 2) + 1)
    assert best <= other + scale
    # The minimum is the variance of the left-out singular values.
    s = np.linalg.svd(X - X.mean(axis=0), compute_uv=False)
    assert best == pytest.approx(np.sum(s[k:] ** 2) / len(X), rel=1e-8, abs=scale)


def test_explained_variance_ratio_matches_relative_error():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(100, 8)) @ rng.normal(size=(8, 8))
    full = pca(X, k=8)
    for k in range(1, 9):
        Xc = X - full.mean
        rel = reconstruction_error(X, full.components[:k].T) / np.mean(np.sum(Xc**2, axis=1))
        assert rel == pytest.approx(1 - full.explained_variance_ratio[:k].sum(), abs=1e-12)
