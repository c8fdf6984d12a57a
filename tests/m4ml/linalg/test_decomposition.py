"""m4ml.linalg.decomposition: pca and PCA against scikit-learn, their properties, real PLINK data and bad input."""

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


# ----------------------------------------------------------------------------- the PCA class
def _subspace_gap(A, B):
    """Spectral norm of the difference of the projectors onto the row spaces of A and B."""
    Qa, _ = np.linalg.qr(A.T)
    Qb, _ = np.linalg.qr(B.T)
    return np.linalg.norm(Qa @ Qa.T - Qb @ Qb.T, 2)


def _sample(seed=0, n=60, d=8):
    rng = np.random.default_rng(seed)
    # distinct column scales and a non-zero mean, so that centring and scaling matter
    return rng.normal(size=(n, d)) @ rng.normal(size=(d, d)) * np.arange(1, d + 1) + 5.0


@pytest.mark.parametrize("shape", [(60, 8), (7, 30)])
def test_class_matches_scikit_learn(shape):
    from sklearn.decomposition import PCA as SkPCA

    rng = np.random.default_rng(1)
    X = rng.normal(size=shape) @ rng.normal(size=(shape[1], shape[1])) + 3.0
    n, k = shape[0], 4
    ours = decomposition.PCA(n_components=k).fit(X)
    ref = SkPCA(n_components=k, svd_solver="full").fit(X)
    np.testing.assert_allclose(ours.mean_, ref.mean_, rtol=1e-12)
    assert _subspace_gap(ours.components_, ref.components_) < 1e-9
    # scikit-learn divides by N - 1, the book by N
    np.testing.assert_allclose(ours.explained_variance_, ref.explained_variance_ * (n - 1) / n, rtol=1e-10)
    np.testing.assert_allclose(ours.explained_variance_ratio_, ref.explained_variance_ratio_, rtol=1e-10)
    np.testing.assert_allclose(ours.singular_values_, ref.singular_values_, rtol=1e-10)
    X_new = rng.normal(size=(5, shape[1]))
    Z, Z_ref = ours.transform(X_new), ref.transform(X_new)
    # the same codes up to the sign of each component
    np.testing.assert_allclose(np.abs(Z), np.abs(Z_ref), atol=1e-9)
    np.testing.assert_allclose(ours.inverse_transform(Z), ref.inverse_transform(Z_ref), atol=1e-9)


def test_class_agrees_with_the_function_and_its_sign_rule():
    X = _sample()
    model = decomposition.PCA(n_components=3)
    Z = model.fit_transform(X)
    res = decomposition.pca(X, k=3)
    np.testing.assert_allclose(model.components_, res.components, atol=1e-12)
    np.testing.assert_allclose(Z, res.scores, atol=1e-9)
    np.testing.assert_allclose(model.explained_variance_ratio_, res.explained_variance_ratio, rtol=1e-12)
    V = model.components_
    assert np.all(V[np.arange(3), np.argmax(np.abs(V), axis=1)] > 0)


def test_scaling_matches_standardised_data():
    from sklearn.decomposition import PCA as SkPCA
    from sklearn.preprocessing import StandardScaler

    X = _sample(2)
    X[:, 0] = 4.0                                   # a constant column stays unscaled
    model = decomposition.PCA(n_components=3, scale=True).fit(X)
    sc = StandardScaler().fit(X)
    ref = SkPCA(n_components=3, svd_solver="full").fit(sc.transform(X))
    np.testing.assert_allclose(model.scale_, sc.scale_, rtol=1e-12)
    assert model.scale_[0] == 1.0
    assert _subspace_gap(model.components_, ref.components_) < 1e-9
    X_new = _sample(3)[:4]
    np.testing.assert_allclose(np.abs(model.transform(X_new)), np.abs(ref.transform(sc.transform(X_new))),
                               atol=1e-9)
    # with all components, inverse_transform undoes transform, scaling included
    full = decomposition.PCA(scale=True).fit(_sample(2))
    np.testing.assert_allclose(full.inverse_transform(full.transform(X_new)), X_new, atol=1e-9)


def test_new_data_are_centred_with_the_training_mean():
    X = _sample()
    model = decomposition.PCA(n_components=2).fit(X)
    shifted = X[:10] + 100.0 * model.components_[0]
    # a shift along PC1 moves the codes by exactly that much: nothing re-centres new data
    np.testing.assert_allclose(model.transform(shifted) - model.transform(X[:10]),
                               np.tile([100.0, 0.0], (10, 1)), atol=1e-9)
    np.testing.assert_allclose(model.transform(model.mean_[None]), 0.0, atol=1e-12)


