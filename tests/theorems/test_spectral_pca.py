"""Property tests of the theorems stated in book/spectral/pca.md.

- Maximum variance: the top-k eigenvectors of the covariance matrix S capture the variance
  lambda_1 + ... + lambda_k, and no k orthonormal directions capture more.
- Minimum reconstruction error: the PCA subspace leaves lambda_{k+1} + ... + lambda_D, and no
  k-dimensional subspace through any point leaves less; the best one passes through the mean.
- The two derivations give the same subspace (when lambda_k > lambda_{k+1}), and the explained
  variances of m4ml's PCA are the eigenvalues of S.
"""

from __future__ import annotations

import numpy as np
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from m4ml.linalg.decomposition import PCA


@st.composite
def data_and_k(draw):
    n = draw(st.integers(2, 20))
    d = draw(st.integers(1, 6))
    X = draw(arrays(np.float64, (n, d), elements=st.floats(-50, 50, allow_nan=False)))
    k = draw(st.integers(1, min(n, d)))
    return X, k


def covariance(X):
    Xc = X - X.mean(axis=0)
    return Xc.T @ Xc / len(X)


def projector(W):
    """The orthogonal projector onto the column space of W (orthonormal columns)."""
    return W @ W.T


def random_orthonormal(d, k, seed):
    Q, _ = np.linalg.qr(np.random.default_rng(seed).normal(size=(d, k)))
    return Q


def mean_sq_distance(X, c, W):
    """Mean squared distance of the rows of X to the affine subspace c + span(W)."""
    R = (X - c) - (X - c) @ W @ W.T
    return float(np.mean(np.sum(R**2, axis=1)))


@settings(max_examples=200, deadline=None)
@given(data_and_k())
def test_explained_variances_are_the_eigenvalues_of_the_covariance(Xk):
    X, k = Xk
    model = PCA(n_components=k).fit(X)
    S = covariance(X)
    lam = np.linalg.eigvalsh(S)[::-1]
    scale = 1e-10 * (np.trace(S) + 1)
    np.testing.assert_allclose(model.explained_variance_, np.maximum(lam[:k], 0), atol=scale)
    # each component is an eigenvector: S v_i = lambda_i v_i
    V = model.components_.T
    np.testing.assert_allclose(S @ V, V * model.explained_variance_, atol=10 * scale)
    assert abs(model.total_variance_ - np.trace(S)) <= scale


@settings(max_examples=200, deadline=None)
@given(data_and_k(), st.integers(0, 2**16))
def test_top_eigenvectors_maximise_the_captured_variance(Xk, seed):
    X, k = Xk
    S = covariance(X)
    lam, Q = np.linalg.eigh(S)
    top = Q[:, ::-1][:, :k]
    best = np.trace(top.T @ S @ top)
    scale = 1e-10 * (np.trace(S) + 1)
    assert abs(best - lam[::-1][:k].sum()) <= scale
    W = random_orthonormal(X.shape[1], k, seed)
    assert np.trace(W.T @ S @ W) <= best + scale


@settings(max_examples=200, deadline=None)
@given(data_and_k(), st.integers(0, 2**16), st.integers(0, 2**16))
def test_best_affine_subspace_passes_through_the_mean(Xk, seed_w, seed_c):
    X, k = Xk
    model = PCA(n_components=k).fit(X)
    V = model.components_.T
    lam = np.linalg.eigvalsh(covariance(X))[::-1]
    scale = 1e-9 * (np.trace(covariance(X)) + 1)
    best = mean_sq_distance(X, model.mean_, V)
    assert abs(best - np.maximum(lam[k:], 0).sum()) <= scale
    # any other k-dimensional affine subspace c + span(W) is at least as far ...
    W = random_orthonormal(X.shape[1], k, seed_w)
    c = model.mean_ + 10 * np.random.default_rng(seed_c).normal(size=X.shape[1])
    other = mean_sq_distance(X, c, W)
    assert other >= best - scale
    # ... and moving the point from the mean costs exactly |(I - P)(mean - c)|^2
    gap = (model.mean_ - c) - projector(W) @ (model.mean_ - c)
    assert abs(other - mean_sq_distance(X, model.mean_, W) - gap @ gap) <= scale * (1 + gap @ gap)


@settings(max_examples=200, deadline=None)
@given(st.integers(3, 30), st.integers(2, 6), st.integers(0, 2**16), st.data())
def test_both_derivations_give_the_same_subspace(n, d, seed, draw):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, d)) * rng.uniform(0.1, 3.0, size=d) @ random_orthonormal(d, d, seed + 1).T
    k = draw.draw(st.integers(1, min(n, d) - 1))
    S = covariance(X)
    lam, Q = np.linalg.eigh(S)
    lam, Q = lam[::-1], Q[:, ::-1]
    gap = lam[k - 1] - lam[k]
    assume(gap > 1e-6 * lam[0])
    # maximum variance: the top-k eigenvectors of S; minimum error: the top-k right
    # singular vectors of the centred data (what PCA computes)
    P_var = projector(Q[:, :k])
    P_err = projector(PCA(n_components=k).fit(X).components_.T)
    # eigenvector perturbation bound (Davis-Kahan): rounding errors of size eps * lambda_1
    # move the subspace by at most about eps * lambda_1 / gap
    assert np.linalg.norm(P_var - P_err, 2) <= 1e-12 * lam[0] / gap + 1e-12
