"""Tests of the four dataset loaders: content checks, file checks and bad input."""

from __future__ import annotations

import gzip
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from m4ml import data
from m4ml.data import DataError
from m4ml.data._files import PackagedFile

# ---------------------------------------------------------------- cancer, digits


def test_cancer_shape_labels_and_names():
    ds = data.load_cancer()
    assert ds.X.shape == (569, 30) and ds.shape == (569, 30)
    assert np.bincount(ds.y).tolist() == [357, 212]  # benign, malignant
    assert ds.target_names == ("benign", "malignant")
    assert ds.feature_names[0] == "mean radius" and ds.feature_names[-1] == "worst fractal dimension"
    # malignant tumours are larger on average (a fact of this data set)
    assert ds.X[ds.y == 1, 0].mean() > ds.X[ds.y == 0, 0].mean()


def test_cancer_agrees_with_scikit_learn():
    from sklearn.datasets import load_breast_cancer

    ref = load_breast_cancer()
    ds = data.load_cancer()
    np.testing.assert_array_equal(ds.X, ref.data)
    np.testing.assert_array_equal(ds.y, 1 - ref.target)
    assert ds.feature_names == tuple(ref.feature_names)


def test_dataset_arrays_are_read_only():
    ds = data.load_cancer()
    with pytest.raises(ValueError, match="read-only"):
        ds.X[0, 0] = 1.0
    frame = ds.to_frame()
    assert frame.shape == (569, 31) and set(frame["label"].cat.categories) == {"benign", "malignant"}
    assert "malignant: 212" in repr(ds)


def test_digits_and_mnist():
    digits = data.load_digits()
    assert digits.X.shape == (1797, 64) and digits.images.shape == (1797, 8, 8)
    assert digits.X.min() == 0 and digits.X.max() == 16
    np.testing.assert_array_equal(digits.images[5].ravel(), digits.X[5])
    mnist = data.load_mnist()
    assert mnist.X.shape == (5000, 784) and mnist.images.shape == (5000, 28, 28)
    assert np.bincount(mnist.y).tolist() == [500] * 10
    assert 0 <= mnist.X.min() and mnist.X.max() <= 255


def test_packaged_file_checksum_mismatch_is_reported(monkeypatch):
    from m4ml.data import _files, cancer

    bad = PackagedFile(_files.BREAST_CANCER.package, _files.BREAST_CANCER.relpath, "0" * 64, "scikit-learn")
    monkeypatch.setattr(cancer, "BREAST_CANCER", bad)
    with pytest.raises(DataError, match="checksum mismatch .*breast_cancer.csv"):
        data.load_cancer()


def test_packaged_file_missing_package_or_file():
    with pytest.raises(DataError, match="pip install nonexistent-dist"):
        PackagedFile("no_such_module_m4ml", "x.csv", "0" * 64, "nonexistent-dist").path()
    with pytest.raises(DataError, match="missing from the installed 'scikit-learn'"):
        PackagedFile("sklearn.datasets.data", "nope.csv", "0" * 64, "scikit-learn").path()


# ---------------------------------------------------------------- weather


def test_clemson_default_series():
    w = data.load_weather()
    assert list(w.columns) == ["tmin", "tmax"]
    assert w.index[0] == pd.Timestamp("1930-01-01") and w.index[-1] == pd.Timestamp("2020-12-31")
    # every calendar day is present in the index; gaps are NaN, not missing rows
    assert len(w) == (w.index[-1] - w.index[0]).days + 1
    assert w.attrs["station"] == data.CLEMSON_STATION
    assert w.attrs["n_missing_days"] == int(w.isna().any(axis=1).sum()) > 0
    # first record: 28.94 F and 66.92 F
    np.testing.assert_allclose(w.iloc[0].to_numpy(), [(28.94 - 32) * 5 / 9, (66.92 - 32) * 5 / 9])
    # Clemson summers are hot and winters mild: July mean max well above January's
    monthly = w["tmax"].groupby(w.index.month).mean()
    assert monthly[7] > monthly[1] + 15


def test_weather_missing_options_and_window():
    dropped = data.load_weather(missing="drop")
    assert not dropped.isna().any().any()
    filled = data.load_weather(missing="interpolate", start="2000-01-01", end="2000-12-31")
    assert len(filled) == 366 and not filled.isna().any().any()
    with pytest.raises(ValueError, match="missing must be one of 'keep', 'drop', 'interpolate'"):
        data.load_weather(missing="zero")


def test_fahrenheit_to_celsius():
    np.testing.assert_allclose(data.fahrenheit_to_celsius([32, 212, -40]), [0, 100, -40])


