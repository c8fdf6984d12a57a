"""m4ml.linalg.decomposition: PCA against scikit-learn, its properties and bad input."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from m4ml.linalg import decomposition


def test_pca_matches_scikit_learn():
    from sklearn.decomposition import PCA

    rng = np.random.default_rng(0)
    X = rng.normal(size=(50, 6)) @ rng.normal(size=(6, 6))
    ours = decomposition.pca(X, k=3)
    ref = PCA(3).fit(X)
    np.testing.assert_allclose(ours.explained_variance_ratio, ref.explained_variance_ratio_, rtol=1e-10)
    # components agree up to sign
    for a, b in zip(ours.components, ref.components_):
        assert min(np.abs(a - b).max(), np.abs(a + b).max()) < 1e-10
    np.testing.assert_allclose(np.abs(ours.scores), np.abs(ref.transform(X)), atol=1e-10)


@settings(max_examples=40, deadline=None)
@given(st.integers(2, 12), st.integers(1, 6), st.integers(0, 10_000))
def test_pca_components_orthonormal_and_ratios_valid(n, d, seed):
    X = np.random.default_rng(seed).normal(size=(n, d))
    k = min(n, d)
    res = decomposition.pca(X, k=k)
    np.testing.assert_allclose(res.components @ res.components.T, np.eye(k), atol=1e-10)
    assert np.all(np.diff(res.explained_variance_ratio) <= 1e-12)
    assert res.explained_variance_ratio.sum() <= 1 + 1e-12
    # scores reconstruct the centred data when all components are kept (rank <= k)
    np.testing.assert_allclose(res.scores @ res.components + res.mean, X, atol=1e-9)


def test_pca_bad_input():
    with pytest.raises(ValueError, match=r"k must be at most min\(N, D\) = 2"):
        decomposition.pca(np.zeros((5, 2)), k=3)
    with pytest.raises(ValueError, match="X must be 2-D"):
        decomposition.pca(np.zeros(5), k=1)
    with pytest.raises(TypeError, match="k must be an integer"):
        decomposition.pca(np.zeros((5, 2)), k=1.0)
