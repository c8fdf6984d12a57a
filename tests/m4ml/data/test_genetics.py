"""m4ml.data.genetics: simulated genotypes, their cache, real PLINK files and their missing calls."""

import numpy as np
import pytest
from bed_reader import to_bed

from m4ml import data
from m4ml.data import DataError
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


@pytest.fixture(scope="module")
def small_sim(tmp_path_factory):
    folder = tmp_path_factory.mktemp("cache")
    g = data.simulate_genotypes(n_per_population=5, sequence_length=200_000, seed=7, cache_path=folder)
    return g, folder


def test_simulated_genotypes_are_valid(small_sim):
    g, _ = small_sim
    n, m = g.shape
    assert n == 15 and m > 50
    assert set(np.unique(g.G)) <= {0.0, 1.0, 2.0}
    assert sorted(set(g.populations)) == ["CEU", "CHB", "YRI"]
    assert np.all(np.diff(g.positions) > 0)
    # a SNP is polymorphic among the sampled haplotypes: not all 0 and not all 2
    assert np.all(g.G.sum(axis=0) > 0) and np.all(g.G.sum(axis=0) < 2 * n)
    assert "15 individuals" in repr(g)


def test_simulation_is_reproducible_and_cached(small_sim):
    g, folder = small_sim
    files = sorted(p.suffix for p in folder.iterdir())
    assert files == [".npz", ".sha256"]  # no unread metadata file beside them
    again = data.simulate_genotypes(n_per_population=5, sequence_length=200_000, seed=7, cache_path=folder)
    np.testing.assert_array_equal(again.G, g.G)
    assert "cached in" in again.source
    fresh = data.simulate_genotypes(n_per_population=5, sequence_length=200_000, seed=7, cache=False)
    np.testing.assert_array_equal(fresh.G, g.G)
    other = data.simulate_genotypes(n_per_population=5, sequence_length=200_000, seed=8, cache=False)
    assert other.G.shape != g.G.shape or not np.array_equal(other.G, g.G)


def test_corrupt_cache_is_reported_and_kept(tmp_path):
    kwargs = dict(n_per_population=3, sequence_length=50_000, seed=3, cache_path=tmp_path)
    data.simulate_genotypes(**kwargs)
    npz = next(tmp_path.glob("*.npz"))
    npz.write_bytes(npz.read_bytes()[:-10] + b"corrupted!")
    before = npz.read_bytes()
    with pytest.raises(DataError, match="checksum mismatch.*refresh=True"):
        data.simulate_genotypes(**kwargs)
    assert npz.read_bytes() == before  # nothing was deleted or overwritten
    repaired = data.simulate_genotypes(**kwargs, refresh=True)
    assert repaired.G.shape[0] == 9
    next(tmp_path.glob("*.sha256")).unlink()
    with pytest.raises(DataError, match="no checksum file"):
        data.simulate_genotypes(**kwargs)


def test_genotype_helpers(small_sim):
    g, _ = small_sim
    p = g.allele_frequencies()
    assert p.shape == (g.shape[1],) and np.all((p > 0) & (p < 1))
    common = g.filter_maf(0.2)
    q = common.allele_frequencies()
    assert np.all(np.minimum(q, 1 - q) >= 0.2) and common.shape[0] == g.shape[0]
    with pytest.raises(ValueError, match=r"threshold must be < 0.5"):
        g.filter_maf(0.7)
    with pytest.raises(ValueError, match="read-only"):
        g.G[0, 0] = 1


@pytest.mark.parametrize(
    "kwargs, error, match",
    [
        ({"n_per_population": 0}, ValueError, "n_per_population must be >= 1"),
        ({"n_per_population": 2.5}, TypeError, "n_per_population must be an integer"),
        ({"sequence_length": 10}, ValueError, "sequence_length must be >= 1000"),
        ({"seed": 0}, ValueError, "seed must be >= 1"),
        ({"model": 3}, TypeError, "model must be a stdpopsim model id"),
    ],
)
def test_simulate_genotypes_bad_arguments(kwargs, error, match):
    with pytest.raises(error, match=match):
        data.simulate_genotypes(cache=False, **kwargs)


def test_read_plink_round_trip(tmp_path):
    from bed_reader import to_bed

    rng = np.random.default_rng(0)
    G = rng.integers(0, 3, size=(6, 10)).astype(float)
    G[2, 3] = np.nan
    bed = tmp_path / "toy.bed"
    to_bed(bed, G, properties={"fid": ["YRI"] * 3 + ["CEU"] * 3, "bp_position": np.arange(10) * 100 + 1},
           count_A1=False)
    g = data.read_plink(bed, missing="keep")
    np.testing.assert_array_equal(g.G, G)
    assert g.populations.tolist() == ["YRI"] * 3 + ["CEU"] * 3
    assert g.positions.tolist() == (np.arange(10) * 100 + 1).tolist()
    assert data.read_plink(bed, population_from="none").populations.tolist() == ["unknown"] * 6
    from m4ml.data._base import sha256sum

    data.read_plink(bed, sha256=sha256sum(bed))
    with pytest.raises(DataError, match="checksum mismatch"):
        data.read_plink(bed, sha256="0" * 64)


def test_read_plink_bad_files(tmp_path):
    with pytest.raises(FileNotFoundError, match="bed_path: no such file"):
        data.read_plink(tmp_path / "none.bed")
    txt = tmp_path / "x.txt"
    txt.write_text("hello")
    with pytest.raises(DataError, match="must end in .bed"):
        data.read_plink(txt)
    bed = tmp_path / "y.bed"
    bed.write_bytes(b"not a bed file")
    with pytest.raises(FileNotFoundError, match=r"the \.bim file .* is missing"):
        data.read_plink(bed)
    (tmp_path / "y.bim").write_text("1\tsnp1\t0\t1\tA\tG\n")
    (tmp_path / "y.fam").write_text("F1 I1 0 0 0 -9\n")
    with pytest.raises(DataError, match="not a SNP-major PLINK .bed file"):
        data.read_plink(bed)
    with pytest.raises(ValueError, match="population_from must be one of"):
        data.read_plink(bed, population_from="iid")