def _ghcn_lines():
    rows = [
        "GM000003342,20200101,TMAX,35,,,E,",
        "GM000003342,20200101,TMIN,-21,,,E,",
        "GM000003342,20200101,PRCP,12,,,E,",
        "GM000003342,20200102,TMAX,51,,,E,",
        "GM000003342,20200102,TMIN,8,,,E,",
        # 2020-01-03 is missing entirely; 01-04 has a failed quality check on TMAX
        "GM000003342,20200104,TMAX,999,,I,E,",
        "GM000003342,20200104,TMIN,-5,,,E,0700",
        "GM000003342,20200105,TMAX,-9999,,,E,",
        "GM000003342,20200105,TMIN,-33,,,E,",
    ]
    return "\n".join(rows) + "\n"


@pytest.fixture
def ghcn_file(tmp_path: Path) -> Path:
    path = tmp_path / "GM000003342.csv"
    path.write_text(_ghcn_lines())
    return path


def test_read_ghcn_daily_parses_units_gaps_and_flags(ghcn_file):
    w = data.read_ghcn_daily(ghcn_file)
    assert list(w.index.strftime("%m-%d")) == ["01-01", "01-02", "01-03", "01-04", "01-05"]
    np.testing.assert_allclose(w.loc["2020-01-01"].to_numpy(), [-2.1, 3.5])
    assert w.loc["2020-01-03"].isna().all()  # day absent from the file
    assert np.isnan(w.loc["2020-01-04", "tmax"])  # flagged by quality control
    assert np.isnan(w.loc["2020-01-05", "tmax"])  # -9999 means missing
    assert w.attrs["station"] == "GM000003342" and w.attrs["n_flagged"] == 1
    assert w.attrs["n_missing_days"] == 3
    dropped = data.read_ghcn_daily(ghcn_file, missing="drop")
    assert len(dropped) == 2


def test_read_ghcn_daily_flagged_value_would_be_implausible(ghcn_file):
    # Keeping the flagged 99.9 degC reading trips the plausibility check.
    with pytest.raises(DataError, match=r"outside \[-90, 60\] degC on 2020-01-04"):
        data.read_ghcn_daily(ghcn_file, drop_flagged=False)


def test_read_ghcn_daily_gzip_and_checksum(tmp_path, ghcn_file):
    gz = tmp_path / "GM000003342.csv.gz"
    gz.write_bytes(gzip.compress(ghcn_file.read_bytes()))
    pd.testing.assert_frame_equal(data.read_ghcn_daily(gz), data.read_ghcn_daily(ghcn_file))
    from m4ml.data._base import sha256sum

    data.read_ghcn_daily(ghcn_file, sha256=sha256sum(ghcn_file))
    with pytest.raises(DataError, match="checksum mismatch"):
        data.read_ghcn_daily(ghcn_file, sha256="f" * 64)
    assert ghcn_file.exists()  # a failed check never deletes the file


def test_load_weather_reads_a_station_file(ghcn_file):
    w = data.load_weather(ghcn_file, start="2020-01-02", end="2020-01-04")
    assert len(w) == 3


@pytest.mark.parametrize(
    "content, match",
    [
        ("", "empty|not a GHCN-Daily"),
        ("A,20200101,TMAX,1,,,E,\nB,20200101,TMAX,1,,,E,\n", "one station per file"),
        ("A,2020-01-01,TMAX,1,,,E,\n", "line 1 .* no YYYYMMDD date"),
        ("A,20200101,PRCP,1,,,E,\n", "no TMIN or TMAX records"),
        ("A,20200101,TMAX,1,,,E,\nA,20200101,TMAX,2,,,E,\n", "duplicate records"),
        ("A,20200101,TMAX,700,,,E,\n", "outside"),
        ("\x00\x01\x02 binary", "no YYYYMMDD date|not a GHCN-Daily|one station"),
    ],
)
def test_read_ghcn_daily_bad_files(tmp_path, content, match):
    path = tmp_path / "bad.csv"
    path.write_text(content)
    with pytest.raises(DataError, match=match):
        data.read_ghcn_daily(path)


def test_read_ghcn_daily_missing_and_wrong_path(tmp_path):
    with pytest.raises(FileNotFoundError, match="path: no such file: .*nope.csv"):
        data.read_ghcn_daily(tmp_path / "nope.csv")
    with pytest.raises(TypeError, match="path must be a path"):
        data.read_ghcn_daily(42)
    with pytest.raises(DataError, match="not a regular file"):
        data.read_ghcn_daily(tmp_path)


# ---------------------------------------------------------------- genetics


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
