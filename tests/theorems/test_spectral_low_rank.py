"""Property tests of the theorems stated in book/spectral/low_rank.md.

- lem-low-rank-error: ||A - A_k||_2 = sigma_{k+1}, ||A - A_k||_F^2 = sum_{i>k} sigma_i^2, with
  A_k from m4ml.linalg.low_rank.truncated_svd.
- thm-low-rank-eckart-young: no random matrix of rank <= k, drawn in several ways (random
  factors, perturbed factors of A_k, projections of A onto random k-dimensional row or column
  spaces or onto k of its own columns), beats the truncated SVD in the spectral or the Frobenius
  norm; A_k itself attains the bound.
- Weyl's inequality (ex-low-rank-3), the step of the Frobenius proof:
  sigma_{i+j-1}(X + Y) <= sigma_i(X) + sigma_j(Y).
"""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from m4ml.linalg.low_rank import truncated_svd

seeds = st.integers(0, 2**32 - 1)


@st.composite
def matrix_and_rank(draw):
    N, D = draw(st.integers(2, 10)), draw(st.integers(2, 10))
    k = draw(st.integers(1, min(N, D) - 1))
    seed = draw(seeds)
    A = np.random.default_rng(seed).normal(size=(N, D)) * draw(st.floats(0.01, 100))
    return A, k, seed


def _best(A, k):
    U, s, Vt = truncated_svd(A, k=k)
    return (U * s) @ Vt


@settings(max_examples=300, deadline=None)
@given(matrix_and_rank())
def test_error_of_the_truncated_svd(case):
    A, k, _ = case
    s = np.linalg.svd(A, compute_uv=False)
    A_k = _best(A, k)
    assert np.linalg.matrix_rank(A_k) == k
    np.testing.assert_allclose(np.linalg.norm(A - A_k, 2), s[k], rtol=1e-9)
    np.testing.assert_allclose(np.linalg.norm(A - A_k) ** 2, np.sum(s[k:] ** 2), rtol=1e-9)


def _competitors(A, k, rng):
    N, D = A.shape
    A_k = _best(A, k)
    yield rng.normal(size=(N, k)) @ rng.normal(size=(k, D))                # random factors
    for scale in (1e-6, 1e-3, 1e-1):                                        # near the optimum
        U, s, Vt = truncated_svd(A, k=k)
        yield (U + scale * rng.normal(size=U.shape)) * s @ (Vt + scale * rng.normal(size=Vt.shape))
    W, _ = np.linalg.qr(rng.normal(size=(D, k)))                           # random row space
    yield A @ W @ W.T
    C, _ = np.linalg.qr(rng.normal(size=(N, k)))                           # random column space
    yield C @ C.T @ A
    # the span of k columns of A, the best fit of A with that column space
    C, _ = np.linalg.qr(A[:, rng.choice(D, size=k, replace=False)])
    yield C @ C.T @ A
    yield A_k                                                               # equality


@settings(max_examples=300, deadline=None)
@given(matrix_and_rank())
def test_no_rank_k_matrix_beats_the_truncated_svd(case):
    A, k, seed = case
    rng = np.random.default_rng(seed)
    s = np.linalg.svd(A, compute_uv=False)
    best_2, best_F = s[k], np.sqrt(np.sum(s[k:] ** 2))
    for B in _competitors(A, k, rng):
        assert np.linalg.matrix_rank(B) <= k
        assert np.linalg.norm(A - B, 2) >= best_2 * (1 - 1e-9)
        assert np.linalg.norm(A - B) >= best_F * (1 - 1e-9)


@settings(max_examples=300, deadline=None)
@given(st.integers(2, 8), st.integers(2, 8), seeds)
def test_weyl_inequality(N, D, seed):
    rng = np.random.default_rng(seed)
    X, Y = rng.normal(size=(2, N, D))
    Y *= rng.uniform(0.01, 10)
    sx, sy, sxy = (np.linalg.svd(M, compute_uv=False) for M in (X, Y, X + Y))
    R = min(N, D)
    for i in range(R):
        for j in range(R - i):
            assert sxy[i + j] <= (sx[i] + sy[j]) * (1 + 1e-10) + 1e-12