def test_variances_are_eigenvalues_and_add_up():
    X = _sample(4)
    model = decomposition.PCA().fit(X)
    Xc = X - X.mean(axis=0)
    lam = np.linalg.eigvalsh(Xc.T @ Xc / len(X))[::-1]
    np.testing.assert_allclose(model.explained_variance_, lam, rtol=1e-9)
    np.testing.assert_allclose(model.total_variance_, np.trace(Xc.T @ Xc) / len(X), rtol=1e-12)
    np.testing.assert_allclose(model.explained_variance_ratio_.sum(), 1.0, rtol=1e-12)
    constant = decomposition.PCA(n_components=1).fit(np.ones((4, 3)))
    np.testing.assert_array_equal(constant.explained_variance_ratio_, [0.0])


def test_class_on_plink_genotypes_with_missing_calls(tmp_path):
    """The path of real data: a PLINK file with missing calls, mean-imputed by read_plink."""
    from bed_reader import to_bed

    from m4ml import data

    rng = np.random.default_rng(5)
    n, m = 16, 50
    # two groups with different allele frequencies, so that PC1 separates them
    freq = np.where(np.arange(n)[:, None] < n // 2, 0.2, 0.8) * np.ones((1, m))
    G = rng.binomial(2, freq).astype(float)
    gaps = rng.random((n, m)) < 0.1
    gaps[0] = False                                 # every SNP keeps an observed call
    G[gaps] = np.nan
    bed = tmp_path / "gaps.bed"
    to_bed(bed, G, properties={"fid": ["A"] * (n // 2) + ["B"] * (n - n // 2),
                               "bp_position": np.arange(m) * 1000 + 1}, count_A1=False)
    g = data.read_plink(bed)
    assert g.meta["n_missing"] == int(gaps.sum()) > 0
    with pytest.raises(ValueError, match="X must not contain NaN"):
        decomposition.PCA(n_components=2).fit(data.read_plink(bed, missing="keep").G)
    model = decomposition.PCA(n_components=2)
    Z = model.fit_transform(g.G)
    np.testing.assert_allclose(model.mean_, np.nanmean(G, axis=0), rtol=1e-12)
    np.testing.assert_allclose(model.mean_, data.impute_mean(G).mean(axis=0), rtol=1e-12)
    pc1 = Z[:, 0]
    assert max(pc1[: n // 2]) < min(pc1[n // 2:]) or max(pc1[n // 2:]) < min(pc1[: n // 2])
    ref = decomposition.pca(g.G, k=2)
    np.testing.assert_allclose(Z, ref.scores, atol=1e-9)


@pytest.mark.parametrize(
    "make, error, match",
    [
        (lambda: decomposition.PCA(n_components=0), ValueError, "n_components must be"),
        (lambda: decomposition.PCA(n_components=2.0), TypeError, "n_components must be an integer"),
        (lambda: decomposition.PCA(n_components=2, scale="yes"), TypeError, "scale must be True or False"),
        (lambda: decomposition.PCA(n_components=3).fit(np.ones((5, 2))), ValueError,
         r"n_components must be at most min\(N, D\) = 2, got 3"),
        (lambda: decomposition.PCA().fit(np.ones(5)), ValueError, "X must be 2-D"),
        (lambda: decomposition.PCA().fit(np.ones((1, 3))), ValueError, "X must have at least 2 row"),
        (lambda: decomposition.PCA().fit([[1.0, np.nan], [0.0, 1.0]]), ValueError, "X must not contain NaN"),
        (lambda: decomposition.PCA().fit("data"), TypeError, "X must be an array of numbers"),
        (lambda: decomposition.PCA().transform(np.ones((2, 2))), ValueError,
         r"PCA must be fitted before transform"),
        (lambda: decomposition.PCA().inverse_transform(np.ones((2, 2))), ValueError,
         r"PCA must be fitted before inverse_transform"),
        (lambda: decomposition.PCA().fit(np.eye(3)).transform(np.ones((2, 4))), ValueError,
         r"X must have shape \(any, 3\), got shape \(2, 4\)"),
        (lambda: decomposition.PCA(n_components=2).fit(np.eye(3)).inverse_transform(np.ones((2, 3))),
         ValueError, r"Z must have shape \(any, 2\), got shape \(2, 3\)"),
    ],
)
def test_class_bad_input(make, error, match):
    with pytest.raises(error, match=match):
        make()


def test_class_repr():
    assert repr(decomposition.PCA(n_components=3, scale=True)) == "PCA(n_components=3, scale=True)"
