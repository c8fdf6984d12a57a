"""m4ml.data.weather: daily temperatures, the packaged station and any GHCN-Daily file."""

from __future__ import annotations

import gzip
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from m4ml import data
from m4ml.data import DataError


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
