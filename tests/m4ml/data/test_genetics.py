"""m4ml.data.genetics: missing genotype calls in real PLINK files."""

import numpy as np
import pytest
from bed_reader import to_bed

from m4ml import data
from m4ml.linalg.decomposition import pca


def _write_bed(path, G):
    n, m = G.shape
    to_bed(path, G, properties={"fid": ["YRI"] * (n // 2) + ["CEU"] * (n - n // 2),
                                "bp_position": np.arange(m) * 100 + 1}, count_A1=False)
    return path


def _genotypes_with_gaps(seed=0, n=12, m=40, rate=0.1):
    """Genotypes 0/1/2 with about ``rate`` of the calls missing, spread over most SNPs."""
    rng = np.random.default_rng(seed)
    G = rng.integers(0, 3, size=(n, m)).astype(float)
    gaps = rng.random((n, m)) < rate
    gaps[0, :] = False                    # every SNP keeps at least one observed call
    gaps[1, ::2] = True                   # and at least half of the SNPs have a gap
    G[gaps] = np.nan
    return G, gaps


def test_mean_imputation_keeps_every_snp_and_every_observed_call(tmp_path):
    G, gaps = _genotypes_with_gaps()
    bed = _write_bed(tmp_path / "gaps.bed", G)
    g = data.read_plink(bed)                          # missing="mean" is the default
    assert g.G.shape == G.shape                       # no SNP dropped
    assert not np.isnan(g.G).any()
    np.testing.assert_array_equal(g.G[~gaps], G[~gaps])   # observed calls unchanged
    means = np.nanmean(G, axis=0)
    rows, cols = np.nonzero(gaps)
    np.testing.assert_allclose(g.G[rows, cols], means[cols], rtol=1e-15)
    # the column means are those of the observed calls
    np.testing.assert_allclose(g.G.mean(axis=0), means, rtol=1e-12)
    assert g.meta["n_missing"] == int(gaps.sum()) and g.meta["missing"] == "mean"
    # dropping SNPs with a gap would lose most of them; PCA on the imputed matrix keeps them all
    dropped = data.read_plink(bed, missing="drop")
    assert dropped.G.shape[1] == int((~gaps.any(axis=0)).sum()) < G.shape[1] // 2
    assert dropped.positions.shape == (dropped.G.shape[1],)
    result = pca(g.G, k=2)
    assert result.components.shape == (2, G.shape[1])
    kept = data.read_plink(bed, missing="keep")
    np.testing.assert_array_equal(np.isnan(kept.G), gaps)


def test_a_snp_without_observed_calls_cannot_be_imputed(tmp_path):
    G, _ = _genotypes_with_gaps(seed=1)
    G[:, 5] = np.nan
    bed = _write_bed(tmp_path / "empty.bed", G)
    with pytest.raises(ValueError, match=r"G must have at least one observed call per SNP.*column\(s\) \[5\]"):
        data.read_plink(bed)
    assert data.read_plink(bed, missing="drop").G.shape[1] < G.shape[1]
    with pytest.raises(ValueError, match="missing must be one of 'mean', 'drop', 'keep', got 'median'"):
        data.read_plink(bed, missing="median")


def test_impute_mean_on_an_array():
    G = np.array([[0.0, 2.0], [np.nan, 1.0], [2.0, np.nan]])
    out = data.impute_mean(G)
    np.testing.assert_array_equal(out, [[0.0, 2.0], [1.0, 1.0], [2.0, 1.5]])
    assert np.isnan(G).sum() == 2                     # the input is not modified
